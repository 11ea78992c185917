"""Date ranges of the figures: parsed from `from`/`to`, with the previous period and the same
period a year earlier. Bad input raises ValidationError with a translated message."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

MAX_DAYS = 3 * 366  # three years: longer ranges belong to an export, not a page
EARLIEST = datetime.date(2020, 1, 1)


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both local days, inclusive."""

    start: datetime.date
    end: datetime.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        end = self.start - datetime.timedelta(days=1)
        return Period(end - datetime.timedelta(days=self.days - 1), end)

    def last_year(self) -> Period:
        """The same dates a year earlier (29 February becomes the 28th)."""
        return Period(_year_before(self.start), _year_before(self.end))

    def iso(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def _year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def month_period(year: int, month: int) -> Period:
    start = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return Period(start, following - datetime.timedelta(days=1))


def default_period(today: datetime.date | None = None) -> Period:
    """Twelve months: from the first day of the month eleven months ago to today."""
    today = today or timezone.localdate()
    month_index = today.year * 12 + today.month - 1 - 11
    return Period(datetime.date(month_index // 12, month_index % 12 + 1, 1), today)


RANGE_MESSAGE = gettext_noop("Choose dates between 2020-01-01 and next year.")


def _covered(day: datetime.date) -> bool:
    """Whether the figures can cover `day`: from EARLIEST to a year from today."""
    return EARLIEST <= day <= timezone.localdate() + datetime.timedelta(days=366)


def parse_month(value: str) -> Period:
    """The calendar month named `YYYY-MM`. Raises ValidationError for anything else, or for a
    month the figures cannot cover."""
    try:
        year, month = (int(part) for part in value.split("-"))
        period = month_period(year, month)
    except ValueError:
        raise ValidationError(
            _("Choose a month as YYYY-MM, for example 2026-01."), code="invalid"
        ) from None
    if not _covered(period.start):
        raise ValidationError(_(RANGE_MESSAGE), code="range")
    return period


def _parse(value: str, field: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            {field: _("Enter a date as YYYY-MM-DD, for example 2026-01-31.")}, code="invalid"
        ) from None


def parse_period(start: str | None, end: str | None) -> Period:
    """The period named by `from` and `to` (YYYY-MM-DD); either may be left out, and the
    twelve months to today are the default. Raises ValidationError for a bad date, a start
    after the end, a range longer than three years, or dates before 2020 or in the future."""
    fallback = default_period()
    first = _parse(start, "from") if start else None
    last = _parse(end, "to") if end else None
    if first is None and last is None:
        return fallback
    for field, day in (("from", first), ("to", last)):
        if day is not None and not _covered(day):
            raise ValidationError({field: _(RANGE_MESSAGE)}, code="range")
    if last is None:
        last = max(fallback.end, first) if first else fallback.end
    if first is None:
        first = max(default_period(last).start, EARLIEST)
    if first > last:
        raise ValidationError(
            {"from": _("The start date must not be after the end date.")}, code="order"
        )
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationError(
            {"to": _("Choose a range of at most %(days)s days.") % {"days": MAX_DAYS}},
            code="too_long",
        )
    return Period(first, last)
