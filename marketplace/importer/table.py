"""The import file as a table: a CSV (UTF-8) or XLSX file becomes a header and rows of text."""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
import zipfile
from collections import Counter
from pathlib import PurePath
from typing import IO, Final

from django.utils.translation import gettext as _

from marketplace.exceptions import ImportFileError

COLUMNS: Final = (
    "enterprise_tax_code",
    "enterprise_name",
    "enterprise_kind",
    "ward_code",
    "category",
    "product_name",
    "description",
    "variant_name",
    "sku",
    "price_vnd",
    "stock",
    "weight_g",
    "gtin",
    "ocop_stars",
    "ocop_certificate_no",
    "ocop_issued_on",
    "ocop_expires_on",
)
# Fields the models need that the header leaves out: a file may add these columns.
OPTIONAL_COLUMNS: Final = ("enterprise_representative", "enterprise_phone", "ocop_issuing_body")
# What an XLSX sheet is read to: every known column with room for a few of the user's own, and
# the rows of a province's whole catalogue (about 2,000 products today) several times over.
MAX_COLUMNS: Final = 2 * (len(COLUMNS) + len(OPTIONAL_COLUMNS))
MAX_ROWS: Final = 20_000

_ZIP_SIGNATURE = b"PK\x03\x04"


def read_table(*, file: IO[bytes], filename: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the data rows, each with its line number, of a CSV or XLSX file.

    A line number is the row as a spreadsheet numbers it (the header is line 1). Cells come back
    as stripped NFC text; empty rows are left out. Raises ImportFileError for a file that is
    empty, of another type, not UTF-8, unreadable, or without a header and rows.
    """
    data = file.read()
    if not data:
        raise ImportFileError(_("The file is empty."))
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx" or data.startswith(_ZIP_SIGNATURE):
        table = _xlsx_rows(data)
    elif suffix in {".csv", ".txt"}:
        table = _csv_rows(data)
    else:
        raise ImportFileError(_("Choose a CSV (UTF-8) or XLSX file."))
    rows = [[unicodedata.normalize("NFC", cell).strip() for cell in cells] for cells in table]
    if not rows or not any(rows[0]):
        raise ImportFileError(_("The first line must be the header (the column names)."))
    body = [(line, cells) for line, cells in enumerate(rows[1:], start=2) if any(cells)]
    if not body:
        raise ImportFileError(_("The file has no rows under its header."))
    return rows[0], body


def check_header(header: list[str]) -> list[str]:
    """The column names of a header row, in the file's order (any order is fine).

    Raises ImportFileError naming the missing, unknown and repeated columns.
    """
    names = [name.lower() for name in header]
    while names and not names[-1]:
        names.pop()
    known = {*COLUMNS, *OPTIONAL_COLUMNS}
    problems = []
    missing = [name for name in COLUMNS if name not in names]
    if missing:
        problems.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    unknown = [name or f"#{number}" for number, name in enumerate(names, 1) if name not in known]
    if unknown:
        problems.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    repeated = sorted(name for name, count in Counter(names).items() if name and count > 1)
    if repeated:
        problems.append(_("Repeated columns: %(columns)s.") % {"columns": ", ".join(repeated)})
    if problems:
        raise ImportFileError(" ".join(problems))
    return names


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("The file is not UTF-8 text. In Excel, save it as “CSV UTF-8”.")
        ) from error
    header_line = text.split("\n", 1)[0]
    # Excel set up for Vietnamese separates cells with semicolons, not commas.
    delimiter = max((",", ";", "\t"), key=header_line.count)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ImportFileError(
            _("The file is not valid CSV: %(error)s") % {"error": error}
        ) from error


def _xlsx_rows(data: bytes) -> list[list[str]]:
    """The first worksheet's rows (formulas give their last computed value)."""
    # Imported here: openpyxl weighs about 18 MB, which a web worker needs only for this.
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise ImportFileError(_("The file cannot be read as an XLSX workbook.")) from error
    try:
        sheet = workbook.worksheets[0]
        # The size a sheet declares is the file's word: "A1:XFD1048576" in 1.5 KB would have
        # every row padded to 16,384 cells. Read what is there, within the table's bounds.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, max_row=MAX_ROWS + 2, values_only=True)
        table = [[_cell_text(value) for value in cells] for cells in rows]
    finally:
        workbook.close()
    if len(table) > MAX_ROWS + 1:
        raise ImportFileError(
            _("The file has more than %(count)s rows: split it into several files.")
            % {"count": f"{MAX_ROWS:,}".replace(",", ".")}
        )
    return table


def _cell_text(value: object) -> str:
    """A spreadsheet value as the text a person would type: 180000.0 is 180000, dates are ISO."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
