"""The scale-out search engine: Elasticsearch 8, through elasticsearch-dsl.

Used when ELASTICSEARCH_URL is set. `mapping` declares the index and its Vietnamese analyzers,
`documents` builds a product's document, `queries` builds the requests as data, and `engine`
runs them and keeps the index in step with the catalogue. See docs/search-elasticsearch.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from django.conf import settings

from marketplace.search.facets import PRICE_BANDS, Facets, PriceBand

if TYPE_CHECKING:
    from marketplace.search.elastic.documents import documents_for, product_document
    from marketplace.search.elastic.engine import (
        ElasticResult,
        RebuildInProgress,
        Suggestion,
        autocomplete,
        client,
        create_index,
        delete_products,
        index_products,
        rebuild_index,
        search,
    )
    from marketplace.search.elastic.queries import (
        build_autocomplete,
        build_search,
        index_alias,
    )


# Where each name lives: the engine's parts are imported on first use, as the Elasticsearch
# client and DSL weigh about 30 MB in every web worker and the default engine never uses them.
_PARTS = {
    "documents_for": "documents",
    "product_document": "documents",
    "ElasticResult": "engine",
    "RebuildInProgress": "engine",
    "Suggestion": "engine",
    "autocomplete": "engine",
    "client": "engine",
    "create_index": "engine",
    "delete_products": "engine",
    "index_products": "engine",
    "rebuild_index": "engine",
    "search": "engine",
    "build_autocomplete": "queries",
    "build_search": "queries",
    "index_alias": "queries",
}


def is_enabled() -> bool:
    """Whether Elasticsearch is the search engine (ELASTICSEARCH_URL is set)."""
    return bool(settings.ELASTICSEARCH_URL)


def __getattr__(name: str) -> Any:
    part = _PARTS.get(name)
    if part is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{part}"), name)


__all__ = [
    "PRICE_BANDS",
    "ElasticResult",
    "Facets",
    "PriceBand",
    "RebuildInProgress",
    "Suggestion",
    "autocomplete",
    "build_autocomplete",
    "build_search",
    "client",
    "create_index",
    "delete_products",
    "documents_for",
    "index_alias",
    "index_products",
    "is_enabled",
    "product_document",
    "rebuild_index",
    "search",
]
