"""The scan log's write path: a bounded in-process buffer of checks, flushed in bulk.

A trace page never writes: `buffer_scan` appends the check to this process's buffer (a list
behind a lock, microseconds). When the buffer holds TRACE_SCAN_BUFFER_SIZE checks or its
oldest is TRACE_SCAN_BUFFER_SECONDS old, `flush_if_due` (run when any request of the process
has finished, after its response was sent) calls `flush_scans`. The flush hands the whole
batch to the `record_scan_batch` task (one row in the task queue with the database backend,
run at once with the immediate one), which writes every check with one INSERT, moves the
serials' counters with two UPDATEs and runs the anomaly rules once per flush. The buffer is
also flushed when the process exits normally (gunicorn's graceful restarts). Until the flush,
`pending_checks` lets the page count the checks still buffered. See docs/decisions.md for the
trade-off (a crashed worker loses its unflushed checks).
"""

from __future__ import annotations

import atexit
import contextlib
import datetime
import hashlib
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tasks import task

from traceability.conf import setting
from traceability.models import Batch, ScanEvent, Serial, SuspicionReport


@dataclass(frozen=True)
class Scan:
    """One check of a label, as the trace page saw it (JSON-safe: it travels in a task)."""

    outcome: str
    visitor: str
    serial_id: int | None = None
    batch_id: int | None = None
    enterprise_id: int | None = None
    code: str = ""
    province_code: int | None = None
    at: str = ""  # ISO 8601, UTC

    @property
    def instant(self) -> datetime.datetime:
        parsed = parse_datetime(self.at) if self.at else None
        return parsed or timezone.now()


def visitor_key(*, ip: str, user_agent: str, day: datetime.date) -> str:
    """A daily pseudonym for a visitor: no IP address is stored anywhere."""
    material = f"{settings.SECRET_KEY}|{ip}|{user_agent}|{day.isoformat()}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]


# --- The buffer -------------------------------------------------------------------------------


class ScanBuffer:
    """Checks not yet written, with the number pending per serial value (for the verdict)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._scans: list[Scan] = []
        self._oldest = 0.0
        self._pending: Counter[str] = Counter()
        self._first: dict[str, tuple[datetime.datetime, int | None]] = {}

    def add(self, scan: Scan, *, serial_value: str = "") -> None:
        with self._lock:
            if not self._scans:
                self._oldest = time.monotonic()
            self._scans.append(scan)
            if serial_value:
                self._pending[serial_value] += 1
                self._first.setdefault(serial_value, (scan.instant, scan.province_code))

    def is_due(self) -> bool:
        with self._lock:
            if not self._scans:
                return False
            full = len(self._scans) >= int(setting("TRACE_SCAN_BUFFER_SIZE"))
            old = time.monotonic() - self._oldest >= float(setting("TRACE_SCAN_BUFFER_SECONDS"))
            return full or old

    def take(self) -> list[Scan]:
        with self._lock:
            scans, self._scans = self._scans, []
            self._pending.clear()
            self._first.clear()
            return scans

    def pending(self, serial_value: str) -> int:
        with self._lock:
            return self._pending.get(serial_value, 0)

    def first_pending(self, serial_value: str) -> tuple[datetime.datetime, int | None] | None:
        with self._lock:
            return self._first.get(serial_value)

    def __len__(self) -> int:
        with self._lock:
            return len(self._scans)


BUFFER = ScanBuffer()


def buffer_scan(scan: Scan, *, serial_value: str = "") -> None:
    """Keep a check for the next flush (no database access)."""
    BUFFER.add(scan, serial_value=serial_value)


def pending_checks(serial_value: str) -> int:
    """Checks of this serial made in this process and not yet written."""
    return BUFFER.pending(serial_value)


def first_pending_check(serial_value: str) -> tuple[datetime.datetime, int | None] | None:
    """When and where (province code) the first still-buffered check of this serial was."""
    return BUFFER.first_pending(serial_value)


def flush_if_due(**kwargs: Any) -> int:
    """Flush when the buffer is full enough or old enough; the number of checks handed on.
    Connected to `request_finished`: it runs after every response of the process has been
    sent (a lock and a length when nothing is due)."""
    return flush_scans() if BUFFER.is_due() else 0


def flush_scans() -> int:
    """Hand every buffered check to the `record_scan_batch` task; how many were handed on.
    With the immediate task backend they are written before this returns."""
    scans = BUFFER.take()
    if scans:
        record_scan_batch.enqueue(scans=[asdict(scan) for scan in scans])
    return len(scans)


@atexit.register
def _flush_at_exit() -> None:
    # A worker stopped gracefully (gunicorn's reload or max-requests) keeps nothing back: its
    # checks are written here and now, not queued (no task worker may be left to run them).
    # Nothing more can be done at exit when the database is gone (a test run's, say).
    scans = BUFFER.take()
    if scans:
        with contextlib.suppress(Exception):
            record_scans(scans=scans)


@task()
def record_scan_batch(*, scans: list[dict[str, Any]]) -> None:
    """Write a batch of buffered checks (see `record_scans`). Safe to run twice: a batch whose
    first check is already logged is skipped."""
    record_scans(scans=[Scan(**scan) for scan in scans])


# --- Writing checks ---------------------------------------------------------------------------


@transaction.atomic
def record_scans(*, scans: Iterable[Scan]) -> list[ScanEvent]:
    """Log checks of labels in bulk, move the serials' counters, and run the anomaly rules.

    One INSERT for the checks and two UPDATEs for the counters whatever their number; then the
    rules once per serial checked: an unknown serial of a known lot raises an alert; a serial
    checked by more than N distinct visitors, or from K or more provinces, within T days is
    flagged suspicious with an alert (one open alert per rule and serial). Checks of serials or
    batches deleted meanwhile are dropped. A batch whose first check is already in the log (the
    task ran twice) writes nothing. Returns the rows written."""
    scans = list(scans)
    if not scans:
        return []
    first = scans[0]
    if ScanEvent.objects.filter(
        scanned_at=first.instant, visitor_key=first.visitor, code=first.code[:120]
    ).exists():
        return []
    serial_ids = {scan.serial_id for scan in scans if scan.serial_id is not None}
    batch_ids = {scan.batch_id for scan in scans if scan.batch_id is not None}
    known_serials = set(
        Serial.objects.filter(pk__in=serial_ids).order_by().values_list("pk", flat=True)
    )
    known_batches = set(
        Batch.objects.filter(pk__in=batch_ids).order_by().values_list("pk", flat=True)
    )
    kept = [
        scan
        for scan in scans
        if (scan.serial_id is None or scan.serial_id in known_serials)
        and (scan.batch_id is None or scan.batch_id in known_batches)
    ]
    rows = ScanEvent.objects.bulk_create(
        ScanEvent(
            serial_id=scan.serial_id,
            batch_id=scan.batch_id,
            code=scan.code[:120],
            outcome=scan.outcome,
            visitor_key=scan.visitor,
            province_code=scan.province_code,
            scanned_at=scan.instant,
        )
        for scan in kept
    )
    by_serial: dict[int, list[Scan]] = {}
    for scan in kept:
        if scan.serial_id is not None:
            by_serial.setdefault(scan.serial_id, []).append(scan)
    if by_serial:
        _move_counters(by_serial, rows)
        _serial_rules(by_serial)
    _raise_alerts(
        _alert(
            SuspicionReport.Kind.UNKNOWN_SERIAL,
            scan.code,
            scan,
            province_code=scan.province_code,
        )
        for scan in kept
        if scan.serial_id is None and scan.outcome == ScanEvent.Outcome.UNKNOWN_SERIAL
    )
    return rows


def record_scan(
    *,
    outcome: str,
    visitor: str,
    serial_id: int | None = None,
    batch_id: int | None = None,
    enterprise_id: int | None = None,
    code: str = "",
    province_code: int | None = None,
    at: datetime.datetime | None = None,
) -> ScanEvent | None:
    """Log one check at once (seed data, tests, imports): `record_scans` with a single check.
    None when its serial or batch no longer exists."""
    scan = Scan(
        outcome=outcome,
        visitor=visitor,
        serial_id=serial_id,
        batch_id=batch_id,
        enterprise_id=enterprise_id,
        code=code,
        province_code=province_code,
        at=(at or timezone.now()).isoformat(),
    )
    rows = record_scans(scans=[scan])
    return rows[0] if rows else None


def _move_counters(by_serial: dict[int, list[Scan]], rows: list[ScanEvent]) -> None:
    """Each serial's count, last and first check, from the rows just written (two UPDATEs
    with correlated subqueries: the SQL stays the same size whatever the flush's size)."""
    new = ScanEvent.objects.filter(pk__in=[row.pk for row in rows], serial_id=OuterRef("pk"))
    per_serial = new.order_by().values("serial_id")
    ids = list(by_serial)
    Serial.objects.filter(pk__in=ids).update(
        scan_count=F("scan_count") + Subquery(per_serial.annotate(n=Count("id")).values("n")),
        last_scanned_at=Subquery(per_serial.annotate(last=Max("scanned_at")).values("last")),
    )
    first = new.order_by("scanned_at", "id")
    Serial.objects.filter(pk__in=ids, first_scanned_at__isnull=True).update(
        first_scanned_at=Subquery(first.values("scanned_at")[:1]),
        first_province_code=Subquery(first.values("province_code")[:1]),
    )


def _serial_rules(by_serial: dict[int, list[Scan]]) -> None:
    """The "many visitors" and "many provinces" rules for every serial of the batch (one
    aggregate query), counted over the window before each serial's latest check (its start
    taken to the minute)."""
    window = datetime.timedelta(days=int(setting("TRACE_ALERT_WINDOW_DAYS")))
    # Serials grouped by the start of their window, to the minute (a flush's checks are
    # seconds apart: usually one group, so the SQL does not grow with the flush).
    starts: dict[datetime.datetime, list[int]] = {}
    for serial_id, scans in by_serial.items():
        start = (max(s.instant for s in scans) - window).replace(second=0, microsecond=0)
        starts.setdefault(start, []).append(serial_id)
    since = Q()
    for start, ids in starts.items():
        since |= Q(serial_id__in=ids, scanned_at__gte=start)
    stats = (
        ScanEvent.objects.filter(since)
        .values("serial_id")
        .annotate(
            visitors=Count("visitor_key", distinct=True),
            provinces=Count("province_code", distinct=True),
        )
    )
    max_visitors = int(setting("TRACE_ALERT_MAX_VISITORS"))
    max_provinces = int(setting("TRACE_ALERT_MAX_PROVINCES"))
    flagged = {
        row["serial_id"]: row
        for row in stats
        if row["visitors"] > max_visitors or row["provinces"] >= max_provinces
    }
    if not flagged:
        return
    values = dict(Serial.objects.filter(pk__in=flagged).order_by().values_list("pk", "value"))
    alerts = []
    for serial_id, row in flagged.items():
        scan = by_serial[serial_id][-1]
        if row["visitors"] > max_visitors:
            alerts.append(_alert(SuspicionReport.Kind.MANY_SCANS, values[serial_id], scan))
        if row["provinces"] >= max_provinces:
            alerts.append(_alert(SuspicionReport.Kind.MANY_PROVINCES, values[serial_id], scan))
    _raise_alerts(alerts)
    Serial.objects.filter(pk__in=flagged, is_suspicious=False).update(is_suspicious=True)


def _alert(
    kind: str, code: str, scan: Scan, *, province_code: int | None = None
) -> SuspicionReport:
    """An unsaved alert of `kind` about `code`, raised by `scan`."""
    return SuspicionReport(
        kind=kind,
        dedupe_key=f"{kind}:{code}"[:160],
        enterprise_id=scan.enterprise_id,
        batch_id=scan.batch_id,
        serial_id=scan.serial_id,
        code=code[:120],
        province_code=province_code,
    )


def _raise_alerts(alerts: Iterable[SuspicionReport]) -> None:
    """Save the alerts that have no open alert with the same key yet (one query to find them)."""
    wanted = {alert.dedupe_key: alert for alert in alerts}
    if not wanted:
        return
    open_keys = set(
        SuspicionReport.objects.filter(
            dedupe_key__in=wanted, status=SuspicionReport.Status.OPEN
        ).values_list("dedupe_key", flat=True)
    )
    for key, alert in wanted.items():
        if key in open_keys:
            continue
        # A concurrent flush may raise the same alert meanwhile: one open alert is enough.
        with contextlib.suppress(IntegrityError), transaction.atomic():
            alert.save()
