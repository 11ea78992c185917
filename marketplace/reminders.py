"""Reminders before certificates expire: 90, 30 and 7 days ahead, each sent once.

A product's OCOP stars disappear by themselves when its certificate expires (the storefront
only counts certificates valid today); these reminders give the enterprise time to renew.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from marketplace.mail import enterprise_recipients, officer_recipients, send_templated
from traceability.models import Certificate, CertificateReminder

REMINDER_DAYS = (90, 30, 7)


def due_threshold(days_left: int) -> int | None:
    """The most urgent reminder threshold reached with `days_left` days to go, if any."""
    reached = [days for days in REMINDER_DAYS if 0 <= days_left <= days]
    return min(reached, default=None)


@dataclass(frozen=True)
class SentReminder:
    certificate: Certificate
    days_before: int
    days_left: int


def remind_expiring_certificates(*, today: datetime.date) -> list[SentReminder]:
    """Email each enterprise whose unrevoked certificate reaches a threshold, then send the
    officers one digest of what was sent.

    A certificate gets one reminder per threshold: the row in CertificateReminder is written
    in the same transaction as the email is handed over, and its unique constraint turns a
    second run (or two workers at once) into a no-op. When a certificate is first seen past
    several thresholds (entered late), only the most urgent reminder is sent.
    """
    horizon = today + datetime.timedelta(days=max(REMINDER_DAYS))
    certificates = (
        Certificate.objects.filter(
            revoked_at__isnull=True, expires_on__gte=today, expires_on__lte=horizon
        )
        .select_related("enterprise")
        .order_by("expires_on", "pk")
    )
    sent: list[SentReminder] = []
    for certificate in certificates:
        days_left = (certificate.expires_on - today).days
        threshold = due_threshold(days_left)
        if threshold is None or certificate.reminders.filter(days_before=threshold).exists():
            continue
        try:
            with transaction.atomic():
                CertificateReminder.objects.create(certificate=certificate, days_before=threshold)
                send_templated(
                    "marketplace/email/certificate_expiry",
                    {"certificate": certificate, "days_left": days_left},
                    enterprise_recipients(certificate.enterprise),  # type: ignore[arg-type]
                )
        except IntegrityError:
            continue  # another run sent this one in the meantime
        sent.append(SentReminder(certificate, threshold, days_left))
    if sent:
        send_templated(
            "marketplace/email/certificate_expiry_digest", {"reminders": sent}, officer_recipients()
        )
    return sent
