"""Enqueue the product feeds' rebuild (for a timer: cron, systemd or the platform's scheduler)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cms.tasks import regenerate_product_feeds


class Command(BaseCommand):
    help = "Rebuild the XML and CSV product feeds (through the task queue)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = regenerate_product_feeds.enqueue()
        self.stdout.write(f"Product feeds: task {result.id} {result.status}.")
