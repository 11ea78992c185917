"""The scale-out search engine: Elasticsearch 8, through elasticsearch-dsl.

Used when ELASTICSEARCH_URL is set. `mapping` declares the index and its Vietnamese analyzers,
`documents` builds a product's document, `queries` builds the requests as data, and `engine`
runs them and keeps the index in step with the catalogue. See docs/search-elasticsearch.md.
"""

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
    is_enabled,
    rebuild_index,
    search,
)
from marketplace.search.elastic.queries import (
    build_autocomplete,
    build_search,
    index_alias,
)
from marketplace.search.facets import PRICE_BANDS, Facets, PriceBand

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
