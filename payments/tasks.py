"""Background work of payments. Tasks take ids, reload rows and are safe to run twice."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from payments import reconciliation, services
from payments.exceptions import PaymentError
from payments.models import Payment, PaymentEvent
from payments.orders import order_backend

logger = logging.getLogger("payments")


@task()
def deliver_payment_event(*, event_id: int) -> None:
    """Tell the order backend that a payment was paid or refunded, once per event.

    A payment for an order that is gone, cancelled or already paid by another attempt is not
    given to the order: it is refunded in full instead (after this transaction).
    """
    refund_payment_id: int | None = None
    with transaction.atomic():
        event = (
            PaymentEvent.objects.select_for_update(of=("self",))
            .select_related("payment")
            .filter(pk=event_id, order_notified_at__isnull=True)
            .first()
        )
        if event is None:
            return
        payment = event.payment
        # Serialise deliveries for one order: two attempts paid at once are told apart here.
        list(
            Payment.objects.select_for_update()
            .filter(order_reference=payment.order_reference)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        backend = order_backend()
        if event.event_type == PaymentEvent.Type.PAID:
            order = backend.get_order(payment.order_reference)
            paid_before = (
                PaymentEvent.objects.filter(
                    payment__order_reference=payment.order_reference,
                    event_type=PaymentEvent.Type.PAID,
                    order_notified_at__isnull=False,
                )
                .exclude(payment=payment)
                .exclude(payment__status=Payment.Status.REFUNDED)
                .exists()
            )
            if order is None or not order.is_payable or paid_before:
                refund_payment_id = payment.pk
            else:
                backend.order_paid(reference=payment.order_reference, payment=payment)
        elif event.event_type == PaymentEvent.Type.REFUNDED:
            backend.order_refunded(
                reference=payment.order_reference, payment=payment, amount_vnd=event.amount_vnd
            )
        event.order_notified_at = timezone.now()
        event.save(update_fields=["order_notified_at"])
    if refund_payment_id is not None:
        try:
            services.refund_payment(
                payment_id=refund_payment_id,
                reason="Don hang da huy hoac da thanh toan",
                actor="system",
            )
        except PaymentError:
            logger.exception("automatic refund of payment %s failed", refund_payment_id)


@task()
def reconcile_pending_payments() -> int:
    """The periodic run of reconcile_pending; returns how many payments changed state."""
    lines = reconciliation.reconcile_pending(now=timezone.now())
    return sum(1 for line in lines if line.status_after != line.status_before)
