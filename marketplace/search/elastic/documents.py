"""The search document of a product: what Elasticsearch stores and matches for it."""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import strip_tags

from accounts.divisions import ward_name
from marketplace.models import Category, Product
from marketplace.search.text import normalize

BATCH_SIZE = 500


def as_written(text: str) -> str:
    """`text` in NFC with its whitespace collapsed, case and tone placement kept: for the
    fields shown to shoppers (highlights, suggestions)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def category_lineage(path: str) -> list[str]:
    """The materialised paths of a category's ancestors and itself, root first."""
    step = Category.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def category_names(paths: Iterable[str]) -> dict[str, str]:
    """Category names by path (one query)."""
    return dict(Category.objects.filter(path__in=set(paths)).values_list("path", "name"))


def product_document(
    product: Product, *, names_by_path: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The document of `product`, as the index mapping declares it.

    Reads `product.enterprise` and `product.category` (select them with the product) and
    `product.variants.all()` (prefetch it; variants not on sale are left out here, so a plain
    prefetch does). `names_by_path` gives the names of the category and its ancestors
    (`documents_for` loads them once per batch); without it they cost one query.

    The searched texts are in their canonical spelling (`normalize`), except the name as
    written and the description, which are shown with highlights. The OCOP badge is left out
    once expired; `ocop_until` lets queries drop it the day it expires without reindexing.
    """
    lineage = category_lineage(product.category.path)
    names = category_names(lineage) if names_by_path is None else names_by_path
    variants = [variant for variant in product.variants.all() if variant.is_active]
    badge_is_valid = (
        product.ocop_badge_until is not None and product.ocop_badge_until >= timezone.localdate()
    )
    return {
        "product_id": product.pk,
        "slug": product.slug,
        "name": normalize(product.name),
        "display_name": as_written(product.name),
        "variant_names": [normalize(variant.name) for variant in variants],
        "category_names": [normalize(names[path]) for path in lineage],
        "enterprise_name": normalize(product.enterprise.name),
        "commune": normalize(ward_name(product.origin_ward_code)),
        "description": as_written(html.unescape(strip_tags(product.description))),
        "skus": [variant.sku for variant in variants],
        "gtins": [variant.gtin for variant in variants if variant.gtin],
        "category_paths": lineage,
        "ocop_stars": product.ocop_badge_stars if badge_is_valid else None,
        "ocop_until": product.ocop_badge_until if badge_is_valid else None,
        "ward_code": product.origin_ward_code,
        "enterprise_kind": product.enterprise.kind,
        "enterprise_id": product.enterprise_id,
        "min_price_vnd": product.min_price_vnd,
        "in_stock": product.total_stock > 0,
        "sold_count": product.sold_count,
        "published_at": product.published_at,
    }


def documents_for(
    products: QuerySet[Product], *, batch_size: int = BATCH_SIZE
) -> Iterator[list[dict[str, Any]]]:
    """The documents of `products`, one list per batch of `batch_size`, in id order.

    Each batch costs three queries (products with enterprise and category, their variants,
    their categories' names), whatever its size; batches are read by id range, so the cost
    does not grow with the catalogue. The queries of a batch run when it is asked for.
    """
    rows = products.select_related("enterprise", "category").prefetch_related("variants")
    last_id = 0
    while batch := list(rows.filter(pk__gt=last_id).order_by("pk")[:batch_size]):
        names = category_names(
            path for product in batch for path in category_lineage(product.category.path)
        )
        yield [product_document(product, names_by_path=names) for product in batch]
        if len(batch) < batch_size:
            return
        last_id = batch[-1].pk
