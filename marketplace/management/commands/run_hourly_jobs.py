"""python manage.py run_hourly_jobs: run every hour (cron or a systemd timer; see deploy/crontab).

Enqueues the reminders to enterprises about order parts they have not confirmed, and the
automatic cancellation of those left unconfirmed too long (both delays are in Settings → Orders
and shipping). Safe to run more often: each part is reminded once and cancelled once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from marketplace.order_tasks import remind_unconfirmed_orders


class Command(BaseCommand):
    help = "Remind enterprises of unconfirmed orders and cancel those left unconfirmed too long."

    def handle(self, *args: Any, **options: Any) -> None:
        result = remind_unconfirmed_orders.enqueue()
        self.stdout.write(f"{remind_unconfirmed_orders.name}: enqueued ({result.id}).")
