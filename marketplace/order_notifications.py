"""After-commit work of orders: a notification per sub-order status change, and the money of
a cancelled part (refund, or the unpaid order's payments cancelled). Safe to run twice."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from marketplace.mail import enterprise_recipients, send_templated
from marketplace.models import Order, SubOrder, SubOrderEvent
from marketplace.notify import message_sender
from payments.exceptions import PaymentError
from payments.models import Payment
from payments.selectors import payments_for_order
from payments.services import cancel_payment, collect_cod_payment, refund_payment

SHOPPER_MESSAGES = {
    SubOrder.Status.PLACED,
    SubOrder.Status.CONFIRMED,
    SubOrder.Status.SHIPPED,
    SubOrder.Status.DELIVERED,
    SubOrder.Status.CANCELLED,
}


@task()
def notify_sub_order_event(*, event_id: int) -> None:
    """Tell the shopper (email when given, and a text message) and, for a new part, the
    enterprise (email) about one status change; once per event."""
    with transaction.atomic():
        event = (
            SubOrderEvent.objects.select_for_update(of=("self",))
            .select_related("sub_order__order", "sub_order__enterprise")
            .filter(pk=event_id, notified_at__isnull=True)
            .first()
        )
        if event is None:
            return
        sub_order = event.sub_order
        order = sub_order.order
        path = reverse("marketplace:order", args=[order.code])
        context = {
            "event": event,
            "sub_order": sub_order,
            "order": order,
            "enterprise": sub_order.enterprise,
            "order_url": settings.SITE_URL.rstrip("/") + path,
        }
        if event.to_status in SHOPPER_MESSAGES:
            if order.email:
                send_templated("marketplace/email/order_status", context, [order.email])
            with translation.override(settings.LANGUAGE_CODE):
                text = _("%(site)s: order %(code)s from %(enterprise)s is now “%(status)s”.") % {
                    "site": "OCOP Thái Nguyên",
                    "code": order.code,
                    "enterprise": sub_order.enterprise.name,
                    "status": sub_order.Status(event.to_status).label,
                }
            message_sender().send(phone=order.phone, text=str(text))
        if event.to_status == SubOrder.Status.PLACED:
            send_templated(
                "marketplace/email/sub_order_new",
                context,
                enterprise_recipients(sub_order.enterprise),
            )
        event.notified_at = timezone.now()
        event.save(update_fields=["notified_at"])


@task()
def settle_cancelled_sub_order(*, sub_order_id: int) -> None:
    """A part was cancelled: refund its total when the order was paid online, or cancel the
    order's pending payments once every part is cancelled. Once per part (guarded by
    `payment_settled_at`); a gateway error leaves the refund pending for reconciliation."""
    with transaction.atomic():
        sub_order = (
            SubOrder.objects.select_for_update(of=("self",))
            .select_related("order")
            .filter(
                pk=sub_order_id,
                status=SubOrder.Status.CANCELLED,
                payment_settled_at__isnull=True,
            )
            .first()
        )
        if sub_order is None:
            return
        order = sub_order.order
        everything_cancelled = not order.sub_orders.exclude(
            status=SubOrder.Status.CANCELLED
        ).exists()
        if order.payment_status != Order.PaymentStatus.PAID and not everything_cancelled:
            return
        sub_order.payment_settled_at = timezone.now()
        sub_order.save(update_fields=["payment_settled_at"])
    payments = payments_for_order(order_reference=order.code)
    reason = str(_("Order %(code)s cancelled.") % {"code": order.code})
    try:
        if order.payment_status == Order.PaymentStatus.PAID:
            paid = next((p for p in payments if p.refundable_vnd >= sub_order.total_vnd), None)
            if paid is not None:
                refund_payment(
                    payment_id=paid.pk,
                    amount_vnd=sub_order.total_vnd,
                    reason=reason,
                    actor="marketplace",
                )
        else:
            for payment in payments:
                if payment.status in {Payment.Status.PENDING, Payment.Status.FAILED}:
                    cancel_payment(payment_id=payment.pk, reason=reason, actor="marketplace")
    except PaymentError:
        # the refund request is recorded and retried by reconciliation
        return


@task()
def collect_cod_when_delivered(*, order_id: int, actor: str) -> None:
    """Every part of a cash-on-delivery order was handed over: its COD payment is collected.

    Only when all parts were delivered (the COD payment is for the whole order; an order with a
    cancelled or refused part is settled by hand). Safe to run twice: a collected payment is
    no longer pending.
    """
    order = Order.objects.filter(pk=order_id, payment_method="cod").first()
    if order is None:
        return
    statuses = set(order.sub_orders.values_list("status", flat=True))
    if not statuses or not statuses <= {SubOrder.Status.DELIVERED, SubOrder.Status.COMPLETED}:
        return
    for payment in payments_for_order(order_reference=order.code):
        if payment.provider == "cod" and payment.status == Payment.Status.PENDING:
            collect_cod_payment(payment_id=payment.pk, actor=actor)
            return
