"""The Elasticsearch engine as data: the index definition, the documents and the requests,
checked without a cluster (test_elastic_integration.py runs them on one)."""

import datetime
import json
import unicodedata

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from marketplace.models import Category, Enterprise, Product
from marketplace.search.elastic import (
    ElasticResult,
    build_autocomplete,
    build_search,
    client,
    documents_for,
    index_alias,
    product_document,
)
from marketplace.search.elastic.engine import result_from
from marketplace.search.elastic.mapping import product_index
from marketplace.search.elastic.queries import SORT_ORDERS
from marketplace.search.tasks import update_search_index
from marketplace.selectors import SORTS, CatalogueFilters
from tests.marketplace.factories import EnterpriseFactory, ProductFactory, VariantFactory, certify

FIELDS = [
    "name^8",
    "variant_names^3",
    "category_names^2",
    "enterprise_name^2",
    "commune^2",
    "name.folded^5",
    "variant_names.folded^2",
    "category_names.folded^1.5",
    "enterprise_name.folded^1.5",
    "commune.folded^1.5",
    "description^1",
]
TEXTS = {
    "name",
    "display_name",
    "variant_names",
    "category_names",
    "enterprise_name",
    "commune",
    "description",
}
NEWEST = [{"published_at": {"order": "desc"}}, {"product_id": {"order": "desc"}}]


def index_definition(icu=False):
    return product_index("ocop-products-20260101000000000000", icu=icu).to_dict()


def query_of(query, filters=None, **options):
    return build_search(
        query, filters or CatalogueFilters(sort="relevance"), page=1, page_size=20, **options
    ).to_dict()["query"]


def text_match(text, *, code=None, operator="and", minimum_should_match=None):
    """The expected query for `text` (and `code` as a SKU/GTIN), with no filter."""
    multi_match = {"query": text, "fields": FIELDS, "operator": operator, "type": "cross_fields"}
    if minimum_should_match:
        multi_match["minimum_should_match"] = minimum_should_match
    should = [{"multi_match": multi_match}]
    if code:
        should += [
            {"term": {"skus": {"value": code, "boost": 100}}},
            {"term": {"gtins": {"value": code, "boost": 100}}},
        ]
    return {"bool": {"minimum_should_match": 1, "should": should}}


# --- the index -------------------------------------------------------------------------------


def test_the_index_is_an_alias_named_after_the_environment(settings):
    # given
    settings.ELASTICSEARCH_INDEX_PREFIX = "staging"
    # when
    alias = index_alias()
    # then
    assert alias == "staging-products"


def test_the_mapping_is_strict_with_one_shard():
    # when
    definition = index_definition()
    # then
    assert definition["mappings"]["dynamic"] == "strict"
    assert definition["settings"]["number_of_shards"] == 1


def test_the_folded_analyzer_maps_d_with_stroke_then_folds_ascii():
    # when
    analysis = index_definition()["settings"]["analysis"]
    # then
    assert analysis["analyzer"]["vi_folded"] == {
        "type": "custom",
        "tokenizer": "standard",
        "char_filter": ["vi_d_with_stroke"],
        "filter": ["lowercase", "asciifolding"],
    }
    assert analysis["char_filter"]["vi_d_with_stroke"] == {
        "type": "mapping",
        "mappings": ["đ => d", "Đ => D"],
    }


def test_the_exact_analyzer_only_lowercases():
    # when
    analysis = index_definition()["settings"]["analysis"]
    # then
    assert analysis["analyzer"]["vi_exact"] == {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["lowercase"],
    }


def test_autocomplete_indexes_folded_prefixes_of_two_to_fifteen_letters():
    # when
    analysis = index_definition()["settings"]["analysis"]
    # then
    assert analysis["analyzer"]["autocomplete"] == {
        "type": "custom",
        "tokenizer": "standard",
        "char_filter": ["vi_d_with_stroke"],
        "filter": ["lowercase", "asciifolding", "autocomplete_prefixes"],
    }
    assert analysis["filter"]["autocomplete_prefixes"] == {
        "type": "edge_ngram",
        "min_gram": 2,
        "max_gram": 15,
    }


def test_with_icu_the_analyzers_use_the_plugin():
    # when
    analysis = index_definition(icu=True)["settings"]["analysis"]
    # then
    assert analysis["analyzer"] == {
        "vi_exact": {
            "type": "custom",
            "tokenizer": "icu_tokenizer",
            "char_filter": ["vi_nfc"],
            "filter": ["lowercase"],
        },
        "vi_folded": {
            "type": "custom",
            "tokenizer": "icu_tokenizer",
            "char_filter": ["vi_d_with_stroke"],
            "filter": ["icu_folding"],
        },
        "autocomplete": {
            "type": "custom",
            "tokenizer": "icu_tokenizer",
            "char_filter": ["vi_d_with_stroke"],
            "filter": ["icu_folding", "autocomplete_prefixes"],
        },
    }
    assert analysis["char_filter"]["vi_nfc"] == {"type": "icu_normalizer", "name": "nfc"}


def test_names_are_matched_exact_folded_and_as_typed():
    # when
    properties = index_definition()["mappings"]["properties"]
    # then
    folded = {"type": "text", "analyzer": "vi_folded"}
    autocomplete = {"type": "text", "analyzer": "autocomplete", "search_analyzer": "vi_folded"}
    assert properties["name"] == {
        "type": "text",
        "analyzer": "vi_exact",
        "fields": {"folded": folded, "autocomplete": autocomplete},
    }
    assert properties["enterprise_name"] == properties["name"]
    for field in ("variant_names", "category_names", "commune"):
        assert properties[field] == {
            "type": "text",
            "analyzer": "vi_exact",
            "fields": {"folded": folded},
        }
    assert properties["display_name"] == folded
    assert properties["description"] == folded


def test_codes_filters_and_sorts_are_exact_values():
    # when
    definition = index_definition()
    properties = definition["mappings"]["properties"]
    # then: SKUs are matched whole, in any case
    assert definition["settings"]["analysis"]["normalizer"] == {
        "code": {"type": "custom", "filter": ["lowercase"]}
    }
    assert {name: properties[name] for name in properties if name not in TEXTS} == {
        "product_id": {"type": "integer"},
        "slug": {"type": "keyword", "index": False, "doc_values": False},
        "skus": {"type": "keyword", "normalizer": "code"},
        "gtins": {"type": "keyword"},
        "category_paths": {"type": "keyword"},
        "ocop_stars": {"type": "byte"},
        "ocop_until": {"type": "date"},
        "ward_code": {"type": "integer"},
        "enterprise_kind": {"type": "keyword"},
        "enterprise_id": {"type": "integer"},
        "min_price_vnd": {"type": "long"},
        "in_stock": {"type": "boolean"},
        "sold_count": {"type": "integer"},
        "published_at": {"type": "date"},
    }


# --- documents -------------------------------------------------------------------------------


@pytest.fixture
def tea(db):
    enterprise = EnterpriseFactory(
        name="HTX Chè Đồi Sương Tân Cương", kind=Enterprise.Kind.COOPERATIVE
    )
    product = ProductFactory(
        enterprise=enterprise,
        # decomposed Unicode, tone on the second vowel of "hoá"
        name=unicodedata.normalize("NFD", "Chè Định Hoá  đặc biệt"),
        description="<p>Búp chè &amp; nước xanh,</p>\n<p>vị ngọt hậu.</p>",
        origin_ward_code=5503,
        sold_count=12,
        published_at=datetime.datetime(2026, 3, 1, 2, 30, tzinfo=datetime.UTC),
    )
    VariantFactory(product=product, name="Hộp 200g", sku="DS-MC200", gtin="8936045123454")
    VariantFactory(product=product, name="Hộp cũ", sku="DS-OLD", is_active=False)
    certificate = certify(product)
    return product, certificate


def loaded(product):
    return (
        Product.objects.select_related("enterprise", "category")
        .prefetch_related("variants")
        .get(pk=product.pk)
    )


def test_the_document_of_a_product(tea, django_assert_num_queries):
    # given
    product, certificate = tea
    product = loaded(product)
    # when: the category names cost the one query
    with django_assert_num_queries(1):
        document = product_document(product)
    # then
    assert document == {
        "product_id": product.pk,
        "slug": product.slug,
        "name": "chè định hóa đặc biệt",
        "display_name": "Chè Định Hoá đặc biệt",
        "variant_names": ["hộp 200g"],
        "category_names": ["đồ uống", "chè thái nguyên"],
        "enterprise_name": "htx chè đồi sương tân cương",
        "commune": "xã tân cương",
        "description": "Búp chè & nước xanh, vị ngọt hậu.",
        "skus": ["DS-MC200"],
        "gtins": ["8936045123454"],
        "category_paths": ["0006", "00060001"],
        "ocop_stars": 4,
        "ocop_until": certificate.expires_on,
        "ward_code": 5503,
        "enterprise_kind": "cooperative",
        "enterprise_id": product.enterprise_id,
        "min_price_vnd": 180_000,
        "in_stock": True,
        "sold_count": 12,
        "published_at": datetime.datetime(2026, 3, 1, 2, 30, tzinfo=datetime.UTC),
    }


def test_every_field_of_a_document_is_declared_in_the_mapping(tea):
    # given
    product, _ = tea
    # when
    document = product_document(loaded(product))
    # then
    assert set(document) == set(index_definition()["mappings"]["properties"])


def test_a_badge_expired_since_the_last_refresh_is_left_out(tea):
    # given: the daily refresh has not run since the certificate expired
    product, _ = tea
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Product.objects.filter(pk=product.pk).update(ocop_badge_stars=4, ocop_badge_until=yesterday)
    # when
    document = product_document(loaded(product))
    # then
    assert (document["ocop_stars"], document["ocop_until"]) == (None, None)


def test_documents_come_in_batches_of_three_queries_each(db, django_assert_num_queries):
    # given
    products = [VariantFactory().product for _ in range(3)]
    # when
    with django_assert_num_queries(6):
        batches = list(documents_for(Product.objects.all(), batch_size=2))
    # then
    assert [[document["product_id"] for document in batch] for batch in batches] == [
        [products[0].pk, products[1].pk],
        [products[2].pk],
    ]


# --- searches --------------------------------------------------------------------------------


def test_a_query_is_searched_in_its_canonical_spelling_over_the_boosted_fields():
    # when
    query = query_of(unicodedata.normalize("NFD", "  CHÈ Định  HOÁ "))
    # then
    assert query == text_match("chè định hóa")


def test_a_long_query_may_miss_a_word_when_asked():
    # when
    query = query_of("chè tân cương ngon", minimum_should_match="2<-1")
    # then
    assert query == text_match("chè tân cương ngon", operator="or", minimum_should_match="2<-1")


def test_a_one_token_query_is_also_looked_up_as_a_sku_or_gtin():
    # when
    query = query_of("DS-MC200")
    # then
    assert query == text_match("ds mc200", code="ds-mc200")


@pytest.mark.parametrize(
    ("filters", "clauses"),
    [
        (
            CatalogueFilters(category=Category(path="00060001")),
            [{"term": {"category_paths": "00060001"}}],
        ),
        (CatalogueFilters(ward_code=5503), [{"term": {"ward_code": 5503}}]),
        (
            CatalogueFilters(enterprise_kind="household"),
            [{"term": {"enterprise_kind": "household"}}],
        ),
        (CatalogueFilters(enterprise=Enterprise(pk=7)), [{"term": {"enterprise_id": 7}}]),
        (
            CatalogueFilters(min_price=100_000, max_price=300_000),
            [{"range": {"min_price_vnd": {"gte": 100_000, "lte": 300_000}}}],
        ),
        (CatalogueFilters(max_price=99_999), [{"range": {"min_price_vnd": {"lte": 99_999}}}]),
        (CatalogueFilters(in_stock=True), [{"term": {"in_stock": True}}]),
    ],
    ids=["category", "ward", "kind", "enterprise", "price range", "max price", "in stock"],
)
def test_each_catalogue_filter_is_a_filter_clause(filters, clauses):
    # when
    query = query_of("", filters)
    # then
    assert query == {"bool": {"filter": clauses}}


def test_the_stars_filter_needs_a_badge_valid_today():
    # when
    query = query_of("mật ong", CatalogueFilters(min_stars=4))
    # then
    today = timezone.localdate().isoformat()
    assert query["bool"]["filter"] == [
        {"range": {"ocop_stars": {"gte": 4}}},
        {"range": {"ocop_until": {"gte": today}}},
    ]
    assert query["bool"]["should"] == text_match("mật ong")["bool"]["should"]


@pytest.mark.parametrize(
    ("sort", "query", "order"),
    [
        ("newest", "chè", NEWEST),
        ("price_asc", "chè", ["min_price_vnd", "product_id"]),
        (
            "price_desc",
            "",
            [{"min_price_vnd": {"order": "desc"}}, {"product_id": {"order": "desc"}}],
        ),
        (
            "best_selling",
            "",
            [{"sold_count": {"order": "desc"}}, {"product_id": {"order": "desc"}}],
        ),
        ("relevance", "chè", ["_score", *NEWEST]),
        ("relevance", "", NEWEST),
    ],
)
def test_results_come_in_the_chosen_order(sort, query, order):
    # when
    request = build_search(query, CatalogueFilters(sort=sort), page=1, page_size=20).to_dict()
    # then
    assert request["sort"] == order


def test_every_storefront_sort_exists_on_the_index():
    assert set(SORT_ORDERS) == set(SORTS)


def test_facets_are_counted_over_the_query():
    # when
    aggregations = build_search("chè", CatalogueFilters(), page=1, page_size=20).to_dict()["aggs"]
    # then
    assert aggregations == {
        "category": {"terms": {"field": "category_paths", "size": 200}},
        "ocop": {
            "filter": {"range": {"ocop_until": {"gte": timezone.localdate().isoformat()}}},
            "aggs": {"stars": {"terms": {"field": "ocop_stars", "size": 5}}},
        },
        "ward_code": {"terms": {"field": "ward_code", "size": 200}},
        "price": {
            "range": {
                "field": "min_price_vnd",
                "ranges": [
                    {"key": "under_100k", "to": 100_000},
                    {"key": "100k_300k", "from": 100_000, "to": 300_000},
                    {"key": "300k_1m", "from": 300_000, "to": 1_000_000},
                    {"key": "over_1m", "from": 1_000_000},
                ],
            }
        },
    }


def test_matches_are_highlighted_in_the_name_as_written_and_the_description():
    # when
    request = build_search("Chè Tân", CatalogueFilters(), page=1, page_size=20).to_dict()
    # then
    assert request["highlight"] == {
        "encoder": "html",
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "fields": {
            "display_name": {
                "number_of_fragments": 0,
                "highlight_query": {"match": {"display_name": {"query": "chè tân"}}},
            },
            "description": {
                "fragment_size": 160,
                "number_of_fragments": 1,
                "highlight_query": {"match": {"description": {"query": "chè tân"}}},
            },
        },
    }


def test_a_page_is_a_slice_of_the_hits_with_an_exact_total():
    # when
    request = build_search("chè", CatalogueFilters(), page=3, page_size=24).to_dict()
    # then
    assert (request["from"], request["size"]) == (48, 24)
    assert request["track_total_hits"] is True
    assert request["_source"] is False


def test_a_page_beyond_the_result_window_is_empty():
    # when
    request = build_search("chè", CatalogueFilters(), page=501, page_size=20).to_dict()
    # then
    assert (request["from"], request["size"]) == (0, 0)
    assert "aggs" in request


def test_a_page_below_one_is_a_programming_error():
    with pytest.raises(ValueError, match="start at 1"):
        build_search("chè", CatalogueFilters(), page=0, page_size=20)


@pytest.mark.parametrize(
    ("raw", "query"),
    [
        ("", {"match_all": {}}),
        (" ", {"match_all": {}}),
        ('"', {"match_all": {}}),
        ("*", {"match_all": {}}),
        ("OR", {"match_all": {}}),
        ("NEAR", {"match_all": {}}),
        ("\x00\x1f", {"match_all": {}}),
        ("chè:", text_match("chè", code="chè:")),
        ("(mật", text_match("mật", code="(mật")),
        ("che OR mat", text_match("che mat")),
        ('"chè tân cương" -trà', text_match("chè tân cương trà")),
        ("🍵 chè", text_match("chè")),
        ("a" * 2000, text_match("a" * 200)),
    ],
    ids=repr,
)
def test_odd_input_gives_a_valid_request_of_plain_words(raw, query):
    # when
    request = build_search(raw, CatalogueFilters(sort="relevance"), page=1, page_size=20)
    # then
    body = json.dumps(request.to_dict())
    assert request.to_dict()["query"] == query
    assert "query_string" not in body


def test_a_response_becomes_ids_total_facets_and_highlights():
    # given
    response = {
        "hits": {
            "total": {"value": 2, "relation": "eq"},
            "hits": [
                {
                    "_id": "12",
                    "_score": 8.5,
                    "highlight": {
                        "display_name": ["<mark>Chè</mark> Tân Cương"],
                        "description": ["Búp <mark>chè</mark> &amp; nước xanh"],
                    },
                },
                {"_id": "7", "_score": 3.1},
            ],
        },
        "aggregations": {
            "category": {"buckets": [{"key": "0006", "doc_count": 2}]},
            "ocop": {"doc_count": 1, "stars": {"buckets": [{"key": 4, "doc_count": 1}]}},
            "ward_code": {"buckets": [{"key": 5503, "doc_count": 2}]},
            "price": {
                "buckets": [
                    {"key": "under_100k", "to": 100000.0, "doc_count": 0},
                    {"key": "100k_300k", "from": 100000.0, "to": 300000.0, "doc_count": 2},
                ]
            },
        },
    }
    # when
    result = result_from(response)
    # then
    assert result == ElasticResult(
        product_ids=[12, 7],
        total=2,
        facets={
            "category": {"0006": 2},
            "ocop_stars": {4: 1},
            "ward_code": {5503: 2},
            "price": {"under_100k": 0, "100k_300k": 2},
        },
        highlights={
            12: {
                "name": "<mark>Chè</mark> Tân Cương",
                "description": "Búp <mark>chè</mark> &amp; nước xanh",
            }
        },
    )


def test_autocomplete_matches_folded_prefixes_of_names():
    # when
    request = build_autocomplete("Chè Tân C", limit=5).to_dict()
    # then: the one-letter word cannot match a prefix of two letters or more, so it is left out
    assert request == {
        "query": {
            "multi_match": {
                "query": "chè tân",
                "fields": ["name.autocomplete^2", "enterprise_name.autocomplete"],
                "operator": "and",
                "type": "cross_fields",
            }
        },
        "sort": ["_score", {"sold_count": {"order": "desc"}}, {"product_id": {"order": "desc"}}],
        "from": 0,
        "size": 5,
        "_source": ["display_name", "slug"],
    }


@pytest.mark.parametrize("prefix", ["", "c", "*", "🍵"])
def test_autocomplete_without_a_word_suggests_nothing(prefix):
    # when
    request = build_autocomplete(prefix).to_dict()
    # then
    assert request["query"] == {"match_none": {}}
    assert request["size"] == 0


# --- without a cluster -----------------------------------------------------------------------


def test_the_client_needs_a_url(settings):
    # given
    settings.ELASTICSEARCH_URL = ""
    # when, then
    with pytest.raises(ImproperlyConfigured, match="ELASTICSEARCH_URL"):
        client()


def test_the_update_task_does_nothing_without_elasticsearch(settings):
    # given
    settings.ELASTICSEARCH_URL = ""
    # when
    indexed = update_search_index.call([1, 2])
    # then
    assert indexed == 0
