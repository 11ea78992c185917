"""Product search: the one entry point used by the storefront, the API and the admin.

The default engine is Wagtail's database search backend (SQLite FTS5 in the demo, PostgreSQL
full text in production). Queries and indexed texts go through the same Vietnamese handling
(marketplace/search/text.py): a query is searched in its canonical spelling and folded, so a
query typed with diacritics ranks exact matches first and one typed without still matches.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import overload

from django.contrib.postgres import search as pg
from django.contrib.postgres.fields import ArrayField
from django.core.cache import caches
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast, Length
from wagtail.search.models import IndexEntry
from wagtail.search.query import Or, PlainText, SearchQuery

from marketplace.models import Enterprise, Product, ProductQuerySet
from marketplace.search import elastic
from marketplace.search.facets import FACET_FIELDS, Facets, tally_facets
from marketplace.search.text import fold, normalize
from marketplace.selectors import CatalogueFilters, filters_key, storefront_products

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
# Relevance is computed for at most this many matches; beyond them a query is too broad to be
# worth ranking and the shopper narrows it with the filters.
MAX_RANKED = 1000
# Matches outside the products' names read at most (see `_other_matches`).
OTHER_CANDIDATES = MAX_RANKED
# How long a search's ranked ids and facets are kept (see `search_catalogue`).
RESULTS_SECONDS = 60

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


def ranked_ids(
    query: PreparedQuery,
    filters: CatalogueFilters | None = None,
    *,
    among: ProductQuerySet | None = None,
) -> list[int]:
    """Ids of products matching `query`, best first (at most MAX_RANKED). By default among
    the storefront's products, from Elasticsearch when it is the engine, else from the
    database engine; `among` (the back office's products of any status, narrowed on
    FilterFields only) is always searched in the database engine, which indexes every
    product."""
    return _rank(query, filters, among=among)[0]


def _rank(
    query: PreparedQuery,
    filters: CatalogueFilters | None,
    *,
    among: ProductQuerySet | None = None,
) -> tuple[list[int], Facets | None]:
    """The ranked ids, with the facets when the engine counts them along (Elasticsearch)."""
    if query.is_empty:
        return [], None
    if among is None and elastic.is_enabled():
        result = elastic.search(
            query.canonical, filters or CatalogueFilters(), page=1, page_size=MAX_RANKED
        )
        return result.product_ids, result.facets
    results: list[tuple[int, str]]  # (id, search text), best first
    if connection.vendor == "postgresql":
        # The tiers' queries are the project's own: they can rank among what the storefront
        # shows, so that MAX_RANKED counts products a shopper may see.
        among = Product.objects.on_storefront() if among is None else among
        results = _name_matches(query, among)
        if len(results) < MAX_RANKED:
            results += _other_matches(query, among, found=[pk for pk, _text in results])
    else:
        # Wagtail's engine filters on the product's own FilterFields only; the storefront
        # drops the products of enterprises that are not approved afterwards.
        among = Product.objects.filter(status=Product.Status.PUBLISHED) if among is None else among
        matches = among.only("pk", "search_text").search(
            _engine_query(query), order_by_relevance=True
        )
        results = [(product.pk, product.search_text) for product in matches[:MAX_RANKED]]
    if query.canonical != query.folded:
        # Engines weigh fields differently (SQLite's bm25 hardly uses the boosts), so put the
        # names with every word typed with diacritics spelled as typed first, keeping the
        # engine's order within each part. A word typed without any has no spelling to
        # prefer. Names' search text holds the canonical spelling (and the folded one, where
        # no word with diacritics can be), so it needs no normalising here.
        accented = [word for word in query.canonical.split() if word != fold(word)]
        results.sort(key=lambda row: not _has_words(row[1], accented))
    return [pk for pk, _text in results], None


NAME_VECTOR = pg.SearchVector("search_text", config="simple")


def _name_matches(query: PreparedQuery, among: QuerySet[Product]) -> list[tuple[int, str]]:
    """Products whose name has every word of the query (in either spelling): the first tier of
    results on PostgreSQL, one query on the names' GIN index (marketplace/migrations/0009).

    Within the tier the shortest names come first (the query is more of the name: "chè tân
    cương" puts "Chè Tân Cương" before "Chè Tân Cương móc câu đặc biệt hộp quà"), then the best
    sellers. Ordering by `ts_rank` instead would compute a vector per match; with Wagtail's
    ranking of each match's whole index entry it cost 200 ms for a query matching 16,000 of
    100,000 products. The engine then adds the products that match elsewhere (pack, category,
    enterprise, commune, description) after these."""
    tsquery = pg.SearchQuery(query.folded, config="simple", search_type="plain")
    if query.canonical != query.folded:
        tsquery |= pg.SearchQuery(query.canonical, config="simple", search_type="plain")
    return list(
        among.annotate(name_vector=NAME_VECTOR)
        .filter(name_vector=tsquery)
        .order_by(Length("search_text"), "-sold_count", "-pk")
        .values_list("pk", "search_text")[:MAX_RANKED]
    )


def _other_matches(
    query: PreparedQuery, among: QuerySet[Product], *, found: list[int]
) -> list[tuple[int, str]]:
    """The second tier on PostgreSQL: products not in `found` whose index entry (packs,
    category, enterprise, commune, description) has every word, best sellers first. One query:
    the entries are matched on their `title || body` GIN index (migration 0008) in a subquery
    that carries ids only, where Wagtail's own search joins each match's whole vector and ranks
    it (330 ms for a query matching 19,000 of 100,000 products).

    Only the first OTHER_CANDIDATES entries found outside `found` are considered: a query that
    matches more outside the names is too broad for their order to mean much, and the cost
    stays that of reading that many entries whatever the catalogue's size (a broad query such
    as "che thai", in 39,000 of 100,000 entries, reads about 2,600 of them)."""
    tsquery = pg.SearchQuery(query.folded, search_type="plain")
    if query.canonical != query.folded:
        tsquery |= pg.SearchQuery(query.canonical, search_type="plain")
    entries = (
        IndexEntry.objects.filter(
            content_type__app_label=Product._meta.app_label,
            content_type__model=Product._meta.model_name,
        )
        .annotate(
            document=CombinedExpression(
                F("title"), "||", F("body"), output_field=pg.SearchVectorField()
            )
        )
        .filter(document=tsquery)
        .annotate(product_id=Cast("object_id", BigIntegerField()))
        .exclude(id_in(found, field="product_id"))
        .values("product_id")[:OTHER_CANDIDATES]
    )
    return list(
        among.filter(pk__in=Subquery(entries))
        .order_by("-sold_count", "-pk")
        .values_list("pk", "search_text")[: MAX_RANKED - len(found)]
    )


def _has_words(text: str, words: list[str]) -> bool:
    present = set(_TERM.findall(text))
    return all(word in present for word in words)


class _EqualsAny(Func):
    """`value = ANY(array)`, a condition."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def id_in(ids: list[int], *, field: str = "pk") -> Q | _EqualsAny:
    """The rows whose `field` is in `ids`: on PostgreSQL `field = ANY(array)` with the ids as
    one parameter, where `field IN (...)` sends a thousand (quoting them cost the driver more
    than the database took to read the rows)."""
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": ids})
    return _EqualsAny(F(field), Cast(Value(ids), output_field=ArrayField(BigIntegerField())))


def in_rank_order(products: QuerySet[Product], ids: list[int]) -> QuerySet[Product]:
    """`products` narrowed to `ids`, in the order of `ids`."""
    products = products.filter(id_in(ids))
    if not ids:
        return products
    if connection.vendor == "postgresql":
        # One array lookup per row, where a CASE of a thousand branches costs 5× more.
        ranking = Cast(Value(ids), output_field=ArrayField(BigIntegerField()))
        return products.order_by(
            Func(ranking, F("pk"), function="array_position", output_field=IntegerField())
        )
    position = Case(
        *(When(pk=pk, then=rank) for rank, pk in enumerate(ids)), output_field=IntegerField()
    )
    return products.order_by(position)


class RankedProducts:
    """Search results whose order and number are already known, for a Paginator: `count()`
    costs nothing and a page reads its own products only (one query, plus the card images'),
    where a queryset ordered by rank would sort every match again for each page."""

    def __init__(self, products: QuerySet[Product], ids: list[int]) -> None:
        self.products = products
        self.ids = ids

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Product: ...

    @overload
    def __getitem__(self, index: slice) -> list[Product]: ...

    def __getitem__(self, index: int | slice) -> Product | list[Product]:
        if isinstance(index, int):
            return self._read([self.ids[index]])[0]
        return self._read(self.ids[index])

    def _read(self, wanted: list[int]) -> list[Product]:
        if not wanted:
            return []
        found = {product.pk: product for product in self.products.filter(pk__in=wanted)}
        return [found[pk] for pk in wanted if pk in found]

    def __iter__(self) -> Iterator[Product]:
        return iter(self[:])


@dataclass(frozen=True)
class SearchResults:
    """The products of a search page and, when there was a query, the facets of all of them."""

    products: QuerySet[Product] | RankedProducts
    facets: Facets | None


def search_catalogue(
    raw_query: str, filters: CatalogueFilters | None = None, *, cards: bool = False
) -> SearchResults:
    """Storefront products matching `raw_query` and `filters`, most relevant first when the
    filters' sort is "relevance", else in their sort order. An empty query gives the filtered
    catalogue (without facets: counting the whole catalogue on every page view costs more than
    it tells); a query with nothing relevant gives no rows.

    With a query it costs the engine's query, then one query for the ids and facet columns of
    every result that passes the filters (at most MAX_RANKED rows: the facets are counted from
    them, or come from Elasticsearch's aggregations), and one per page shown (plus one for its
    card images' renditions; with `cards`, only what a card shows, and the renditions when a
    grid is rendered anew: see `storefront_products`).

    The ids and facets are kept RESULTS_SECONDS per query and filters: a shopper paging
    through results, and the many shoppers typing the same popular words, cost one page's
    query each. A product published meanwhile shows within that time (as it does on
    Elasticsearch, whose index is updated by a task); one withdrawn is never shown, since a
    page reads its products from the storefront.
    """
    filters = filters or CatalogueFilters(sort="relevance")
    products = storefront_products(filters, cards=cards)
    query = prepare(raw_query)
    if query.is_empty:
        return SearchResults(products, None)
    key = _results_key(query, filters)
    kept = caches["fragments"]
    found: tuple[list[int], Facets] | None = kept.get(key)
    if found is None:
        ids, facets = _rank(query, filters)
        rows = list(products.filter(id_in(ids)).values_list("pk", *FACET_FIELDS))
        if filters.sort == "relevance":
            position = {pk: rank for rank, pk in enumerate(ids)}
            rows.sort(key=lambda row: position[row[0]])
        if facets is None:
            facets = tally_facets(row[1:] for row in rows)
        found = ([row[0] for row in rows], facets)
        kept.set(key, found, RESULTS_SECONDS)
    return SearchResults(RankedProducts(products, found[0]), found[1])


def _results_key(query: PreparedQuery, filters: CatalogueFilters) -> str:
    """The cache key of a search's results: the query as searched, the filters (models by
    their ids), the engine and the day (badges expire, and the facets count them)."""
    engine = "elasticsearch" if elastic.is_enabled() else connection.vendor
    text = repr((query.canonical, filters_key(filters), engine))
    return "search:results:" + hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def search_products(raw_query: str, filters: CatalogueFilters | None = None) -> QuerySet[Product]:
    """The products of `search_catalogue` as a queryset, without facets (the API, related
    lists): the engine's query, then the storefront's own (count and page)."""
    filters = filters or CatalogueFilters(sort="relevance")
    products = storefront_products(filters)
    query = prepare(raw_query)
    if query.is_empty:
        return products
    ids, _facets = _rank(query, filters)
    if filters.sort == "relevance":
        return in_rank_order(products, ids)
    return products.filter(id_in(ids))


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "product" or "enterprise"
    name: str
    slug: str


PRODUCT_SUGGESTIONS = 6
ENTERPRISE_SUGGESTIONS = 3


def suggest(raw_prefix: str) -> list[Suggestion]:
    """What the search box offers as the shopper types, matched folded ("che ta" suggests
    "Chè Tân Cương"): products on sale, then approved enterprises. Two queries."""
    return [*suggest_products(raw_prefix), *suggest_enterprises(raw_prefix)]


def suggest_products(raw_prefix: str, *, limit: int = PRODUCT_SUGGESTIONS) -> list[Suggestion]:
    """Names of published products whose words start with the words typed: one engine
    query."""
    query = prepare(raw_prefix)
    if query.is_empty:
        return []
    if elastic.is_enabled():
        return [
            Suggestion("product", s.name, s.slug) for s in elastic.autocomplete(query.folded, limit)
        ]
    results = Product.objects.filter(status=Product.Status.PUBLISHED).autocomplete(query.folded)[
        :limit
    ]
    return [Suggestion("product", product.name, product.slug) for product in results]


def suggest_enterprises(
    raw_prefix: str, *, limit: int = ENTERPRISE_SUGGESTIONS
) -> list[Suggestion]:
    """Approved enterprises with a word of their name starting with each word typed, folded
    ("htx tan" suggests "HTX Chè Tân Cương"): one query on the enterprises' folded names,
    the same in both engines (enterprises are a few thousand rows at most)."""
    words = prepare(raw_prefix).folded.split()
    if not words:
        return []
    condition = Q()
    for word in words:
        condition &= Q(name_folded__startswith=word) | Q(name_folded__contains=f" {word}")
    rows = (
        Enterprise.objects.approved()
        .filter(condition)
        .order_by("name")
        .values_list("name", "slug")[:limit]
    )
    return [Suggestion("enterprise", name, slug) for name, slug in rows]
