"""Product search: the one entry point used by the storefront, the API and the admin.

The default engine is Wagtail's database search backend (SQLite FTS5 in the demo, PostgreSQL
full text in production). Queries and indexed texts go through the same Vietnamese handling
(marketplace/search/text.py): a query is searched in its canonical spelling and folded, so a
query typed with diacritics ranks exact matches first and one typed without still matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, When
from wagtail.search.query import Or, PlainText, SearchQuery

from marketplace.models import Product
from marketplace.search import elastic
from marketplace.search.text import fold, normalize
from marketplace.selectors import CatalogueFilters, storefront_products

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
# Relevance is computed for at most this many matches; beyond them a query is too broad to be
# worth ranking and the shopper narrows it with the filters.
MAX_RANKED = 1000

_TERM = re.compile(r"\w+")


@dataclass(frozen=True)
class PreparedQuery:
    """A shopper's query reduced to plain words, in both spellings."""

    canonical: str
    folded: str

    @property
    def is_empty(self) -> bool:
        return not self.folded


def prepare(raw: str) -> PreparedQuery:
    """Keep words only: operators and quotes of the engines' query languages (`"`, `*`, `:`,
    `(`, `OR`, `NEAR`), emoji and control characters become spaces, so no input can make a
    query fail. Long input is cut."""
    words = _TERM.findall(normalize((raw or "")[: MAX_QUERY_LENGTH * 2]))
    words = [word for word in words if word.casefold() not in {"or", "and", "not", "near"}]
    canonical = " ".join(words[:MAX_TERMS])[:MAX_QUERY_LENGTH]
    return PreparedQuery(canonical=canonical, folded=fold(canonical))


def _engine_query(query: PreparedQuery) -> SearchQuery:
    folded = PlainText(query.folded, operator="and")
    if query.canonical == query.folded:
        return folded
    return Or([PlainText(query.canonical, operator="and"), folded])


def ranked_ids(query: PreparedQuery, filters: CatalogueFilters | None = None) -> list[int]:
    """Ids of published products matching `query`, best first (at most MAX_RANKED), from
    Elasticsearch when it is the engine, else from the database engine."""
    if query.is_empty:
        return []
    if elastic.is_enabled():
        result = elastic.search(
            query.canonical, filters or CatalogueFilters(), page=1, page_size=MAX_RANKED
        )
        return result.product_ids
    results = list(
        Product.objects.filter(status=Product.Status.PUBLISHED).search(
            _engine_query(query), order_by_relevance=True
        )[:MAX_RANKED]
    )
    if query.canonical != query.folded:
        # Engines weigh fields differently (SQLite's bm25 hardly uses the boosts), so put the
        # names spelled exactly as typed first, keeping the engine's order within each part.
        words = query.canonical.split()
        results.sort(key=lambda product: not _has_words(normalize(product.name), words))
    return [product.pk for product in results]


def _has_words(text: str, words: list[str]) -> bool:
    present = set(_TERM.findall(text))
    return all(word in present for word in words)


def search_products(raw_query: str, filters: CatalogueFilters | None = None) -> QuerySet[Product]:
    """Storefront products matching `raw_query` and `filters`, most relevant first when the
    filters' sort is "relevance", else in their sort order. An empty query gives the filtered
    catalogue; a query with nothing relevant gives no rows.

    Costs one engine query plus the storefront's own queries.
    """
    filters = filters or CatalogueFilters(sort="relevance")
    products = storefront_products(filters)
    query = prepare(raw_query)
    if query.is_empty:
        return products
    ids = ranked_ids(query, filters)
    products = products.filter(pk__in=ids)
    if filters.sort != "relevance" or not ids:
        return products
    position = Case(
        *(When(pk=pk, then=rank) for rank, pk in enumerate(ids)), output_field=IntegerField()
    )
    return products.order_by(position)


@dataclass(frozen=True)
class Suggestion:
    name: str
    slug: str


def suggest_products(raw_prefix: str, *, limit: int = 8) -> list[Suggestion]:
    """Names of published products for the search box as the shopper types, matched folded
    ("che ta" suggests "Chè Tân Cương"): one engine query."""
    query = prepare(raw_prefix)
    if query.is_empty:
        return []
    if elastic.is_enabled():
        return [Suggestion(s.name, s.slug) for s in elastic.autocomplete(query.folded, limit)]
    results = Product.objects.filter(status=Product.Status.PUBLISHED).autocomplete(query.folded)[
        :limit
    ]
    return [Suggestion(product.name, product.slug) for product in results]
