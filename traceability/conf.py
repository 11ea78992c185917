"""Traceability settings, each read from Django settings with a default (set them in the
environment-driven settings module when a deployment needs other values)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # The most serials one request may issue; larger runs are refused with a clear message.
    "TRACE_MAX_SERIALS_PER_REQUEST": 10_000,
    # Label sheets with more labels than this are made by a background task with progress.
    "TRACE_LABEL_TASK_FROM": 500,
    # Anomaly rules (spec §4.4): distinct visitors or provinces within the window.
    "TRACE_ALERT_MAX_VISITORS": 20,
    "TRACE_ALERT_MAX_PROVINCES": 3,
    "TRACE_ALERT_WINDOW_DAYS": 30,
    # A visitor may open this many trace pages per window before getting a 429.
    "TRACE_SCAN_RATE_LIMIT": 60,
    "TRACE_SCAN_RATE_WINDOW_SECONDS": 600,
    # The request header (META name) where the proxy puts the visitor's province code, e.g.
    # "HTTP_X_PROVINCE_CODE" from a GeoIP lookup at the edge. Empty: the place is unknown.
    "TRACE_PROVINCE_HEADER": "",
    # Batches sharing an event's exact text and time with this many other batches are flagged.
    "TRACE_COPIED_EVENT_BATCHES": 3,
    # Checks are buffered in each web process and written in bulk (traceability.scanlog) once
    # the buffer holds this many, or its oldest is this many seconds old.
    "TRACE_SCAN_BUFFER_SIZE": 100,
    "TRACE_SCAN_BUFFER_SECONDS": 2.0,
    # Scan logs are personal data: `purge_scans` deletes those older than this.
    "TRACE_SCAN_RETENTION_DAYS": 730,
}


def setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
