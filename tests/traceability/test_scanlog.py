"""Scan logging off the request path: buffered checks, written in bulk, rules in the flush."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.traceability.factories import GTIN, traced_batch
from tests.traceability.test_admin import member_of, officer
from tests.traceability.test_trace_page import vi, vi_plural
from traceability import scanlog
from traceability.models import ScanEvent, Serial, SuspicionReport
from traceability.scanlog import flush_scans, record_scan_batch

pytestmark = pytest.mark.django_db


def _url(batch, serial) -> str:
    return f"/01/{GTIN}/10/{batch.lot}/21/{serial.value}"


def test_a_check_is_buffered_then_written_by_the_flush(client):
    # given
    batch = traced_batch(serials=1)
    serial = batch.serials.get()
    # when
    with CaptureQueriesContext(connection) as queries:
        client.get(_url(batch, serial))
    # then: the request wrote nothing
    assert not [q for q in queries.captured_queries if not q["sql"].startswith("SELECT")]
    assert ScanEvent.objects.count() == 0
    assert len(scanlog.BUFFER) == 1
    # when
    assert flush_scans() == 1
    # then
    scan = ScanEvent.objects.get()
    assert (scan.serial_id, scan.batch_id, scan.outcome, scan.code) == (
        serial.pk,
        batch.pk,
        "genuine",
        serial.value,
    )
    serial.refresh_from_db()
    assert serial.scan_count == 1
    assert serial.first_scanned_at == scan.scanned_at
    assert len(scanlog.BUFFER) == 0
    assert flush_scans() == 0


def test_the_buffer_flushes_itself_once_full_after_the_response(client, settings):
    # given
    settings.TRACE_SCAN_BUFFER_SIZE = 3
    batch = traced_batch(serials=3)
    # when: three checks of three items
    for serial in batch.serials.all():
        client.get(_url(batch, serial))
    # then: the third response's closer flushed the three, with no explicit flush
    assert ScanEvent.objects.count() == 3
    assert sorted(Serial.objects.values_list("scan_count", flat=True)) == [1, 1, 1]
    assert len(scanlog.BUFFER) == 0


def test_the_buffer_flushes_itself_once_old(client, settings):
    settings.TRACE_SCAN_BUFFER_SECONDS = 0
    batch = traced_batch(serials=1)
    client.get(_url(batch, batch.serials.get()))
    assert ScanEvent.objects.count() == 1


def test_buffered_checks_count_on_the_page_with_their_place(client, settings):
    # given
    settings.TRACE_PROVINCE_HEADER = "HTTP_X_PROVINCE_CODE"
    batch = traced_batch(serials=1)
    serial = batch.serials.get()
    client.get(_url(batch, serial), HTTP_X_PROVINCE_CODE="19")
    # when: not flushed yet
    page = client.get(_url(batch, serial), HTTP_X_PROVINCE_CODE="1").content.decode()
    # then
    plural = vi_plural(
        "Checked %(count)s time, first on %(day)s in %(place)s",
        "Checked %(count)s times, first on %(day)s in %(place)s",
        2,
    )
    assert plural.split(",")[0] % {"count": 2} in page
    assert "Thái Nguyên" in page
    assert ScanEvent.objects.count() == 0


def test_anomalies_are_found_in_the_flush_and_shown_to_officers_and_the_enterprise(
    client, settings
):
    # given: more distinct visitors than allowed, in one buffered batch
    settings.TRACE_ALERT_MAX_VISITORS = 3
    batch = traced_batch(serials=1)
    serial = batch.serials.get()
    for visitor in range(5):
        client.get(_url(batch, serial), HTTP_USER_AGENT=f"phone-{visitor}")
    client.get(f"/01/{GTIN}/10/{batch.lot}/21/FAKE98765")
    assert not SuspicionReport.objects.exists()
    # when
    flush_scans()
    # then
    serial.refresh_from_db()
    assert serial.is_suspicious
    assert serial.scan_count == 5
    kinds = sorted(SuspicionReport.objects.values_list("kind", flat=True))
    assert kinds == ["many_scans", "unknown_serial"]
    page = client.get(_url(batch, serial)).content.decode()
    assert vi("Report a suspected fake") in page
    queue = reverse("traceability_reports:index")
    client.force_login(officer())
    assert serial.value in client.get(queue).content.decode()
    client.force_login(member_of(batch.variant.product.enterprise))
    assert serial.value in client.get(queue).content.decode()


def test_the_flush_task_run_twice_writes_once():
    # given
    batch = traced_batch(serials=1)
    serial = batch.serials.get()
    scans = [
        {"outcome": "genuine", "visitor": "v1", "serial_id": serial.pk, "batch_id": batch.pk},
        {"outcome": "genuine", "visitor": "v2", "serial_id": serial.pk, "batch_id": batch.pk},
    ]
    scans = [scan | {"at": f"2026-11-20T0{index}:00:00+00:00"} for index, scan in enumerate(scans)]
    # when
    record_scan_batch.call(scans=scans)
    record_scan_batch.call(scans=scans)
    # then
    assert ScanEvent.objects.count() == 2
    serial.refresh_from_db()
    assert serial.scan_count == 2
    assert serial.first_scanned_at.hour == 0


def test_checks_of_rows_deleted_meanwhile_are_dropped():
    # given
    batch = traced_batch(serials=2)
    kept, gone = batch.serials.all()
    for serial in (kept, gone):
        scanlog.buffer_scan(
            scanlog.Scan(outcome="genuine", visitor="v", serial_id=serial.pk, batch_id=batch.pk),
            serial_value=serial.value,
        )
    gone.delete()
    # when
    assert flush_scans() == 2
    # then
    assert list(ScanEvent.objects.values_list("serial_id", flat=True)) == [kept.pk]


def test_a_flush_costs_the_same_queries_for_1_or_50_checks(client):
    # given
    counts = []
    for size in (1, 50):
        batch = traced_batch(serials=1, variant__gtin="")
        serial = batch.serials.get()
        for index in range(size):
            client.get(f"/t/{serial.value}", HTTP_USER_AGENT=f"v{size}-{index % 3}")
        # when
        with CaptureQueriesContext(connection) as queries:
            flush_scans()
        counts.append(len(queries.captured_queries))
    # then
    assert counts[0] == counts[1]
    assert ScanEvent.objects.count() == 51


def test_a_graceful_exit_writes_the_buffered_checks(client):
    # given
    batch = traced_batch(serials=1)
    client.get(_url(batch, batch.serials.get()))
    # when: the process exits (atexit), with no task worker left to run a queued task
    scanlog._flush_at_exit()
    # then
    assert ScanEvent.objects.get().serial_id == batch.serials.get().pk
    assert len(scanlog.BUFFER) == 0
