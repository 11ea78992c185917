# mypy: disable-error-code="var-annotated, has-type, django-manager-missing"
# (modelcluster and Wagtail are untyped, so ClusterableModel fields cannot be inferred.)
"""Origin records: production areas, batches (lots) of a variant and their trace events.

A batch links to the marketplace's variant and enterprise by lazy foreign keys (traceability
never imports the marketplace). Once a batch is published, it and its events are append-only:
a correction is a new event that points at the one it corrects (EPCIS `errorDeclaration`).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from accounts.divisions import validate_ward_code, ward_name
from traceability.models.certificates import Certificate

LOT_PATTERN = r"^[0-9A-Z-]{1,20}$"
validate_lot = RegexValidator(
    LOT_PATTERN,
    _("A lot code has 1 to 20 characters from 0-9, A-Z and “-” (no spaces, no accents)."),
    code="invalid_lot",
)


class ProductionArea(models.Model):
    """A growing area (vùng trồng) of an enterprise, with its official code and place."""

    enterprise = models.ForeignKey(
        "marketplace.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="production_areas",
    )
    code = models.CharField(
        _("growing-area code"),
        max_length=40,
        validators=[
            RegexValidator(r"^[0-9A-Za-z.\-/]{1,40}$", _("Use letters, digits, “.”, “-” or “/”."))
        ],
        help_text=_("The code given by the plant protection office, for example VN-TNGO-0012."),
    )
    name = models.CharField(_("name"), max_length=150)
    ward_code = models.PositiveIntegerField(_("ward or commune"), validators=[validate_ward_code])
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    area_ha = models.DecimalField(
        _("area (ha)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    certificates = models.ManyToManyField(
        Certificate, verbose_name=_("certificates"), blank=True, related_name="production_areas"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("production area")
        verbose_name_plural = _("production areas")
        ordering: ClassVar[list[str]] = ["name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["enterprise", "code"],
                name="production_area_code_unique",
                violation_error_message=_("You already have an area with this code."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def ward_name(self) -> str:
        return ward_name(self.ward_code)

    ward_name.fget.short_description = _("ward or commune")  # type: ignore[attr-defined]

    @property
    def map_url(self) -> str:
        """A static map link (OpenStreetMap), no script or tile on our page."""
        if self.latitude is None or self.longitude is None:
            return ""
        return (
            f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
            f"#map=15/{self.latitude}/{self.longitude}"
        )


class Batch(ClusterableModel):
    """A lot of one product variant: its dates, quantity, the areas and input lots it came from
    (so that a blended lot keeps every origin), its events and certificates."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", pgettext_lazy("batch status", "Published")

    enterprise = models.ForeignKey(
        "marketplace.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="batches",
        editable=False,
    )
    variant = models.ForeignKey(
        "marketplace.Variant",
        verbose_name=_("product variant"),
        on_delete=models.PROTECT,
        related_name="batches",
    )
    lot = models.CharField(
        _("lot code"),
        max_length=20,
        validators=[validate_lot],
        help_text=_("Printed on the label: 0-9, A-Z and “-”, for example TC2026-11A."),
    )
    production_date = models.DateField(_("production date"))
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("quantity (units)"))
    areas = models.ManyToManyField(
        ProductionArea, verbose_name=_("production areas"), blank=True, related_name="batches"
    )
    input_batches = models.ManyToManyField(
        "self",
        verbose_name=_("input lots"),
        symmetrical=False,
        blank=True,
        related_name="output_batches",
    )
    certificates = models.ManyToManyField(
        Certificate, verbose_name=_("certificates"), blank=True, related_name="batches"
    )
    notes = models.TextField(_("notes"), blank=True)
    short_code = models.CharField(_("short code"), max_length=12, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Codes of the plausibility checks that failed when the batch was last saved
    # (traceability.plausibility); shown to the enterprise and officers.
    plausibility_flags = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering: ClassVar[list[str]] = ["-production_date", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["enterprise", "status"], name="batch_enterprise_status"),
            models.Index(fields=["variant", "-production_date"], name="batch_variant_newest"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["variant", "lot"],
                name="batch_lot_unique_per_variant",
                violation_error_message=_("This variant already has a batch with this lot code."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published"]), name="batch_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(lot__regex=LOT_PATTERN), name="batch_lot_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lot}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.variant_id and not self.enterprise_id:
            self.enterprise_id = self.variant.enterprise_id
        super().save(*args, **kwargs)


class TraceEvent(models.Model):
    """One step in a batch's life, in the words of EPCIS: what (the batch), when, where
    (area or place), who (performed by) and why (the step)."""

    class Step(models.TextChoices):
        HARVEST = "harvest", _("Harvest")
        WITHERING = "withering", _("Withering")
        ROLLING = "rolling", _("Rolling")
        DRYING = "drying", _("Drying and roasting")
        PROCESSING = "processing", _("Processing")
        INSPECTION = "inspection", _("Quality inspection")
        PACKING = "packing", _("Packing")
        SHIPPING = "shipping", pgettext_lazy("trace step", "Shipping")

    class Correction(models.TextChoices):
        DID_NOT_OCCUR = "did_not_occur", _("The event did not occur")
        INCORRECT_DATA = "incorrect_data", _("The data was incorrect")

    batch = ParentalKey(Batch, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    occurred_at = models.DateTimeField(_("date and time"))
    area = models.ForeignKey(
        ProductionArea,
        verbose_name=_("production area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    performed_by = models.CharField(_("performed by"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    quantity_kg = models.DecimalField(
        _("quantity (kg)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    destination = models.CharField(_("buyer or destination"), max_length=200, blank=True)
    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate or test report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    correction_reason = models.CharField(
        _("reason of the correction"), max_length=16, choices=Correction.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # The fields of a step in the batch form (corrections are made with their own form).
    panels: ClassVar[list[Any]] = [
        FieldRowPanel([FieldPanel("step"), FieldPanel("occurred_at")]),
        FieldRowPanel([FieldPanel("area"), FieldPanel("place")]),
        FieldRowPanel([FieldPanel("performed_by"), FieldPanel("quantity_kg")]),
        FieldPanel("description"),
        FieldPanel("destination"),
        FieldRowPanel([FieldPanel("certificate"), FieldPanel("photo"), FieldPanel("document")]),
    ]

    class Meta:
        verbose_name = _("trace event")
        verbose_name_plural = _("trace events")
        ordering: ClassVar[list[str]] = ["occurred_at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(
                    step__in=[
                        "harvest",
                        "withering",
                        "rolling",
                        "drying",
                        "processing",
                        "inspection",
                        "packing",
                        "shipping",
                    ]
                ),
                name="trace_event_step_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(corrects__isnull=True, correction_reason="")
                | models.Q(corrects__isnull=False) & ~models.Q(correction_reason=""),
                name="trace_event_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.occurred_on:%d/%m/%Y}"

    @property
    def occurred_on(self) -> datetime.date:
        return timezone.localtime(self.occurred_at).date()
