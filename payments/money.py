"""Money is an integer number of đồng: VND has no minor unit, so never a float."""

from __future__ import annotations

# A spreadsheet cell of đồng: a number (it sums and sorts), grouped by the reader's own
# separator, with the currency sign.
XLSX_VND_FORMAT = '#,##0 "₫"'


def format_vnd(amount: int | None) -> str:
    """`180000` → `180.000 ₫` (Vietnamese grouping with dots, a non-breaking space)."""
    if amount is None:
        return ""
    value = int(amount)
    sign = "-" if value < 0 else ""
    grouped = f"{abs(value):,}".replace(",", ".")
    return f"{sign}{grouped}\u00a0₫"
