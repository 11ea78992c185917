"""{{ product.name|highlight:query }}: the words a search matched, in <mark>."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from marketplace.search.text import highlight_spans

register = template.Library()


@register.filter
def highlight(text: str, query: str) -> SafeString:
    """Escape `text` and wrap each word matching `query` (with or without diacritics) in
    <mark>."""
    if not query:
        return conditional_escape(text)
    pieces = [
        format_html("<mark>{}</mark>", piece) if matched else conditional_escape(piece)
        for piece, matched in highlight_spans(str(text), str(query))
    ]
    return mark_safe("".join(pieces))  # noqa: S308 (every piece escaped above)
