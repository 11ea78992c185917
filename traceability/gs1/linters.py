"""The checks ("linters") that the syntax dictionary names, rewritten from their description.

Each returns None when the value passes, or a short reason. A linter this module does not know
passes and is logged once as "not checked" (the AIs we meet only need the ones below).
"""

from __future__ import annotations

import calendar
import datetime
import logging
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

CSET82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
CSET39 = frozenset("#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
CSET64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
DIGITS = frozenset("0123456789")


def check_digit(body: str) -> int:
    """GS1 mod-10: weights 3, 1, 3, … from the rightmost digit of `body` (the digits before the
    check digit)."""
    total = sum(
        int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body))
    )
    return (10 - total % 10) % 10


def digits(value: str) -> bool:
    """Only the digits 0-9 (`str.isdigit` also takes ², ٣ and the like, which GS1 does not)."""
    return value.isascii() and value.isdigit()


def is_valid_check_digit(number: str) -> bool:
    return len(number) >= 2 and digits(number) and check_digit(number[:-1]) == int(number[-1])


def charset_error(charset: str, value: str) -> str | None:
    if charset == "N":
        allowed = DIGITS
    elif charset == "X":
        allowed = CSET82
    elif charset == "Y":
        allowed = CSET39
    else:
        body = value.rstrip("=")
        if len(value) - len(body) > 2 or not set(body) <= CSET64:
            return _("only base64url characters are allowed")
        return None
    if not set(value) <= allowed:
        if charset == "N":
            return _("only digits are allowed")
        return _("it contains a character that GS1 does not allow")
    return None


def full_year(two_digits: int, today: datetime.date | None = None) -> int:
    """GS1's sliding century: 51 or more years ahead is the previous century, 50 or more
    behind is the next one."""
    current = (today or timezone.localdate()).year
    century, current_two = divmod(current, 100)
    difference = two_digits - current_two
    if difference >= 51:
        century -= 1
    elif difference <= -50:
        century += 1
    return century * 100 + two_digits


def _date(value: str, *, day_zero_allowed: bool) -> str | None:
    year = full_year(int(value[0:2]))
    month, day = int(value[2:4]), int(value[4:6])
    if not 1 <= month <= 12:
        return _("the month is not valid")
    if day == 0 and day_zero_allowed:
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return _("the day is not valid")
    return None


def _yyyymmdd(value: str) -> str | None:
    try:
        datetime.date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return _("the date is not valid")
    return None


@lru_cache(maxsize=1)
def iso3166_numeric() -> frozenset[str]:
    path = Path(__file__).with_name("iso3166-numeric.txt")
    return frozenset(
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )


def _range(low: int, high: int, message: object) -> Callable[[str], str | None]:
    return lambda value: None if digits(value) and low <= int(value) <= high else str(message)


def _piece_of_total(value: str) -> str | None:
    half = len(value) // 2
    piece, total = int(value[:half]), int(value[half:])
    if piece == 0 or total == 0 or piece > total:
        return _("the piece number must be between 1 and the total")
    return None


def _gcp(position: int) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        prefix = value[position - 1 : position + 3]
        if len(prefix) < 4 or not digits(prefix):
            return _("it must start with a GS1 Company Prefix")
        return None

    return check


LINTERS: dict[str, Callable[[str], str | None]] = {
    "csum": lambda value: None if is_valid_check_digit(value) else _("the check digit is wrong"),
    "yymmd0": lambda value: _date(value, day_zero_allowed=True),
    "yymmdd": lambda value: _date(value, day_zero_allowed=False),
    "yyyymmdd": _yyyymmdd,
    "iso3166": lambda value: None if value in iso3166_numeric() else _("unknown country code"),
    "iso3166999": lambda value: (
        None if value == "999" or value in iso3166_numeric() else _("unknown country code")
    ),
    "gcppos1": _gcp(1),
    "gcppos2": _gcp(2),
    "zero": lambda value: None if value == "0" else _("it must be 0"),
    "nonzero": lambda value: None if value.strip("0") else _("it must not be zero"),
    "yesno": lambda value: None if value in ("0", "1") else _("it must be 0 or 1"),
    "hh": _range(0, 23, gettext_lazy("the hour is not valid")),
    "mi": _range(0, 59, gettext_lazy("the minutes are not valid")),
    "ss": _range(0, 59, gettext_lazy("the seconds are not valid")),
    "hhmi": lambda value: (
        None
        if digits(value) and int(value[:2]) <= 23 and int(value[2:]) <= 59
        else _("the time is not valid")
    ),
    "pieceoftotal": _piece_of_total,
}

_unchecked: set[str] = set()


def run_linter(name: str, value: str) -> str | None:
    linter = LINTERS.get(name)
    if linter is None:
        if name not in _unchecked:
            _unchecked.add(name)
            logger.info("GS1 linter %s is not checked", name)
        return None
    return linter(value)
