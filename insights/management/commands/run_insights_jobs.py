"""python manage.py run_insights_jobs: run once a day, soon after midnight (cron or a systemd
timer), next to `run_daily_jobs` (the marketplace's; insights cannot be imported by it).

Enqueues the rollup refresh (visits flushed; yesterday, today and every day whose orders
changed since the last run rebuilt) and, on the first day of a month, the monthly report of
the month before (PDF and XLSX saved to the media storage). Running it twice changes nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from insights.tasks import refresh_insights_rollups, save_monthly_report


class Command(BaseCommand):
    help = "Refresh the insights rollups; on the 1st, save last month's report (PDF and XLSX)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--report", action="store_true", help="Save last month's report whatever the day."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = refresh_insights_rollups.enqueue()
        self.stdout.write(f"{refresh_insights_rollups.name}: enqueued ({result.id}).")
        today = timezone.localdate()
        if today.day == 1 or options["report"]:
            previous = today.replace(day=1) - datetime.timedelta(days=1)
            report = save_monthly_report.enqueue(year=previous.year, month=previous.month)
            self.stdout.write(f"{save_monthly_report.name}: enqueued ({report.id}).")
