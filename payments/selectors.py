"""Read paths of payments, each with a known number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from payments.exceptions import OrdersNotConnected
from payments.models import Payment
from payments.orders import order_backend


def payment_by_reference(*, provider: str, reference: str) -> Payment | None:
    """One query."""
    if not reference:
        return None
    return Payment.objects.filter(provider=provider, reference=reference).first()


def payments_for_order(*, order_reference: str) -> list[Payment]:
    """Every attempt for the order, newest first (one query)."""
    return list(Payment.objects.filter(order_reference=order_reference).order_by("-created_at"))


@dataclass(frozen=True)
class OrderPaymentState:
    paid_vnd: int
    refunded_vnd: int

    @property
    def is_paid(self) -> bool:
        return self.paid_vnd > 0

    @property
    def net_vnd(self) -> int:
        return self.paid_vnd - self.refunded_vnd


def order_payment_state(*, order_reference: str) -> OrderPaymentState:
    """What arrived and what went back for an order, over all its attempts (one query)."""
    totals = Payment.objects.filter(
        order_reference=order_reference,
        status__in=[
            Payment.Status.PAID,
            Payment.Status.PARTIALLY_REFUNDED,
            Payment.Status.REFUNDED,
        ],
    ).aggregate(paid=Sum("amount_vnd"), refunded=Sum("refunded_vnd"))
    return OrderPaymentState(paid_vnd=totals["paid"] or 0, refunded_vnd=totals["refunded"] or 0)


def order_url(reference: str) -> str:
    """Where the shopper sees the order (empty while no order backend is connected)."""
    try:
        return order_backend().order_url(reference)
    except OrdersNotConnected:
        return ""
