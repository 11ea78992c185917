"""Keeping the default search engine's index in step with the catalogue.

Saving a product updates its index entry by itself (Wagtail's signal handlers) and its
`search_text` (Product.save); what saving does not cover (variants changed, rows written in bulk
by the importer or the demo seeder) goes through `index_products` after commit, and
`rebuild_products_index` rebuilds everything. Both also mend `search_text`, the names that the
name-first ranking reads on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from wagtail.search.backends import get_search_backend

from marketplace.models import Product
from marketplace.search import elastic
from marketplace.search.tasks import update_search_index
from marketplace.search.text import both_spellings

CHUNK_SIZE = 1000


def index_products(product_ids: Iterable[int]) -> int:
    """Write the database index entries of these products now, and queue the same update for
    Elasticsearch when it is the engine; returns how many were indexed here."""
    ids = list(product_ids)
    products = list(Product.get_indexed_objects().filter(pk__in=ids))
    if products:
        _mend_search_text(products)
        get_search_backend().add_bulk(Product, products)
    if ids and elastic.is_enabled():
        update_search_index.enqueue(product_ids=ids)
    return len(products)


def rebuild_products_index(progress: Callable[[int], None] | None = None) -> int:
    """Index every product, in chunks of CHUNK_SIZE; `progress` is told each chunk's size.
    Returns the number indexed."""
    backend = get_search_backend()
    done = 0
    ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK_SIZE):
        chunk = list(Product.get_indexed_objects().filter(pk__in=ids[start : start + CHUNK_SIZE]))
        _mend_search_text(chunk)
        backend.add_bulk(Product, chunk)
        done += len(chunk)
        if progress is not None:
            progress(len(chunk))
    return done


def _mend_search_text(products: list[Product]) -> None:
    """Write `search_text` where it does not match the name (rows written in bulk)."""
    stale = []
    for product in products:
        text = both_spellings(product.name)
        if product.search_text != text:
            product.search_text = text
            stale.append(product)
    if stale:
        Product.objects.bulk_update(stale, ["search_text"], batch_size=CHUNK_SIZE)
