"""Per-item serials, the scan log, reports of suspected fakes, and label print runs."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.divisions import province_name
from traceability.models.records import Batch


class Serial(models.Model):
    """One item's random, unguessable serial (AI 21). It exists only once issued for a batch;
    the counters are kept by `record_scan` so the trace page reads one row."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="serials"
    )
    value = models.CharField(_("serial"), max_length=20, unique=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    scan_count = models.PositiveIntegerField(_("checks"), default=0)
    first_scanned_at = models.DateTimeField(_("first checked at"), null=True, blank=True)
    first_province_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_scanned_at = models.DateTimeField(_("last checked at"), null=True, blank=True)
    is_suspicious = models.BooleanField(_("suspicious"), default=False)

    class Meta:
        verbose_name = _("serial")
        verbose_name_plural = _("serials")
        ordering: ClassVar[list[str]] = ["batch", "id"]

    def __str__(self) -> str:
        return self.value

    @property
    def first_province_name(self) -> str:
        return province_name(self.first_province_code) if self.first_province_code else ""


class ScanEvent(models.Model):
    """One check of a label. No IP address is kept: only a hashed visitor key (IP, browser and
    day, with the site's secret) and a coarse place (province)."""

    class Outcome(models.TextChoices):
        GENUINE = "genuine", _("Known serial")
        UNKNOWN_SERIAL = "unknown_serial", _("Unknown serial")
        LOT = "lot", _("Lot label")
        PRODUCT = "product", _("Product label")

    serial = models.ForeignKey(
        Serial, null=True, blank=True, on_delete=models.CASCADE, related_name="scans"
    )
    batch = models.ForeignKey(
        Batch, null=True, blank=True, on_delete=models.CASCADE, related_name="scans"
    )
    code = models.CharField(_("code checked"), max_length=120, blank=True)
    outcome = models.CharField(_("result"), max_length=16, choices=Outcome.choices)
    visitor_key = models.CharField(max_length=32)
    province_code = models.PositiveSmallIntegerField(null=True, blank=True)
    scanned_at = models.DateTimeField(_("checked at"), default=timezone.now)

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering: ClassVar[list[str]] = ["-scanned_at"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["serial", "scanned_at"], name="scan_serial_time"),
            models.Index(fields=["scanned_at"], name="scan_time"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.scanned_at:%Y-%m-%d %H:%M}"

    @property
    def province_name(self) -> str:
        return province_name(self.province_code) if self.province_code else ""


class SuspicionReport(models.Model):
    """A shopper's report of a suspected fake, or an alert raised by the scan rules. Officers
    and the enterprise see them in one queue and mark them handled with a note."""

    class Kind(models.TextChoices):
        SHOPPER_REPORT = "shopper_report", _("Report from a shopper")
        MANY_SCANS = "many_scans", _("Checked by many visitors")
        MANY_PROVINCES = "many_provinces", _("Checked in many provinces")
        UNKNOWN_SERIAL = "unknown_serial", _("Unknown serial checked")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        HANDLED = "handled", _("Handled")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    enterprise = models.ForeignKey(
        "marketplace.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="suspicion_reports",
    )
    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), null=True, blank=True, on_delete=models.CASCADE
    )
    serial = models.ForeignKey(
        Serial, verbose_name=_("serial"), null=True, blank=True, on_delete=models.CASCADE
    )
    code = models.CharField(_("code checked"), max_length=120, blank=True)
    message = models.TextField(_("what the shopper saw"), blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    province_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # One open alert per rule and serial (or code): the rules run on every scan.
    dedupe_key = models.CharField(max_length=160, blank=True, editable=False)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handling_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("suspected fake")
        verbose_name_plural = _("suspected fakes")
        ordering: ClassVar[list[str]] = ["status", "-created_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=models.Q(status="open") & ~models.Q(dedupe_key=""),
                name="suspicion_one_open_alert",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "handled"]), name="suspicion_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.code}"


class LabelRun(models.Model):
    """An A4 label sheet PDF being made for a batch's serials (a task for large runs)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="label_runs")
    size = models.CharField(_("label size"), max_length=16)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    done_count = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="labels/", blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("label sheet")
        verbose_name_plural = _("label sheets")
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.batch} {self.size}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(self.done_count * 100 / self.total)
