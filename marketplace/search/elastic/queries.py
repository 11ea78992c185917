"""Search requests against the product index, built as data (elasticsearch-dsl `Search`).

Nothing here talks to a cluster: engine.py runs these requests. A shopper's query is only ever
sent as the text of `multi_match` and `term` queries, never through a query language
(`query_string`), so quotes, `*`, `:`, `(`, `OR` or emoji cannot make a request fail.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.conf import settings
from django.utils import timezone
from elasticsearch.dsl import Search
from elasticsearch.dsl.query import Bool, Match, MatchAll, MatchNone, MultiMatch, Query, Range, Term

from marketplace.search.facets import PRICE_BANDS
from marketplace.search.text import normalize
from marketplace.selectors import CatalogueFilters

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
# Words the default engine's query languages read as operators; dropped so that both engines
# search the same words ("chè OR trà" is "chè trà" everywhere).
OPERATOR_WORDS = frozenset({"and", "or", "not", "near"})
# A query that is one token this long at most is also looked up as a SKU or a GTIN.
MAX_CODE_LENGTH = 64
CODE_BOOST = 100
# Elasticsearch refuses to page beyond this many hits (index.max_result_window).
MAX_RESULT_WINDOW = 10_000

# The searched fields. cross_fields scores the exact fields and the folded ones as two groups
# (one per analyzer) and keeps the better; with the exact boosts higher, a word spelled as
# typed ranks above the same word folded: "định" puts "Định Hóa" above "Chè đinh".
EXACT_FIELDS = ("name^8", "variant_names^3", "category_names^2", "enterprise_name^2", "commune^2")
FOLDED_FIELDS = (
    "name.folded^5",
    "variant_names.folded^2",
    "category_names.folded^1.5",
    "enterprise_name.folded^1.5",
    "commune.folded^1.5",
    "description^1",
)
AUTOCOMPLETE_FIELDS = ("name.autocomplete^2", "enterprise_name.autocomplete")
AUTOCOMPLETE_MIN_WORD = 2  # the autocomplete analyzer's shortest prefix

HIGHLIGHT_TAGS = {"pre_tags": ["<mark>"], "post_tags": ["</mark>"]}
DESCRIPTION_FRAGMENT = 160

# The storefront's sorts (marketplace.selectors.SORTS) on the index; product_id breaks ties so
# that pages never overlap.
SORT_ORDERS: dict[str, tuple[str, ...]] = {
    "newest": ("-published_at", "-product_id"),
    "price_asc": ("min_price_vnd", "product_id"),
    "price_desc": ("-min_price_vnd", "-product_id"),
    "best_selling": ("-sold_count", "-product_id"),
}
RELEVANCE = ("_score", "-published_at", "-product_id")

CATEGORY_FACET_SIZE = 200
WARD_FACET_SIZE = 200
STARS_FACET_SIZE = 5


_WORD = re.compile(r"\w+")


def index_alias() -> str:
    """The alias searched and written to; it points to one concrete, versioned index."""
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-products"


def query_words(raw: str) -> list[str]:
    """The words of a shopper's query in canonical spelling: cut to MAX_QUERY_LENGTH
    characters and MAX_WORDS words; punctuation, emoji, control characters and operator
    words dropped."""
    words = _WORD.findall(normalize((raw or "")[:MAX_QUERY_LENGTH]))
    return [word for word in words if word not in OPERATOR_WORDS][:MAX_WORDS]


def code_term(raw: str) -> str | None:
    """The query as a SKU or GTIN candidate: one token, at most MAX_CODE_LENGTH characters."""
    code = normalize((raw or "")[:MAX_QUERY_LENGTH])
    return code if code and " " not in code and len(code) <= MAX_CODE_LENGTH else None


def build_search(
    query: str,
    filters: CatalogueFilters,
    *,
    page: int,
    page_size: int,
    minimum_should_match: str | None = None,
) -> Search:
    """The search request for a storefront query: matching products, filtered, sorted and
    paged, with highlights on the name and description and the facets of the whole match.

    Every word must match (`operator: and`), so a query with nothing relevant finds nothing.
    `minimum_should_match` relaxes that for long queries, in Elasticsearch's syntax: "2<-1"
    lets a query of three words or more miss one ("chè tân cương loại ngon"). A query that
    is one token is also looked up among SKUs and GTINs, ranked first when found. An empty
    query lists the filtered catalogue.

    `filters.sort` is one of the storefront's SORTS; any other value ("relevance") sorts by
    relevance, or newest first without a query. `page` counts from 1; pages beyond
    MAX_RESULT_WINDOW hits come back empty, with the total and facets.

    Raises ValueError when `page` or `page_size` is below 1.
    """
    if page < 1 or page_size < 1:
        raise ValueError("page and page_size start at 1.")
    today = timezone.localdate()
    words = query_words(query)
    search = Search(index=index_alias()).extra(track_total_hits=True).source(False)
    clauses = _filter_clauses(filters, today)
    if words:
        matching = _matching(words, code_term(query), minimum_should_match)
        search = search.query(Bool(should=matching, minimum_should_match=1, filter=clauses))
    elif clauses:
        search = search.query(Bool(filter=clauses))
    else:
        search = search.query(MatchAll())
    order = SORT_ORDERS.get(filters.sort) or (RELEVANCE if words else SORT_ORDERS["newest"])
    search = search.sort(*order)
    if words:
        search = _highlighted(search, " ".join(words))
    _add_facets(search, today)
    start = (page - 1) * page_size
    if start + page_size > MAX_RESULT_WINDOW:
        return search[0:0]
    return search[start : start + page_size]


def build_autocomplete(prefix: str, limit: int = 8) -> Search:
    """Suggestions for the search box: products whose name or enterprise name has words
    starting with each word typed, folded ("che tan cu" suggests "Chè Tân Cương ..."),
    best-selling first among equals. Words of one letter are ignored, since the index keeps
    prefixes of two letters and more. Returns each hit's `display_name` and `slug`."""
    words = [word for word in query_words(prefix) if len(word) >= AUTOCOMPLETE_MIN_WORD]
    search = Search(index=index_alias()).source(["display_name", "slug"])
    if not words:
        return search.query(MatchNone())[0:0]
    matching = MultiMatch(
        query=" ".join(words), type="cross_fields", fields=list(AUTOCOMPLETE_FIELDS), operator="and"
    )
    return search.query(matching).sort("_score", "-sold_count", "-product_id")[0:limit]


def _matching(words: list[str], code: str | None, minimum_should_match: str | None) -> list[Query]:
    """The ways a product matches, any one of which is enough: its texts contain the words,
    or its SKU or GTIN is `code`."""
    options: dict[str, Any] = (
        {"operator": "or", "minimum_should_match": minimum_should_match}
        if minimum_should_match
        else {"operator": "and"}
    )
    text = MultiMatch(
        query=" ".join(words),
        type="cross_fields",
        fields=[*EXACT_FIELDS, *FOLDED_FIELDS],
        **options,
    )
    if code is None:
        return [text]
    return [
        text,
        Term(skus={"value": code, "boost": CODE_BOOST}),
        Term(gtins={"value": code, "boost": CODE_BOOST}),
    ]


def _filter_clauses(filters: CatalogueFilters, today: datetime.date) -> list[Query]:
    """The storefront's filters (as in marketplace.selectors.storefront_products), which do
    not count for relevance."""
    clauses: list[Query] = []
    if filters.category is not None:
        clauses.append(Term(category_paths=filters.category.path))
    if filters.min_stars:
        clauses.append(Range(ocop_stars={"gte": filters.min_stars}))
        clauses.append(Range(ocop_until={"gte": today.isoformat()}))
    if filters.ward_code:
        clauses.append(Term(ward_code=filters.ward_code))
    if filters.enterprise_kind:
        clauses.append(Term(enterprise_kind=filters.enterprise_kind))
    if filters.enterprise is not None:
        clauses.append(Term(enterprise_id=filters.enterprise.pk))
    price = {
        bound: value
        for bound, value in (("gte", filters.min_price), ("lte", filters.max_price))
        if value is not None
    }
    if price:
        clauses.append(Range(min_price_vnd=price))
    if filters.in_stock:
        clauses.append(Term(in_stock=True))
    return clauses


def _highlighted(search: Search, text: str) -> Search:
    """Highlight the query's words, folded, in the name as written (whole) and in the best
    fragment of the description, as HTML: the text escaped, matches in <mark>."""
    return (
        search.highlight_options(encoder="html", **HIGHLIGHT_TAGS)
        .highlight(
            "display_name",
            number_of_fragments=0,
            highlight_query=Match(display_name={"query": text}).to_dict(),
        )
        .highlight(
            "description",
            fragment_size=DESCRIPTION_FRAGMENT,
            number_of_fragments=1,
            highlight_query=Match(description={"query": text}).to_dict(),
        )
    )


def _add_facets(search: Search, today: datetime.date) -> None:
    """Counts per category (and ancestor), valid OCOP star level, commune and price band,
    over every hit of the query and filters."""
    search.aggs.bucket("category", "terms", field="category_paths", size=CATEGORY_FACET_SIZE)
    search.aggs.bucket(
        "ocop", "filter", filter=Range(ocop_until={"gte": today.isoformat()})
    ).bucket("stars", "terms", field="ocop_stars", size=STARS_FACET_SIZE)
    search.aggs.bucket("ward_code", "terms", field="ward_code", size=WARD_FACET_SIZE)
    search.aggs.bucket(
        "price",
        "range",
        field="min_price_vnd",
        ranges=[
            {"key": band.key}
            | ({"from": band.low} if band.low is not None else {})
            | ({"to": band.high} if band.high is not None else {})
            for band in PRICE_BANDS
        ],
    )
