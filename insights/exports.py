"""Exports: any table as CSV or XLSX, and the monthly report as XLSX (one sheet per table) and
PDF (reportlab, with a TrueType font that has the Vietnamese letters)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from insights.periods import Period
from insights.selectors import Figures
from insights.tables import PROVINCE_TABLES, Table, headline
from payments.money import XLSX_VND_FORMAT, format_vnd
from payments.sheets import sheet_text

if TYPE_CHECKING:
    from openpyxl import Workbook
    from reportlab.platypus import Table as PdfTable

# openpyxl and reportlab are imported by the functions that write files: together about 30 MB
# that a web worker needs only when someone downloads a report.

# Fonts with the Vietnamese letters, looked for in this order (Debian's fonts-dejavu-core is
# installed wherever Chromium is; the others are common). Helvetica lacks ư, ơ, đ and the tones.
FONT_CANDIDATES = (
    ("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    ("NotoSans", "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),
    ("LiberationSans", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
)


def vietnamese_font() -> str:
    """Register (once) and name the first TrueType font found; Helvetica as a last resort."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, path in FONT_CANDIDATES:
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont(name, path))
            return name
    return "Helvetica"


# How a spreadsheet shows each kind of figure (shares are kept as fractions: 0.25 is 25 %).
CELL_FORMATS = {"money": XLSX_VND_FORMAT, "number": "#,##0", "share": "0.0%"}


def cell(value: Any, kind: str) -> Any:
    """A value as a spreadsheet keeps it: numbers stay numbers (money in whole đồng)."""
    if value is None:
        return ""
    if kind == "text":
        return sheet_text(str(value))
    return value


def table_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Vietnamese letters right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(column.label) for column in table.columns])
    for row in table.rows:
        writer.writerow(
            [cell(value, c.kind) for value, c in zip(table.values(row), table.columns, strict=True)]
        )
    return ("\ufeff" + buffer.getvalue()).encode()


def _sheet(workbook: Workbook, table: Table, title: str | None = None) -> None:
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(title=(title or table.name)[:31])
    sheet.append([str(column.label) for column in table.columns])
    for header in sheet[1]:
        header.font = Font(bold=True)
    for row in table.rows:
        sheet.append(
            [cell(value, c.kind) for value, c in zip(table.values(row), table.columns, strict=True)]
        )
    for index, column in enumerate(table.columns, start=1):
        if column.kind in CELL_FORMATS:
            for (figure,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                figure.number_format = CELL_FORMATS[column.kind]


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, table)
    return workbook_bytes(workbook)


@dataclass
class MonthlyReport:
    period: Period
    cards: list[dict[str, Any]]
    tables: list[Table]

    @property
    def title(self) -> str:
        return _("Marketplace report, %(month)s") % {"month": self.period.start.strftime("%m/%Y")}

    @property
    def filename(self) -> str:
        return f"bao-cao-san-ocop-{self.period.start:%Y-%m}"


def monthly_report(period: Period) -> MonthlyReport:
    """The month's headline figures (with the previous month and the same month last year)
    and every province table."""
    figures = Figures(period)
    cards = headline(figures, Figures(period.previous()), Figures(period.last_year()))
    tables = [build(figures) for name, build in PROVINCE_TABLES.items() if name != "months"]
    return MonthlyReport(period, cards, tables)


def display(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "money":
        return format_vnd(value)
    if kind == "share":
        return f"{100 * value:.1f}%".replace(".", ",")
    if kind == "number":
        return f"{value:,}".replace(",", ".")
    return str(value)


def report_xlsx(report: MonthlyReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Summary")[:31]
    summary.append([report.title])
    summary.append([_("From"), report.period.start, _("to"), report.period.end])
    for day in summary[2][1::2]:
        day.number_format = "dd/mm/yyyy"
    summary.append([_("Figure"), _("This month"), _("Previous month"), _("Same month last year")])
    for header in summary[3]:
        header.font = Font(bold=True)
    for card in report.cards:
        summary.append([str(card["label"]), card["value"], card["previous"], card["last_year"]])
        if card["kind"] in CELL_FORMATS:
            for figure in summary[summary.max_row][1:]:
                figure.number_format = CELL_FORMATS[card["kind"]]
    for table in report.tables:
        _sheet(workbook, table)
    return workbook_bytes(workbook)


def report_pdf(report: MonthlyReport, *, compress: bool = True) -> bytes:
    """An A4 landscape PDF in the user's language (Vietnamese by default)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font = vietnamese_font()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=report.title,
        author=settings.WAGTAIL_SITE_NAME,
        pageCompression=1 if compress else 0,
        invariant=1,
    )
    heading = ParagraphStyle("heading", fontName=font, fontSize=16, leading=20, spaceAfter=6)
    subheading = ParagraphStyle("subheading", fontName=font, fontSize=12, leading=15, spaceAfter=4)
    body = ParagraphStyle("body", fontName=font, fontSize=8, leading=10)
    story: list[Any] = [
        Paragraph(report.title, heading),
        Paragraph(
            _("From %(start)s to %(end)s. Generated %(now)s.")
            % {
                "start": report.period.start.strftime("%d/%m/%Y"),
                "end": report.period.end.strftime("%d/%m/%Y"),
                "now": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
            },
            body,
        ),
        Spacer(1, 4 * mm),
    ]
    cards = [[_("Figure"), _("This month"), _("Previous month"), _("Same month last year")]]
    for card in report.cards:
        cards.append(
            [
                str(card["label"]),
                display(card["value"], card["kind"]),
                display(card["previous"], card["kind"]),
                display(card["last_year"], card["kind"]),
            ]
        )
    story += [_pdf_table(cards, font), Spacer(1, 6 * mm)]
    for table in report.tables:
        rows = [[str(column.label) for column in table.columns]]
        rows += [
            [
                display(value, c.kind)
                for value, c in zip(table.values(row), table.columns, strict=True)
            ]
            for row in table.rows
        ] or [[_("Nothing in this month.")] + [""] * (len(table.columns) - 1)]
        story += [
            Paragraph(str(table.title), subheading),
            _pdf_table(rows, font),
            Spacer(1, 5 * mm),
        ]
    document.build(story)
    return buffer.getvalue()


def _pdf_table(rows: Iterable[list[str]], font: str) -> PdfTable:
    from reportlab.lib import colors
    from reportlab.platypus import Table as PdfTable

    table = PdfTable(list(rows), repeatRows=1, hAlign="LEFT")
    table.setStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), 7),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef3")),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    return table
