"""The product index on a cluster: searching it, and keeping it in step with the catalogue.

Searches go to the alias `<ELASTICSEARCH_INDEX_PREFIX>-products`, which points to one
concrete index named after its creation time. A rebuild fills a new index and then moves the
alias in one atomic step, so searches never see a missing or half-filled index.

Every write carries the time its rows were read, in microseconds, as an external version:
Elasticsearch keeps the document read last whatever order two writers arrive in (a stale
write is refused with a conflict, which is expected and ignored). So an update task can run
twice or late, and updates made during a rebuild, written to the new index as well through
the `-next` alias, are not overwritten by the rebuild's older reads.

Errors of the cluster are raised as the client's: `elasticsearch.ApiError` (a refused
request) and `elasticsearch.TransportError` (unreachable, timeout).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils import timezone
from elasticsearch import Elasticsearch, NotFoundError, helpers

from marketplace.models import Product
from marketplace.search.elastic import is_enabled
from marketplace.search.elastic.documents import documents_for
from marketplace.search.elastic.mapping import product_index
from marketplace.search.elastic.queries import build_autocomplete, build_search, index_alias
from marketplace.search.facets import Facets
from marketplace.selectors import CatalogueFilters

REQUEST_TIMEOUT = 10  # seconds, for searches and small writes
BULK_TIMEOUT = 120  # seconds, for one bulk request of a batch of documents
CONFLICT, NOT_FOUND = 409, 404
# Field names of the highlights in an ElasticResult, by indexed field.
HIGHLIGHTED = {"display_name": "name", "description": "description"}


class RebuildInProgress(Exception):
    """A rebuild is running, or one was killed and left its index behind the `-next` alias."""


@dataclass(frozen=True)
class ElasticResult:
    """One page of a search: product ids in order, the total, facets and highlights.

    `highlights` maps a product id to its highlighted "name" and "description" (when they
    matched) as safe HTML: the text escaped, matches in `<mark>`.
    """

    product_ids: list[int]
    total: int
    facets: Facets
    highlights: dict[int, dict[str, str]]


@dataclass(frozen=True)
class Suggestion:
    """A product suggested while typing, with its name as written."""

    product_id: int
    name: str
    slug: str


def use_icu() -> bool:
    """Whether new indices use the ICU analysis plugin (setting ELASTICSEARCH_ICU, default
    off since the plugin may be missing from the cluster)."""
    return bool(getattr(settings, "ELASTICSEARCH_ICU", False))


def building_alias() -> str:
    """The alias of the index a rebuild is filling, written to alongside the live one."""
    return f"{index_alias()}-next"


def client() -> Elasticsearch:
    """The client of the cluster at ELASTICSEARCH_URL; raises ImproperlyConfigured when it
    is not set."""
    if not is_enabled():
        raise ImproperlyConfigured("ELASTICSEARCH_URL is not set.")
    return _client(settings.ELASTICSEARCH_URL)


@cache
def _client(url: str) -> Elasticsearch:
    """One client (and connection pool) per URL for the process."""
    return Elasticsearch(url, request_timeout=REQUEST_TIMEOUT)


def search(
    query: str,
    filters: CatalogueFilters,
    *,
    page: int,
    page_size: int,
    minimum_should_match: str | None = None,
) -> ElasticResult:
    """Run `build_search` (see there for matching, sorting and paging) on the cluster: one
    request."""
    request = build_search(
        query, filters, page=page, page_size=page_size, minimum_should_match=minimum_should_match
    )
    return result_from(request.using(client()).execute().to_dict())


def autocomplete(prefix: str, limit: int = 8) -> list[Suggestion]:
    """Run `build_autocomplete` on the cluster: one request."""
    response = build_autocomplete(prefix, limit).using(client()).execute().to_dict()
    return [
        Suggestion(int(hit["_id"]), hit["_source"]["display_name"], hit["_source"]["slug"])
        for hit in response["hits"]["hits"]
    ]


def result_from(response: Mapping[str, Any]) -> ElasticResult:
    """The ElasticResult of a raw response to a `build_search` request."""
    hits = response["hits"]["hits"]
    aggregations = response["aggregations"]

    def counts(buckets: list[dict[str, Any]]) -> dict[Any, int]:
        return {bucket["key"]: bucket["doc_count"] for bucket in buckets}

    return ElasticResult(
        product_ids=[int(hit["_id"]) for hit in hits],
        total=response["hits"]["total"]["value"],
        facets=Facets(
            category=counts(aggregations["category"]["buckets"]),
            ocop_stars=counts(aggregations["ocop"]["stars"]["buckets"]),
            ward_code=counts(aggregations["ward_code"]["buckets"]),
            price=counts(aggregations["price"]["buckets"]),
        ),
        highlights={
            int(hit["_id"]): {
                HIGHLIGHTED[field]: fragments[0] for field, fragments in hit["highlight"].items()
            }
            for hit in hits
            if hit.get("highlight")
        },
    )


def create_index(*, aliases: tuple[str, ...] = ()) -> str:
    """Create an empty product index named `<alias>-<UTC time>`, behind `aliases`, with the
    ICU analyzers when `use_icu()`; returns its name."""
    name = f"{index_alias()}-{timezone.now():%Y%m%d%H%M%S%f}"
    product_index(name, icu=use_icu(), aliases=aliases).create(using=client())
    return name


def rebuild_index(progress: Callable[[int], None] | None = None) -> int:
    """Index every storefront product into a new index, put it behind the alias in place of
    the previous one in one atomic step, then delete the previous one. Searches go on
    meanwhile, on the previous index. `progress` is told the size of each batch written.
    Returns the number of products indexed.

    Raises RebuildInProgress when the `-next` alias exists already (another rebuild runs, or
    one was killed: delete the index the message names). If filling the new index fails, it
    is deleted and the live index is left as it was.
    """
    es = client()
    alias, next_alias = index_alias(), building_alias()
    if building := _indices_behind(es, next_alias):
        raise RebuildInProgress(
            f"{next_alias} points to {', '.join(building)}: a rebuild is running, or one "
            "was stopped, in which case delete that index and start again."
        )
    name = create_index(aliases=(next_alias,))
    try:
        count = _fill(es, next_alias, progress)
        es.indices.refresh(index=name)
    except BaseException:
        es.indices.delete(index=name)
        raise
    previous = _indices_behind(es, alias)
    es.indices.update_aliases(
        actions=[
            *({"remove": {"index": old, "alias": alias}} for old in previous),
            {"remove": {"index": name, "alias": next_alias}},
            {"add": {"index": name, "alias": alias}},
        ]
    )
    if previous:
        es.indices.delete(index=previous)
    return count


def index_products(product_ids: Iterable[int]) -> int:
    """Bring the index in step with these products: write the documents of those on the
    storefront and delete the others (unpublished, archived, of a suspended enterprise, or
    gone). Safe to run twice or late. Before the first rebuild there is no index and nothing
    is written (the rebuild will read the products). Returns how many documents were written.
    """
    ids = set(product_ids)
    es = client()
    targets = _write_targets(es)
    if not targets:
        return 0
    read_at = _now_version()
    written: set[int] = set()
    for version, documents in _read(Product.objects.on_storefront().filter(pk__in=ids)):
        _bulk(
            es,
            (
                _index_action(target, document, version)
                for document in documents
                for target in targets
            ),
            ignore=(CONFLICT, NOT_FOUND),
        )
        written.update(document["product_id"] for document in documents)
    _delete(es, targets, ids - written, version=read_at)
    return len(written)


def delete_products(product_ids: Iterable[int]) -> None:
    """Remove these products from the index; ids not in it are ignored."""
    es = client()
    if targets := _write_targets(es):
        _delete(es, targets, set(product_ids), version=_now_version())


def _fill(es: Elasticsearch, target: str, progress: Callable[[int], None] | None) -> int:
    """Write every storefront product to `target` with refreshes paused; returns how many."""
    es.indices.put_settings(index=target, settings={"refresh_interval": "-1"})
    count = 0
    for version, documents in _read(Product.objects.on_storefront()):
        _bulk(
            es,
            (_index_action(target, document, version) for document in documents),
            ignore=(CONFLICT,),
        )
        count += len(documents)
        if progress is not None:
            progress(len(documents))
    es.indices.put_settings(index=target, settings={"refresh_interval": None})
    return count


def _read(products: QuerySet[Product]) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """The batches of `documents_for(products)`, each with the time (µs) taken just before
    its rows were read: the external version of its writes."""
    batches = documents_for(products)
    while True:
        version = _now_version()
        documents = next(batches, None)
        if documents is None:
            return
        yield version, documents


def _write_targets(es: Elasticsearch) -> list[str]:
    """Those of the live alias and the `-next` alias (while a rebuild runs) that exist: one
    request."""
    # A wildcard that matches nothing answers {} where a missing name would answer 404.
    indices = es.indices.get_alias(name=f"{index_alias()}*").body
    present = {alias for index in indices.values() for alias in index["aliases"]}
    return [alias for alias in (index_alias(), building_alias()) if alias in present]


def _indices_behind(es: Elasticsearch, alias: str) -> list[str]:
    """The names of the indices behind `alias`, none when it does not exist."""
    try:
        return list(es.indices.get_alias(name=alias).body)
    except NotFoundError:
        return []


def _index_action(target: str, document: dict[str, Any], version: int) -> dict[str, Any]:
    return {
        "_op_type": "index",
        "_index": target,
        "_id": document["product_id"],
        "version": version,
        "version_type": "external",
        "_source": document,
    }


def _now_version() -> int:
    """The external version of a write whose rows are read from now on: the time in µs."""
    return time.time_ns() // 1000


def _delete(es: Elasticsearch, targets: list[str], product_ids: set[int], *, version: int) -> None:
    actions = (
        {
            "_op_type": "delete",
            "_index": target,
            "_id": product_id,
            "version": version,
            "version_type": "external",
        }
        for product_id in sorted(product_ids)
        for target in targets
    )
    _bulk(es, actions, ignore=(CONFLICT, NOT_FOUND))


def _bulk(es: Elasticsearch, actions: Iterable[dict[str, Any]], *, ignore: tuple[int, ...]) -> None:
    """Send `actions` to aliases only (`require_alias`: a missing alias is an error, never an
    index created with a guessed mapping), ignoring the item statuses in `ignore`."""
    helpers.bulk(
        es.options(request_timeout=BULK_TIMEOUT),
        actions,
        ignore_status=ignore,
        require_alias=True,
    )
