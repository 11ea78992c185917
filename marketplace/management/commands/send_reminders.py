"""python manage.py send_reminders: run once a day (cron or a systemd timer).

Enqueues the certificate expiry reminders; with the database task backend a worker sends
them, with the default immediate backend they are sent at once. Running it twice a day
sends nothing new.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from marketplace.tasks import send_certificate_reminders


class Command(BaseCommand):
    help = "Send the daily reminders (certificates expiring in 90, 30 and 7 days)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_certificate_reminders.enqueue()
        self.stdout.write(f"Certificate reminders enqueued ({result.id}).")
