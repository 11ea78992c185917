"""Values written into the spreadsheets and CSV files the back office downloads (settlement,
reconciliation, the insights' tables)."""

from __future__ import annotations

from collections.abc import Iterable

# What makes a spreadsheet read a text cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def sheet_text(value: object) -> object:
    """A value as a cell: text that a spreadsheet would run as a formula (a seller may name
    the enterprise `=HYPERLINK(...)`) gets a leading apostrophe, so it is shown, never run.
    Numbers and dates are kept as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def sheet_row(values: Iterable[object]) -> list[object]:
    return [sheet_text(value) for value in values]
