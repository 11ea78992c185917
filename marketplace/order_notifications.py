"""Notifications of orders: one task per sub-order status change, safe to run twice."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from marketplace.mail import enterprise_recipients, send_templated
from marketplace.models import SubOrder, SubOrderEvent
from marketplace.notify import message_sender

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
