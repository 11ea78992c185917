"""Batches: cheap entry by copying, plausibility flags, publishing, serials and reports."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.traceability.factories import BatchFactory, ProductionAreaFactory, at, traced_batch
from traceability.exceptions import (
    BatchAlreadyPublished,
    BatchNotPublished,
    ImplausibleBatch,
    InvalidLot,
    ReasonMissing,
    ReportAlreadyHandled,
    TooManySerials,
)
from traceability.models import Batch, Serial, SuspicionReport, TraceEvent
from traceability.services import (
    SERIAL_ALPHABET,
    append_trace_event,
    create_batch,
    handle_report,
    issue_serials,
    previous_batch,
    publish_batch,
    record_scan,
    refresh_plausibility,
    report_suspected_fake,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_new_batch_copies_the_previous_one_so_only_dates_and_quantities_change():
    # given
    last = traced_batch()
    # when
    copy = create_batch(
        variant=last.variant,
        lot="TC2026-12B",
        production_date=last.production_date + datetime.timedelta(days=7),
        quantity=300,
        copy_from=previous_batch(variant_id=last.variant_id),
    )
    # then
    assert copy.status == Batch.Status.DRAFT
    assert list(copy.areas.all()) == list(last.areas.all())
    steps = [(e.step, e.description, e.occurred_at) for e in copy.events.all()]
    assert steps == [
        (e.step, e.description, e.occurred_at + datetime.timedelta(days=7))
        for e in last.events.all()
    ]
    assert copy.copied_from == last
    assert len(copy.short_code) == 8


@pytest.mark.parametrize("lot", ["", "tc-1", "TC 1", "CHÈ-1", "A" * 21, "TC/1"])
def test_bad_lot_codes_are_refused_and_nothing_is_written(lot):
    variant = BatchFactory().variant
    before = Batch.objects.count()
    with pytest.raises(InvalidLot):
        create_batch(variant=variant, lot=lot, production_date=TODAY(), quantity=1)
    assert Batch.objects.count() == before


def test_same_lot_twice_is_refused():
    batch = BatchFactory()
    with pytest.raises(ValidationError):
        create_batch(variant=batch.variant, lot=batch.lot, production_date=TODAY(), quantity=1)


def test_plausibility_flags_impossible_data_and_blocks_publishing():
    # given: expiry before production, a harvest after packing, a step in the future
    batch = BatchFactory(expiry_date=TODAY() - datetime.timedelta(days=30))
    TraceEvent.objects.create(batch=batch, step="packing", occurred_at=at(12))
    TraceEvent.objects.create(batch=batch, step="harvest", occurred_at=at(11))
    TraceEvent.objects.create(batch=batch, step="shipping", occurred_at=at(-3))
    # when
    flags = refresh_plausibility(batch=batch)
    # then
    assert flags == [
        "expiry_before_production",
        "event_in_future",
        "harvest_after_packing",
    ]
    with pytest.raises(ImplausibleBatch) as error:
        publish_batch(batch=batch)
    assert "hạn sử dụng trước ngày sản xuất" in error.value.message.lower()
    batch.refresh_from_db()
    assert batch.status == Batch.Status.DRAFT


def test_future_production_and_harvest_after_production():
    batch = BatchFactory(production_date=TODAY() + datetime.timedelta(days=3))
    assert "production_in_future" in refresh_plausibility(batch=batch)
    other = BatchFactory()
    TraceEvent.objects.create(batch=other, step="harvest", occurred_at=at(1))
    assert "harvest_after_production" in refresh_plausibility(batch=other)


def test_copied_text_and_times_across_batches_are_a_warning():
    # given: the same step text at the same instant in four batches of one enterprise
    first = BatchFactory()
    batches = [first] + [BatchFactory(variant=first.variant) for _i in range(3)]
    for batch in batches:
        TraceEvent.objects.create(
            batch=batch, step="harvest", occurred_at=at(20), description="Thu hái chè"
        )
    # when
    flags = refresh_plausibility(batch=batches[-1])
    # then
    assert "copied_events" in flags
    publish_batch(batch=batches[-1])  # a warning does not block


def test_no_origin_and_gps_outside_vietnam_are_warnings():
    batch = BatchFactory()
    assert refresh_plausibility(batch=batch) == ["no_origin"]
    batch.areas.add(ProductionAreaFactory(enterprise=batch.enterprise, latitude=Decimal(48)))
    assert refresh_plausibility(batch=batch) == ["area_outside_vietnam"]


def test_published_batch_cannot_be_published_twice_and_takes_corrections():
    batch = traced_batch()
    with pytest.raises(BatchAlreadyPublished):
        publish_batch(batch=batch)
    harvest = batch.events.get(step="harvest")
    correction = append_trace_event(
        batch=batch,
        step="harvest",
        occurred_at=at(13),
        corrects=harvest,
        correction_reason="incorrect_data",
    )
    harvest.refresh_from_db()
    assert harvest.occurred_at == at(14)  # the original never changes
    assert correction.corrects == harvest
    with pytest.raises(ValidationError):
        append_trace_event(batch=batch, step="harvest", occurred_at=at(1), corrects=harvest)


def test_serials_are_random_unique_and_limited(settings):
    settings.TRACE_MAX_SERIALS_PER_REQUEST = 500
    batch = traced_batch()
    serials = issue_serials(batch=batch, count=200)
    values = [serial.value for serial in serials]
    assert len(set(values)) == 200
    assert all(len(value) == 10 and set(value) <= set(SERIAL_ALPHABET) for value in values)
    assert len({value[:6] for value in values}) == 200  # random, not a sequence
    with pytest.raises(TooManySerials) as error:
        issue_serials(batch=batch, count=100_000)
    assert "500" in error.value.message
    with pytest.raises(TooManySerials):
        issue_serials(batch=batch, count=0)
    assert Serial.objects.count() == 200


def test_serials_need_a_published_batch():
    batch = traced_batch(publish=False)
    with pytest.raises(BatchNotPublished):
        issue_serials(batch=batch, count=5)
    assert Serial.objects.count() == 0


def test_many_distinct_visitors_flag_a_serial(settings):
    settings.TRACE_ALERT_MAX_VISITORS = 3
    batch = traced_batch(serials=1)
    serial = batch.serials.get()
    for visitor in "abcd":
        record_scan(
            outcome="genuine",
            visitor=visitor,
            serial_id=serial.pk,
            batch_id=batch.pk,
            enterprise_id=batch.enterprise_id,
        )
    serial.refresh_from_db()
    assert serial.is_suspicious
    assert serial.scan_count == 4
    alert = SuspicionReport.objects.get()
    assert alert.kind == "many_scans"
    # the rule runs on every scan but raises one open alert
    record_scan(outcome="genuine", visitor="e", serial_id=serial.pk, batch_id=batch.pk)
    assert SuspicionReport.objects.count() == 1


def test_same_visitor_many_times_is_not_an_alert(settings):
    settings.TRACE_ALERT_MAX_VISITORS = 3
    batch = traced_batch(serials=1)
    serial = batch.serials.get()
    for _i in range(10):
        record_scan(outcome="genuine", visitor="same", serial_id=serial.pk, batch_id=batch.pk)
    assert not SuspicionReport.objects.exists()


def test_reports_are_handled_once_with_a_note():
    report = report_suspected_fake(code="X", message="Tem in mờ")
    officer = UserFactory()
    with pytest.raises(ReasonMissing):
        handle_report(report=report, actor=officer, note=" ")
    handled = handle_report(report=report, actor=officer, note="Đã liên hệ cơ sở bán")
    assert handled.status == "handled"
    with pytest.raises(ReportAlreadyHandled):
        handle_report(report=report, actor=officer, note="again")


def test_old_scans_are_purged_and_counters_kept():
    batch = traced_batch(serials=1)
    serial = batch.serials.get()
    record_scan(outcome="genuine", visitor="a", serial_id=serial.pk, at=at(800))
    record_scan(outcome="genuine", visitor="b", serial_id=serial.pk, at=at(3))
    call_command("purge_scans", stdout=io.StringIO())
    serial.refresh_from_db()
    assert list(serial.scans.values_list("visitor_key", flat=True)) == ["b"]
    assert serial.scan_count == 2
