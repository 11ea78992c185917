"""The marketplace's side of `payments.orders.OrderBackend`: payments sees orders only here."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from marketplace.models import Order
from payments.models import Payment


class MarketplaceOrders:
    """Registered in `MarketplaceConfig.ready()`; callbacks run after commit and may repeat."""

    def get_order(self, reference: str) -> Order | None:
        return Order.objects.filter(code=reference).first()

    def order_paid(self, *, reference: str, payment: Payment) -> None:
        with transaction.atomic():
            order = Order.objects.select_for_update().filter(code=reference).first()
            if order is None or order.payment_status != Order.PaymentStatus.PENDING:
                return
            order.payment_status = Order.PaymentStatus.PAID
            order.paid_at = payment.paid_at or timezone.now()
            order.save(update_fields=["payment_status", "paid_at", "updated_at"])

    def order_refunded(self, *, reference: str, payment: Payment, amount_vnd: int) -> None:
        with transaction.atomic():
            order = Order.objects.select_for_update().filter(code=reference).first()
            if order is None or payment.status != Payment.Status.REFUNDED:
                return
            if order.payment_status == Order.PaymentStatus.PAID:
                order.payment_status = Order.PaymentStatus.REFUNDED
                order.save(update_fields=["payment_status", "updated_at"])

    def order_url(self, reference: str) -> str:
        return reverse("marketplace:order", args=[reference])
