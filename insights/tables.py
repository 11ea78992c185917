"""The tables of the dashboards and reports, as data: one definition serves the HTML table, the
chart drawn beside it, the CSV and XLSX exports and the monthly report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from insights.periods import Period
from insights.selectors import Figures, load_versions, summaries
from marketplace.models import PaymentMethod

OCOP_GROUPS = {
    0: _("Outside the OCOP groups"),
    1: _("Food"),
    2: _("Drinks"),
    3: _("Medicinal herbs and herbal products"),
    4: _("Handicrafts"),
    5: _("Ornamental plants and animals"),
    6: _("Community and eco-tourism"),
}


@dataclass
class Column:
    key: str
    label: Any
    kind: str = "number"  # "text", "number", "money" or "share"


@dataclass
class Table:
    name: str
    title: Any
    columns: list[Column]
    rows: list[dict[str, Any]]
    chart: str = ""  # the column drawn as bars, if any
    label: str = ""  # the column naming each bar
    links: dict[int, str] = field(default_factory=dict)  # row index → drill-down URL

    def values(self, row: dict[str, Any]) -> list[Any]:
        return [row.get(column.key) for column in self.columns]

    def bars(self) -> list[dict[str, Any]]:
        """Each row's label, value and width in percent of the largest value."""
        if not self.chart:
            return []
        largest = max((row.get(self.chart) or 0 for row in self.rows), default=0)
        return [
            {
                "label": row.get(self.label),
                "value": row.get(self.chart) or 0,
                "percent": round(100 * (row.get(self.chart) or 0) / largest) if largest else 0,
            }
            for row in self.rows
        ]


def sales_columns() -> list[Column]:
    return [
        Column("orders", _("Orders")),
        Column("items", _("Units")),
        Column("gross_vnd", _("Revenue"), "money"),
        Column("delivered_vnd", _("Delivered"), "money"),
        Column("refused_vnd", _("Refused or returned"), "money"),
        Column("refunded_vnd", _("Refunded"), "money"),
        Column("cancelled_vnd", _("Cancelled"), "money"),
    ]


def enterprise_columns() -> list[Column]:
    return [
        Column("enterprises_registered", _("Enterprises registered")),
        Column("enterprises_approved", _("Enterprises approved")),
        Column("enterprises_taking_part", _("Enterprises taking part")),
    ]


def sales_table(
    name: str, title: Any, leading: list[Column], rows: list[dict[str, Any]], label: str
) -> Table:
    """A table of `leading` columns then the sales measures, charted by revenue."""
    return Table(name, title, [*leading, *sales_columns()], rows, chart="gross_vnd", label=label)


def months_table(figures: Figures) -> Table:
    rows = [{**row, "month_label": date_format(row["month"], "m/Y")} for row in figures.by_month()]
    return sales_table(
        "months",
        _("Sales by month"),
        [Column("month_label", _("Month"), "text")],
        rows,
        "month_label",
    )


def communes_table(figures: Figures) -> Table:
    leading = [
        Column("commune", _("Commune or ward"), "text"),
        *enterprise_columns(),
        Column("enterprises_active", _("Enterprises that sold")),
    ]
    return sales_table("communes", _("Sales by commune"), leading, figures.by_commune(), "commune")


def kinds_table(figures: Figures) -> Table:
    leading = [Column("label", _("Kind of enterprise"), "text"), *enterprise_columns()]
    return sales_table(
        "kinds", _("Sales by kind of enterprise"), leading, figures.by_kind(), "label"
    )


def groups_table(figures: Figures) -> Table:
    rows = []
    for row in figures.by_group():
        stars = row["stars"]
        rows.append(
            {
                **row,
                "group": str(OCOP_GROUPS.get(row["ocop_group"], row["ocop_group"])),
                "stars_label": f"{stars}★" if stars else str(_("No OCOP stars")),
                "label": f"{OCOP_GROUPS.get(row['ocop_group'], '')} · "
                + (f"{stars}★" if stars else "–"),
            }
        )
    leading = [
        Column("group", _("Product group"), "text"),
        Column("stars_label", _("OCOP stars"), "text"),
    ]
    return sales_table(
        "groups", _("Sales by OCOP product group and star level"), leading, rows, "label"
    )


def methods_table(figures: Figures) -> Table:
    names = dict(PaymentMethod.choices)
    rows = [
        {**row, "method": str(names.get(row["payment_method"], row["payment_method"]))}
        for row in figures.by_method()
    ]
    return Table(
        "methods",
        _("Sales by payment method"),
        [
            Column("method", _("Payment method"), "text"),
            *sales_columns(),
            Column("cod_orders_refused", _("COD refused")),
        ],
        rows,
        chart="orders",
        label="method",
    )


def ocop_table(figures: Figures) -> Table:
    rows = [
        {
            **row,
            "group": str(OCOP_GROUPS.get(row["ocop_group"], row["ocop_group"])),
            "stars_label": f"{row['stars']}★",
        }
        for row in figures.ocop_products()
    ]
    return Table(
        "ocop",
        _("OCOP products on sale by group and star level"),
        [
            Column("group", _("Product group"), "text"),
            Column("stars_label", _("OCOP stars"), "text"),
            Column("products", _("Products")),
        ],
        rows,
    )


def enterprises_table(figures: Figures, **filters: Any) -> Table:
    table = sales_table(
        "enterprises",
        _("Enterprises"),
        [Column("name", _("Enterprise"), "text")],
        figures.by_enterprise(**filters),
        "name",
    )
    table.columns.append(Column("scans", _("QR scans")))
    return table


def products_table(figures: Figures) -> Table:
    leading = [Column("name", _("Product"), "text")]
    return sales_table(
        "products", _("Best-selling products"), leading, figures.top_products(), "name"
    )


PROVINCE_TABLES: dict[str, Callable[..., Table]] = {
    "months": months_table,
    "communes": communes_table,
    "kinds": kinds_table,
    "groups": groups_table,
    "methods": methods_table,
    "ocop": ocop_table,
    "enterprises": enterprises_table,
}
ENTERPRISE_TABLES: dict[str, Callable[..., Table]] = {
    "months": months_table,
    "products": products_table,
    "ocop": ocop_table,
}


def headline(figures: Figures, previous: Figures, last_year: Figures) -> list[dict[str, Any]]:
    """The headline numbers with their change against the previous period and last year."""
    now, before, year_ago = summaries(figures, previous, last_year)
    names: list[tuple[str, Any, str]] = [
        ("enterprises_taking_part", _("Enterprises taking part"), "number"),
        ("enterprises_active", _("Enterprises that sold"), "number"),
        ("products_published", _("Products on sale"), "number"),
        ("products_sold", _("Products sold"), "number"),
        ("orders", _("Orders"), "number"),
        ("revenue_vnd", _("Revenue"), "money"),
        ("delivered_vnd", _("Delivered"), "money"),
        ("refunded_vnd", _("Refunded"), "money"),
        ("online_share", _("Paid online"), "share"),
        ("cod_refusal_rate", _("COD refused"), "share"),
        ("products_ocop", _("OCOP products on sale"), "number"),
        ("certificates_valid", _("OCOP certificates valid"), "number"),
        ("certificates_expiring", _("Expiring within 90 days"), "number"),
        ("certificates_expired", _("Certificates lapsed"), "number"),
        ("qr_scans", _("QR scans"), "number"),
        ("suspicious_scans", _("Suspicious scans"), "number"),
        ("fake_reports", _("Fake reports from shoppers"), "number"),
        ("visits", _("Storefront visits"), "number"),
    ]
    cards = []
    for key, label, kind in names:
        if key not in now:
            continue
        cards.append(
            {
                "key": key,
                "label": label,
                "kind": kind,
                "value": now[key],
                "previous": before.get(key),
                "last_year": year_ago.get(key),
                "change": change(now[key], before.get(key)),
                "change_year": change(now[key], year_ago.get(key)),
            }
        )
    return cards


def change(value: float | None, earlier: float | None) -> float | None:
    """The relative change in percent, None when there is nothing to compare with."""
    if value is None or not earlier:
        return None
    return round(100 * (value - earlier) / earlier, 1)


def province_dashboard(period: Period) -> tuple[list[dict[str, Any]], list[Table]]:
    """The officers' dashboard for `period`: its headline cards and its tables (the enterprises
    behind the figures are a page of their own)."""
    figures = Figures(period)
    previous, last_year = Figures(period.previous()), Figures(period.last_year())
    load_versions([figures, previous, last_year])
    tables = [build(figures) for name, build in PROVINCE_TABLES.items() if name != "enterprises"]
    cards = headline(figures, previous, last_year)
    return cards, tables
