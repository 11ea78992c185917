"""Delete scan logs older than TRACE_SCAN_RETENTION_DAYS (run daily, e.g. from cron)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from traceability.conf import setting
from traceability.services import purge_scans


class Command(BaseCommand):
    help = "Delete scan logs older than the retention period (TRACE_SCAN_RETENTION_DAYS)."

    def handle(self, *args: Any, **options: Any) -> None:
        days = int(setting("TRACE_SCAN_RETENTION_DAYS"))
        deleted = purge_scans(before=timezone.now() - datetime.timedelta(days=days))
        self.stdout.write(f"{deleted} scans older than {days} days deleted.")
