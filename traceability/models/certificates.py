"""Traceability records. Certificates first: OCOP, VietGAP, organic, GI and food safety."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def valid_on(self, day: datetime.date) -> CertificateQuerySet:
        """Certificates in force on `day`: checked by the Department, issued, not yet expired
        and not revoked."""
        return self.filter(
            verified_at__isnull=False,
            issued_on__lte=day,
            expires_on__gte=day,
            revoked_at__isnull=True,
        )

    def valid_today(self) -> CertificateQuerySet:
        return self.valid_on(timezone.localdate())


class Certificate(models.Model):
    """A certificate held by an enterprise, covering some of its products (and later areas and
    batches). The enterprise is a lazy link to the marketplace's row: traceability never imports
    the marketplace."""

    class Kind(models.TextChoices):
        OCOP = "ocop", _("OCOP")
        VIETGAP = "vietgap", _("VietGAP")
        ORGANIC = "organic", _("Organic")
        GEOGRAPHICAL_INDICATION = "gi", _("Geographical indication")
        FOOD_SAFETY = "food_safety", _("Food safety")

    enterprise = models.ForeignKey(
        "marketplace.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    number = models.CharField(_("certificate or decision number"), max_length=100)
    issuing_body = models.CharField(_("issued by"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    star_level = models.PositiveSmallIntegerField(
        _("OCOP stars"), null=True, blank=True, help_text=_("3 to 5; OCOP certificates only.")
    )
    score_part_a = models.PositiveSmallIntegerField(_("part A score"), null=True, blank=True)
    score_part_b = models.PositiveSmallIntegerField(_("part B score"), null=True, blank=True)
    score_part_c = models.PositiveSmallIntegerField(_("part C score"), null=True, blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When an officer checked it (publishing a product that shows it counts): a certificate an
    # enterprise enters or changes gives no badge and is not shown until then.
    verified_at = models.DateTimeField(
        _("checked by the Department at"), null=True, blank=True, default=timezone.now
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering: ClassVar[list[str]] = ["-expires_on"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["kind", "expires_on"], name="certificate_kind_expiry"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["ocop", "vietgap", "organic", "gi", "food_safety"]),
                name="certificate_kind_valid",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="ocop", star_level__gte=3, star_level__lte=5)
                    | (~models.Q(kind="ocop") & models.Q(star_level__isnull=True))
                ),
                name="certificate_ocop_has_stars",
                violation_error_message=_("An OCOP certificate carries 3, 4 or 5 stars."),
            ),
            models.CheckConstraint(
                condition=models.Q(expires_on__gte=models.F("issued_on")),
                name="certificate_expires_after_issue",
                violation_error_message=_("The expiry date must not be before the issue date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return (
            self.verified_at is not None
            and self.revoked_at is None
            and self.issued_on <= day <= self.expires_on
        )


class CertificateReminder(models.Model):
    """A reminder sent before a certificate expires: one row per certificate and threshold,
    so that a reminder is never sent twice however often the daily task runs."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate reminder")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["certificate", "days_before"], name="certificate_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id}: {self.days_before}"
