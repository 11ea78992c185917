"""Background work of the marketplace. Tasks take ids, reload rows and are safe to run twice."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from marketplace.mail import enterprise_recipients, send_templated
from marketplace.models import EnterpriseEvent, Invitation
from marketplace.reminders import remind_expiring_certificates
from marketplace.services.catalogue import refresh_ocop_badges


@task()
def notify_enterprise_status(*, event_id: int) -> None:
    """Email the owners of an enterprise about an approval decision, once per event."""
    with transaction.atomic():
        event = (
            EnterpriseEvent.objects.select_for_update(of=("self",))
            .select_related("enterprise")
            .filter(pk=event_id, notified_at__isnull=True)
            .first()
        )
        if event is None:
            return
        send_templated(
            "marketplace/email/enterprise_status",
            {"event": event, "enterprise": event.enterprise},
            enterprise_recipients(event.enterprise),
        )
        event.notified_at = timezone.now()
        event.save(update_fields=["notified_at"])


@task()
def send_invitation_email(*, invitation_id: int) -> None:
    """Email an invitation's link to the address the owner gave, once."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("enterprise")
            .filter(pk=invitation_id, emailed_at__isnull=True)
            .exclude(email="")
            .first()
        )
        if invitation is None or not invitation.is_open:
            return
        link = settings.SITE_URL.rstrip("/") + reverse(
            "marketplace:accept_invitation", args=[invitation.token]
        )
        send_templated(
            "marketplace/email/invitation",
            {"invitation": invitation, "enterprise": invitation.enterprise, "link": link},
            [invitation.email],
        )
        invitation.emailed_at = timezone.now()
        invitation.save(update_fields=["emailed_at"])


@task()
def send_certificate_reminders() -> int:
    """The daily run of certificate expiry reminders; returns how many were sent."""
    return len(remind_expiring_certificates(today=timezone.localdate()))


@task()
def refresh_all_ocop_badges() -> int:
    """The daily recomputation of every product's OCOP badge (see refresh_ocop_badges)."""
    return refresh_ocop_badges()
