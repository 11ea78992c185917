"""`{% product_grid products query %}`: a grid of product cards, kept in the cache
(marketplace/page_cache.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString

from marketplace import page_cache
from marketplace.models import Product

register = template.Library()


@register.simple_tag
def product_grid(products: Iterable[Product], query: str = "") -> SafeString:
    return page_cache.product_grid(products, query=query or "")
