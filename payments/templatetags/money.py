"""`{{ price|vnd }}`: a template builtin (see TEMPLATES in settings), so no `{% load %}`."""

from django import template

from payments.money import format_vnd

register = template.Library()


@register.filter(name="vnd")
def vnd(amount: int | None) -> str:
    return format_vnd(amount)
