"""`manage.py reconcile_payments`: settle pending online payments with the gateways (for cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from payments.reconciliation import reconcile_pending


class Command(BaseCommand):
    help = "Ask the gateways about online payments still pending, and settle them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=None,
            help="Only payments pending for longer than this (default: the setting).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = options["older_than_minutes"]
        older_than = None if minutes is None else dt.timedelta(minutes=minutes)
        lines = reconcile_pending(now=timezone.now(), older_than=older_than)
        changed = [line for line in lines if line.status_after != line.status_before]
        failed = [line for line in lines if line.error]
        for line in changed:
            self.stdout.write(f"{line.reference}: {line.status_before} → {line.status_after}")
        for line in failed:
            self.stderr.write(f"{line.reference}: {line.error}")
        self.stdout.write(
            f"{len(lines)} pending payment(s) checked, {len(changed)} settled, {len(failed)} errors"
        )
