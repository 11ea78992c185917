"""python manage.py run_daily_jobs: run once a day, soon after midnight (cron or a systemd timer).

Enqueues the marketplace's daily work: OCOP badges recomputed for the new day, then the
certificate expiry reminders. With the database task backend a worker runs them; with the
default immediate backend they run at once. Running it twice a day changes nothing more.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from marketplace.tasks import refresh_all_ocop_badges, send_certificate_reminders


class Command(BaseCommand):
    help = "Recompute OCOP badges and send certificate expiry reminders (90, 30, 7 days)."

    def handle(self, *args: Any, **options: Any) -> None:
        for daily_task in (refresh_all_ocop_badges, send_certificate_reminders):
            result = daily_task.enqueue()
            self.stdout.write(f"{daily_task.name}: enqueued ({result.id}).")
