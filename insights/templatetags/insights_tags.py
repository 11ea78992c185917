"""Filters of the insights templates: figures by kind, changes, table cells."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from insights.exports import display
from insights.tables import Column, Table

register = template.Library()


@register.filter
def figure(value: Any, kind: str) -> str:
    """`180000|figure:"money"` → `180.000 ₫`; shares as percentages; numbers grouped."""
    return display(value, kind)


@register.filter
def change(value: float | None) -> str:
    """An arrow and a sign, so that the direction reads without colour."""
    if value is None:
        return _("no comparison")
    if value > 0:
        return f"▲ +{value:.1f}%".replace(".", ",")
    if value < 0:
        return f"▼ {value:.1f}%".replace(".", ",")
    return "= 0%"


@register.filter
def cells(row: dict[str, Any], table: Table) -> list[tuple[Any, Column]]:
    return list(zip(table.values(row), table.columns, strict=True))


@register.filter
def chart_column(table: Table) -> Column | None:
    return next((column for column in table.columns if column.key == table.chart), None)


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)
