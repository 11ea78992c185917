"""Changes to traceability records: certificates (never deleted, revoked), batches and their
steps (append-only once published), serials, scans and reports of suspected fakes."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Q, When
from django.utils import timezone
from django.utils.translation import gettext as _

from traceability.conf import setting
from traceability.exceptions import (
    AlreadyRevoked,
    BatchAlreadyPublished,
    BatchNotPublished,
    ImplausibleBatch,
    InvalidLot,
    ReasonMissing,
    ReportAlreadyHandled,
    TooManySerials,
)
from traceability.labels import LABEL_SIZES
from traceability.models import (
    Batch,
    Certificate,
    LabelRun,
    ProductionArea,
    ScanEvent,
    Serial,
    SuspicionReport,
    TraceEvent,
    validate_lot,
)
from traceability.plausibility import blocking, check_batch

# The scan log's writes live with its buffer; re-exported here as the app's services.
from traceability.scanlog import record_scan as record_scan
from traceability.scanlog import record_scans as record_scans
from traceability.scanlog import visitor_key as visitor_key
from traceability.tasks import render_label_run


@transaction.atomic
def verify_certificate(*, certificate: Certificate, officer: Any) -> Certificate:
    """An officer has checked the certificate against the decision it names: from now on it
    counts (badges, product and trace pages). Checking it again changes nothing."""
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.verified_at is None:
        locked.verified_at = timezone.now()
        locked.save(update_fields=["verified_at"])  # a save: the pages showing it are renewed
    return locked


def revoke_certificate(*, certificate: Certificate, officer: Any, reason: str) -> Certificate:
    """Withdraw a certificate from today on, with the reason shown to the enterprise.

    Products lose the badges it gave them at once (the storefront only counts unrevoked
    certificates). Raises ReasonMissing without a reason and AlreadyRevoked the second time;
    nothing changes then.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ReasonMissing
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise AlreadyRevoked(
            _("This certificate was already revoked on %(day)s.")
            % {"day": timezone.localtime(locked.revoked_at).strftime("%d/%m/%Y")}
        )
    locked.revoked_at = timezone.now()
    locked.revoked_reason = reason
    locked.save(update_fields=["revoked_at", "revoked_reason"])
    return locked


# --- Batches ----------------------------------------------------------------------------------

SERIAL_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L look-alikes
SERIAL_LENGTH = 10
SHORT_CODE_LENGTH = 8  # lot short codes; serials are longer, so the two never collide


def random_code(length: int) -> str:
    return "".join(secrets.choice(SERIAL_ALPHABET) for _i in range(length))


def new_short_code() -> str:
    while True:
        code = random_code(SHORT_CODE_LENGTH)
        if not Batch.objects.filter(short_code=code).exists():
            return code


def _clean_lot(lot: str) -> str:
    lot = (lot or "").strip()
    try:
        validate_lot(lot)
    except ValidationError as error:
        raise InvalidLot from error
    return lot


def previous_batch(*, variant_id: int) -> Batch | None:
    """The latest batch of the same variant, or else of the same product: what a new batch
    copies. One query."""
    return (
        Batch.objects.filter(
            Q(variant_id=variant_id)
            | Q(variant__product__variants__id=variant_id)  # the product's other variants
        )
        .order_by(Case(When(variant_id=variant_id, then=0), default=1), "-production_date", "-id")
        .first()
    )


@transaction.atomic
def create_batch(
    *,
    variant: Any,
    lot: str,
    production_date: datetime.date,
    quantity: int,
    expiry_date: datetime.date | None = None,
    copy_from: Batch | None = None,
    areas: Iterable[ProductionArea] = (),
    input_batches: Iterable[Batch] = (),
) -> Batch:
    """A new draft batch of `variant`. With `copy_from` (usually `previous_batch(...)`), its
    areas, input lots, certificates and steps are copied, each step moved by the difference of
    the production dates, so that a household changes only dates and quantities.

    Raises InvalidLot for a bad lot code and ValidationError when the variant already has
    this lot; nothing is written then."""
    batch = Batch(
        variant=variant,
        lot=_clean_lot(lot),
        production_date=production_date,
        expiry_date=expiry_date,
        quantity=quantity,
        short_code=new_short_code(),
        copied_from=copy_from,
    )
    batch.full_clean(exclude=["short_code"])
    batch.save()
    if copy_from is not None:
        shift = production_date - copy_from.production_date
        batch.areas.set(copy_from.areas.all())
        batch.input_batches.set(copy_from.input_batches.all())
        batch.certificates.set(copy_from.certificates.all())
        TraceEvent.objects.bulk_create(
            TraceEvent(
                batch=batch,
                step=event.step,
                occurred_at=event.occurred_at + shift,
                area_id=event.area_id,
                place=event.place,
                performed_by=event.performed_by,
                description=event.description,
                quantity_kg=event.quantity_kg,
                certificate_id=event.certificate_id,
            )
            for event in copy_from.events.filter(corrects__isnull=True)
        )
    else:
        batch.areas.set(areas)
        batch.input_batches.set(input_batches)
    refresh_plausibility(batch=batch)
    return batch


def refresh_plausibility(*, batch: Batch) -> list[str]:
    """Run the plausibility checks and store their flags on the batch."""
    flags = check_batch(batch)
    if flags != batch.plausibility_flags:
        batch.plausibility_flags = flags
        Batch.objects.filter(pk=batch.pk).update(plausibility_flags=flags)
    return flags


@transaction.atomic
def publish_batch(*, batch: Batch, actor: Any = None) -> Batch:
    """Publish a draft batch: from now on its records are append-only and its labels can be
    printed. Raises ImplausibleBatch (with every blocking reason) or BatchAlreadyPublished;
    nothing changes then. Warnings do not block."""
    locked = Batch.objects.select_for_update().get(pk=batch.pk)
    if locked.is_published:
        raise BatchAlreadyPublished
    flags = refresh_plausibility(batch=locked)
    problems = blocking(flags)
    if problems:
        raise ImplausibleBatch(" ".join(str(flag.message) for flag in problems))
    locked.status = Batch.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at", "updated_at"])
    return locked


@transaction.atomic
def append_trace_event(
    *,
    batch: Batch,
    step: str,
    occurred_at: datetime.datetime,
    area: ProductionArea | None = None,
    place: str = "",
    performed_by: str = "",
    description: str = "",
    quantity_kg: Decimal | None = None,
    destination: str = "",
    corrects: TraceEvent | None = None,
    correction_reason: str = "",
) -> TraceEvent:
    """Add a step to a batch, published or not. A correction names the event it corrects and
    why (EPCIS errorDeclaration); the corrected event itself never changes.
    Raises ValidationError for bad values; nothing is written then."""
    if corrects is not None and corrects.batch_id != batch.pk:
        raise ValidationError(_("The corrected step belongs to another batch."))
    if corrects is not None and not correction_reason:
        raise ValidationError(_("Say why the step is corrected."))
    if area is not None and area.enterprise_id != batch.enterprise_id:
        raise ValidationError(_("This production area belongs to another enterprise."))
    event = TraceEvent(
        batch=batch,
        step=step,
        occurred_at=occurred_at,
        area=area,
        place=place.strip(),
        performed_by=performed_by.strip(),
        description=description.strip(),
        quantity_kg=quantity_kg,
        destination=destination.strip(),
        corrects=corrects,
        correction_reason=correction_reason if corrects is not None else "",
    )
    event.full_clean()
    event.save()
    refresh_plausibility(batch=batch)
    return event


# --- Serials ----------------------------------------------------------------------------------


@transaction.atomic
def issue_serials(*, batch: Batch, count: int) -> list[Serial]:
    """Issue `count` random, unguessable serials for a published batch.

    Raises TooManySerials above TRACE_MAX_SERIALS_PER_REQUEST (or below 1) and
    BatchNotPublished for a draft; nothing is written then."""
    maximum = int(setting("TRACE_MAX_SERIALS_PER_REQUEST"))
    if count < 1 or count > maximum:
        raise TooManySerials(
            _("You can issue from 1 to %(maximum)s serials at a time; you asked for %(count)s.")
            % {"maximum": f"{maximum:,}".replace(",", "."), "count": f"{count:,}".replace(",", ".")}
        )
    locked = Batch.objects.select_for_update().get(pk=batch.pk)
    if not locked.is_published:
        raise BatchNotPublished
    values: set[str] = set()
    while len(values) < count:
        wanted = {random_code(SERIAL_LENGTH) for _i in range(count - len(values))}
        taken = set(Serial.objects.filter(value__in=wanted).values_list("value", flat=True))
        values |= wanted - taken
    return Serial.objects.bulk_create(
        [Serial(batch=locked, value=value) for value in sorted(values)], batch_size=2_000
    )


# --- Scans and reports -------------------------------------------------------------------------


@transaction.atomic
def report_suspected_fake(
    *,
    code: str,
    message: str = "",
    contact: str = "",
    serial: Serial | None = None,
    batch: Batch | None = None,
    enterprise_id: int | None = None,
    province_code: int | None = None,
) -> SuspicionReport:
    """File a shopper's report of a suspected fake for officers and the enterprise.
    Raises ValidationError when the text is too long; nothing is written then."""
    message = (message or "").strip()
    contact = (contact or "").strip()
    if len(message) > 2_000 or len(contact) > 100:
        raise ValidationError(_("The report is too long."))
    if serial is not None:
        Serial.objects.filter(pk=serial.pk, is_suspicious=False).update(is_suspicious=True)
    return SuspicionReport.objects.create(
        kind=SuspicionReport.Kind.SHOPPER_REPORT,
        code=code[:120],
        message=message,
        contact=contact,
        serial=serial,
        batch=batch,
        enterprise_id=enterprise_id,
        province_code=province_code,
    )


@transaction.atomic
def handle_report(*, report: SuspicionReport, actor: Any, note: str) -> SuspicionReport:
    """Mark a report or alert handled, with the officer's or enterprise's note.
    Raises ReasonMissing without a note and ReportAlreadyHandled the second time."""
    note = (note or "").strip()
    if not note:
        raise ReasonMissing
    locked = SuspicionReport.objects.select_for_update().get(pk=report.pk)
    if locked.status == SuspicionReport.Status.HANDLED:
        raise ReportAlreadyHandled
    locked.status = SuspicionReport.Status.HANDLED
    locked.handled_at = timezone.now()
    locked.handled_by = actor
    locked.handling_note = note
    locked.save(update_fields=["status", "handled_at", "handled_by", "handling_note"])
    return locked


# --- Labels -----------------------------------------------------------------------------------


@transaction.atomic
def start_label_run(*, batch: Batch, size: str, actor: Any = None) -> LabelRun:
    """Queue the label sheet PDF of a published batch's serials (made by a task, with
    progress). Raises BatchNotPublished for a draft and ValidationError for an unknown size."""
    if size not in LABEL_SIZES:
        raise ValidationError(_("Choose one of the label sizes."))
    if not batch.is_published:
        raise BatchNotPublished
    run = LabelRun.objects.create(
        batch=batch, size=size, total=max(batch.serials.count(), 1), created_by=actor
    )
    transaction.on_commit(lambda: _enqueue_label_run(run.pk))
    return run


def _enqueue_label_run(run_id: int) -> None:
    render_label_run.enqueue(run_id=run_id)


@transaction.atomic
def purge_scans(*, before: datetime.datetime) -> int:
    """Delete scans older than `before` (scan logs are personal data, kept for a limited time;
    the serials keep their counters). Returns how many were deleted."""
    deleted, _by_model = ScanEvent.objects.filter(scanned_at__lt=before).delete()
    return int(deleted)
