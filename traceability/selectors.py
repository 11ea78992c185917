"""Read paths of traceability, each with a fixed number of queries.

The marketplace's rows are reached through the lazy foreign keys (`batch.variant.product`),
never imported: the Variant model is taken from the Batch.variant field.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone
from wagtail.images import get_image_model

from traceability.models import Batch, Certificate, ProductionArea, ScanEvent, Serial, TraceEvent

TRACE_IMAGE_SPEC = "fill-160x160"


def variant_model() -> type[Model]:
    return Batch._meta.get_field("variant").related_model  # type: ignore[return-value]


def gtin_forms(gtin14: str) -> list[str]:
    """The ways a GTIN-14 may be stored on a variant: as entered (8, 12, 13 or 14 digits)."""
    forms = [gtin14]
    for length in (13, 12, 8):
        if gtin14[: 14 - length] == "0" * (14 - length):
            forms.append(gtin14[14 - length :])
    return forms


def gtin14(gtin: str) -> str:
    return gtin.zfill(14) if gtin else ""


def _trace_prefetches(prefix: str) -> list[Any]:
    renditions = (
        get_image_model().get_rendition_model().objects.filter(filter_spec=TRACE_IMAGE_SPEC)  # type: ignore[attr-defined]
    )
    return [
        Prefetch(
            f"{prefix}events",
            queryset=TraceEvent.objects.select_related("area", "photo").order_by(
                "occurred_at", "id"
            ),
        ),
        # No query unless a step has a photo.
        Prefetch(
            f"{prefix}events__photo__renditions",
            queryset=renditions,
            to_attr="prefetched_renditions",
        ),
        Prefetch(
            f"{prefix}areas",
            queryset=ProductionArea.objects.prefetch_related(
                Prefetch("certificates", queryset=Certificate.objects.order_by("-expires_on"))
            ),
        ),
        Prefetch(f"{prefix}certificates", queryset=Certificate.objects.order_by("-expires_on")),
        Prefetch(
            f"{prefix}variant__product__certificates",
            queryset=Certificate.objects.order_by("-expires_on"),
        ),
        Prefetch(
            f"{prefix}input_batches",
            queryset=Batch.objects.select_related("variant__product").prefetch_related("areas"),
        ),
        Prefetch(
            f"{prefix}variant__product__main_image__renditions",
            queryset=renditions,
            to_attr="prefetched_renditions",
        ),
    ]


# The header row of a trace (the product's image is loaded with the details, on a cache miss).
_RELATED = ("variant__product__enterprise",)


def published_batches() -> QuerySet[Batch]:
    return Batch.objects.filter(status=Batch.Status.PUBLISHED)


@dataclass
class Trace:
    """What a label resolves to: the item, the lot or only the product, and how exactly."""

    level: str  # "serial", "lot", "product"
    variant: Any
    batch: Batch | None = None
    serial: Serial | None = None
    asked_serial: str = ""
    asked_lot: str = ""
    is_exact: bool = True  # False when we fell back (unknown serial or lot)
    certificates: list[Certificate] = field(default_factory=list)

    @property
    def product(self) -> Any:
        return self.variant.product

    @property
    def enterprise(self) -> Any:
        return self.variant.product.enterprise

    @property
    def gtin(self) -> str:
        return gtin14(self.variant.gtin)

    @property
    def ocop_stars(self) -> int | None:
        product = self.product
        until = product.ocop_badge_until
        if product.ocop_badge_stars and until and until >= timezone.localdate():
            return int(product.ocop_badge_stars)
        return None

    @property
    def events(self) -> list[TraceEvent]:
        return list(self.batch.events.all()) if self.batch else []

    @property
    def corrected_ids(self) -> set[int]:
        return {event.corrects_id for event in self.events if event.corrects_id}

    @property
    def harvest_dates(self) -> list[datetime.date]:
        return [e.occurred_on for e in self.events if e.step == TraceEvent.Step.HARVEST]


def _collect_certificates(batch: Batch | None, variant: Any) -> list[Certificate]:
    """The certificates of the product, the lot and its areas, once each; those the Department
    has not checked yet are not shown (revoked and expired ones are, marked so)."""
    seen: dict[int, Certificate] = {}
    sources: list[Any] = list(variant.product.certificates.all())
    if batch is not None:
        sources += list(batch.certificates.all())
        for area in batch.areas.all():
            sources += list(area.certificates.all())
    for certificate in sources:
        if certificate.verified_at is not None:
            seen.setdefault(certificate.pk, certificate)
    return sorted(seen.values(), key=lambda c: (c.kind, c.expires_on), reverse=True)


def add_trace_details(trace: Trace) -> Trace:
    """Load what the page shows below its header (steps, areas, input lots, certificates,
    images): at most seven queries whatever their number, six for a product-level trace
    without steps. Returns the same trace."""
    if trace.batch is not None:
        prefetch_related_objects([trace.batch], *_trace_prefetches(""))
    else:
        prefetch_related_objects([trace.variant], *_product_prefetches())
    trace.certificates = _collect_certificates(trace.batch, trace.variant)
    return trace


def _product_prefetches() -> list[Any]:
    return [
        Prefetch("product__certificates", queryset=Certificate.objects.order_by("-expires_on")),
        Prefetch(
            "product__main_image__renditions",
            queryset=get_image_model()
            .get_rendition_model()
            .objects.filter(filter_spec=TRACE_IMAGE_SPEC),  # type: ignore[attr-defined]
            to_attr="prefetched_renditions",
        ),
    ]


def _only(serials: QuerySet[Serial]) -> Serial | None:
    """The serial (values are unique): no ORDER BY, which would join the batch's ordering."""
    return next(iter(serials.order_by()[:1]), None)


def _found(trace: Trace, details: bool) -> Trace:
    return add_trace_details(trace) if details else trace


def trace_for(*, gtin: str, lot: str = "", serial: str = "", details: bool = True) -> Trace | None:
    """The trace behind a Digital Link: serial → lot → product fallback, published batches
    only. None when the GTIN is not one of ours. One query per level tried (the item, its
    lot, its product and enterprise in one row); with `details`, `add_trace_details` too."""
    forms = gtin_forms(gtin)
    if serial:
        serials = Serial.objects.filter(
            value=serial, batch__variant__gtin__in=forms, batch__status=Batch.Status.PUBLISHED
        )
        if lot:
            serials = serials.filter(batch__lot=lot)
        found = _only(serials.select_related(*(f"batch__{path}" for path in _RELATED)))
        if found is not None:
            trace = Trace("serial", found.batch.variant, found.batch, found, serial, lot)
            return _found(trace, details)
    if lot:
        batch = (
            published_batches()
            .filter(variant__gtin__in=forms, lot=lot)
            .select_related(*_RELATED)
            .first()
        )
        if batch is not None:
            trace = Trace("lot", batch.variant, batch, None, serial, lot, is_exact=not serial)
            return _found(trace, details)
    variant = (
        variant_model()
        ._default_manager.filter(gtin__in=forms)
        .select_related("product__enterprise")
        .first()
    )
    if variant is None:
        return None
    trace = Trace("product", variant, None, None, serial, lot, is_exact=not (serial or lot))
    return _found(trace, details)


def trace_for_short_code(code: str, *, details: bool = True) -> Trace | None:
    """The trace behind a short link `/t/{code}`: a serial (10 characters) or a lot's short
    code (8 characters). One query per kind tried; with `details`, `add_trace_details` too."""
    found = _only(
        Serial.objects.filter(value=code, batch__status=Batch.Status.PUBLISHED).select_related(
            *(f"batch__{path}" for path in _RELATED)
        )
    )
    if found is not None:
        trace = Trace("serial", found.batch.variant, found.batch, found, code, found.batch.lot)
        return _found(trace, details)
    batch = published_batches().filter(short_code=code).select_related(*_RELATED).first()
    if batch is None:
        return None
    return _found(Trace("lot", batch.variant, batch, None, "", batch.lot), details)


def published_batches_by_variant(variant_ids: list[int]) -> dict[int, list[Batch]]:
    """Published batches of these variants, newest first, by variant id (one query): for the
    product API's `batches` list."""
    batches: dict[int, list[Batch]] = {variant_id: [] for variant_id in variant_ids}
    for batch in published_batches().filter(variant_id__in=variant_ids).select_related("variant"):
        batches[batch.variant_id].append(batch)
    return batches


def scan_history(*, serial: Serial) -> list[dict[str, Any]]:
    """A serial's checks by province and day, for the officers' queue (one query)."""
    rows: dict[tuple[int | None, datetime.date], int] = {}
    for scan in ScanEvent.objects.filter(serial=serial).only("province_code", "scanned_at"):
        key = (scan.province_code, timezone.localtime(scan.scanned_at).date())
        rows[key] = rows.get(key, 0) + 1
    return [
        {"province_code": province, "day": day, "count": count}
        for (province, day), count in sorted(rows.items(), key=lambda item: item[0][1])
    ]


def lot_report(*, batch: Batch) -> dict[str, Any]:
    """One step back and one step forward from a lot (Thông tư 02/2024): its areas and input
    lots back; the lots made from it and its shipping steps forward. Five queries."""
    return {
        "batch": batch,
        "areas": list(batch.areas.all()),
        "inputs": list(batch.input_batches.select_related("variant__product__enterprise")),
        "outputs": list(batch.output_batches.select_related("variant__product__enterprise")),
        "shipments": list(batch.events.filter(step=TraceEvent.Step.SHIPPING)),
        "serial_count": batch.serials.count(),
    }
