"""Background work of the marketplace. Tasks take ids, reload rows and are safe to run twice."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from marketplace.models import EnterpriseEvent, Invitation, Membership


@task()
def notify_enterprise_status(*, event_id: int) -> None:
    """Email the owners of an enterprise about an approval decision, once per event."""
    with transaction.atomic():
        event = (
            EnterpriseEvent.objects.select_for_update()
            .select_related("enterprise")
            .filter(pk=event_id, notified_at__isnull=True)
            .first()
        )
        if event is None:
            return
        recipients = sorted(
            {
                email
                for email in Membership.objects.filter(
                    enterprise=event.enterprise, role=Membership.Role.OWNER
                ).values_list("user__email", flat=True)
                if email
            }
            | ({event.enterprise.email} if event.enterprise.email else set())
        )
        if recipients:
            with translation.override(settings.LANGUAGE_CODE):
                context = {
                    "event": event,
                    "enterprise": event.enterprise,
                    "site_url": settings.SITE_URL,
                }
                subject = render_to_string(
                    "marketplace/email/enterprise_status_subject.txt", context
                )
                body = render_to_string("marketplace/email/enterprise_status.txt", context)
            send_mail(" ".join(subject.split()), body, None, recipients)
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
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "invitation": invitation,
                "enterprise": invitation.enterprise,
                "link": settings.SITE_URL.rstrip("/")
                + reverse("marketplace:accept_invitation", args=[invitation.token]),
            }
            subject = render_to_string("marketplace/email/invitation_subject.txt", context)
            body = render_to_string("marketplace/email/invitation.txt", context)
        send_mail(" ".join(subject.split()), body, None, [invitation.email])
        invitation.emailed_at = timezone.now()
        invitation.save(update_fields=["emailed_at"])
