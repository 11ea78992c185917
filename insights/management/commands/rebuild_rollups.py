"""python manage.py rebuild_rollups --from 2026-01-01 [--to 2026-01-31]: recompute the daily
rollups of every day of the range from the source rows (idempotent), with a progress bar."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from insights.rollups import rebuild_day


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from error


class Command(BaseCommand):
    help = "Rebuild the insights rollups of a date range (local days), with a progress bar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="end", help="Last day (included); default today.")

    def handle(self, *args: Any, **options: Any) -> None:
        start = _date(options["start"])
        end = _date(options["end"]) if options["end"] else timezone.localdate()
        if start > end:
            raise CommandError("--from must not be after --to.")
        days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
        for day in tqdm(days, unit="day", disable=options["verbosity"] < 1, file=self.stderr):
            try:
                rebuild_day(day)
            except ValidationError as error:  # pragma: no cover - nothing validates yet
                raise CommandError(f"{day}: {error}") from error
        self.stdout.write(f"Rebuilt {len(days)} day(s): {start} to {end}.")
