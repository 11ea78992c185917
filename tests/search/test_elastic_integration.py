"""The Elasticsearch engine on a real cluster: the search quality set, facets, highlights,
suggestions, index updates and the zero-downtime rebuild.

Runs only when ELASTICSEARCH_URL is set (docs/search-elasticsearch.md says how to start a
cluster). Each test works in indices of its own prefix and deletes them afterwards.
"""

import os
import re
import uuid

import pytest

from marketplace.models import Category, Enterprise, Product
from marketplace.search.elastic import (
    RebuildInProgress,
    autocomplete,
    client,
    create_index,
    delete_products,
    index_alias,
    index_products,
    rebuild_index,
    search,
)
from marketplace.search.elastic.engine import building_alias
from marketplace.selectors import CatalogueFilters
from tests.marketplace.factories import EnterpriseFactory, ProductFactory, VariantFactory, certify
from tests.search.test_quality import ENTERPRISES, NO_MATCH, PRODUCTS, QUALITY_SET

if not os.environ.get("ELASTICSEARCH_URL"):
    pytest.skip(
        "ELASTICSEARCH_URL is not set: start a single-node Elasticsearch 8 as "
        "docs/search-elasticsearch.md says, then run ELASTICSEARCH_URL=http://127.0.0.1:9200 "
        ".venv/bin/python -m pytest tests/search/test_elastic_integration.py",
        allow_module_level=True,
    )

pytestmark = pytest.mark.django_db

MARK = re.compile(r"</?mark>")


@pytest.fixture(autouse=True)
def index_prefix(settings):
    """A prefix of this test's own; its indices are deleted afterwards."""
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    settings.ELASTICSEARCH_INDEX_PREFIX = prefix
    yield prefix
    es = client()
    # Deleting by wildcard is refused by default (action.destructive_requires_name).
    if names := list(es.indices.get(index=f"{prefix}-products*").body):
        es.indices.delete(index=names)


@pytest.fixture
def catalogue():
    """The quality set's catalogue, indexed by a rebuild; products by name."""
    categories = {category.slug: category for category in Category.objects.all()}
    enterprises = {
        key: EnterpriseFactory(name=name, kind=kind, ward_code=ward, slug=key)
        for key, (name, kind, ward) in ENTERPRISES.items()
    }
    products = {}
    for name, enterprise, category, ward, variant, sku, description in PRODUCTS:
        product = ProductFactory(
            name=name,
            enterprise=enterprises[enterprise],
            category=categories[category],
            origin_ward_code=ward,
            description=f"<p>{description}</p>",
        )
        VariantFactory(product=product, name=variant, sku=sku)
        products[name] = product
    rebuild_index()
    return products


def names_found(query, k, filters=None):
    result = search(query, filters or CatalogueFilters(sort="relevance"), page=1, page_size=k)
    names = dict(Product.objects.filter(pk__in=result.product_ids).values_list("pk", "name"))
    return [names[pk] for pk in result.product_ids]


def indices_behind(alias):
    return set(client().indices.get_alias(name=alias).body)


def refresh():
    client().indices.refresh(index=index_alias())


# --- quality ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", QUALITY_SET, ids=[case[0] for case in QUALITY_SET])
def test_the_expected_products_come_first(catalogue, case):
    # given
    query, expected, *rest = case
    k = rest[0] if rest else len(expected)
    # when
    found = names_found(query, k)
    # then
    assert set(expected) <= set(found), found


@pytest.mark.parametrize("query", NO_MATCH)
def test_a_query_with_nothing_relevant_finds_nothing(catalogue, query):
    assert names_found(query, 10) == []


def test_an_exact_diacritic_match_ranks_above_a_folded_one(catalogue):
    # given: "đinh" (a tea grade) and "Định" (a commune) fold to the same word
    # when
    tea_first = names_found("đinh", 3)
    commune_first = names_found("định", 3)
    # then
    assert tea_first[0] == "Chè đinh thượng hạng"
    assert commune_first[0] == "Gạo Bao thai Định Hóa"


@pytest.mark.parametrize("query", ["ds-dinh100", "DS-DINH100"])
def test_a_sku_is_found_in_any_case(catalogue, query):
    assert names_found(query, 1) == ["Chè đinh thượng hạng"]


def test_a_gtin_is_found(catalogue):
    # given
    honey = catalogue["Mật ong hoa bạc hà"]
    VariantFactory(product=honey, name="Chai 1 lít", sku="VN-BH1000", gtin="8936045123454")
    index_products([honey.pk])
    refresh()
    # when
    found = names_found("8936045123454", 3)
    # then
    assert found == ["Mật ong hoa bạc hà"]


@pytest.mark.parametrize(
    "query",
    ['"', "*", "chè:", "(mật", "OR", "NEAR", "che OR mat", "🍵 chè", "\x00\x1f", "a" * 2000],
)
def test_odd_input_gets_an_answer(catalogue, query):
    # when
    result = search(query, CatalogueFilters(sort="relevance"), page=1, page_size=20)
    # then
    assert result.total == len(result.product_ids)


# --- analyzers on the cluster ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("analyzer", "text", "tokens"),
    [
        ("vi_folded", "Đinh HOÁ Tân Cương", ["dinh", "hoa", "tan", "cuong"]),
        ("vi_exact", "Chè ĐỊNH Hóa", ["chè", "định", "hóa"]),
        ("autocomplete", "Cương", ["cu", "cuo", "cuon", "cuong"]),
    ],
)
def test_the_analyzers_declared_in_the_index_tokenize_vietnamese(catalogue, analyzer, text, tokens):
    # when
    analysis = client().indices.analyze(index=index_alias(), analyzer=analyzer, text=text)
    # then
    assert [token["token"] for token in analysis["tokens"]] == tokens


# --- facets, highlights, filters, order ------------------------------------------------------


def test_facets_count_the_hits_of_the_query(catalogue):
    # given
    certify(catalogue["Mật ong rừng Võ Nhai"])
    index_products([catalogue["Mật ong rừng Võ Nhai"].pk])
    refresh()
    honey = Category.objects.get(slug="mat-ong")
    # when
    result = search("mat ong", CatalogueFilters(sort="relevance"), page=1, page_size=20)
    # then
    assert result.total == 2
    assert result.facets == {
        "category": {honey.get_parent().path: 2, honey.path: 2},
        "ocop_stars": {4: 1},
        "ward_code": {5716: 2},
        "price": {"under_100k": 0, "100k_300k": 2, "300k_1m": 0, "over_1m": 0},
    }


def test_matches_are_highlighted_in_the_text_as_written(catalogue):
    # given
    tea = catalogue["Chè móc câu Tân Cương đặc biệt"]
    # when
    highlights = search(
        "chao gang che tan cuong", CatalogueFilters(sort="relevance"), page=1, page_size=5
    ).highlights[tea.pk]
    # then
    assert MARK.sub("", highlights["name"]) == "Chè móc câu Tân Cương đặc biệt"
    assert " ".join(re.findall(r"<mark>(.*?)</mark>", highlights["name"])) == "Chè Tân Cương"
    assert MARK.sub("", highlights["description"]) == (
        "Búp chè hái một tôm hai lá, sao bằng chảo gang."
    )
    assert " ".join(re.findall(r"<mark>(.*?)</mark>", highlights["description"])) == (
        "chè chảo gang"
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (CatalogueFilters(ward_code=5818), {"Trà túi lọc La Bằng", "Bột trà xanh matcha La Bằng"}),
        (
            CatalogueFilters(enterprise_kind=Enterprise.Kind.HOUSEHOLD),
            {"Miến dong Na Rì", "Hồng không hạt Bằng Vân"},
        ),
        (CatalogueFilters(min_price=200_000), set()),
        (CatalogueFilters(in_stock=True, max_price=180_000), {name for name, *_ in PRODUCTS}),
    ],
    ids=["ward", "kind", "price", "stock"],
)
def test_filters_narrow_the_catalogue(catalogue, filters, expected):
    # when
    found = names_found("", 50, filters)
    # then
    assert set(found) == expected


def test_filters_by_category_enterprise_and_stars(catalogue):
    # given
    honey = catalogue["Mật ong rừng Võ Nhai"]
    certify(honey)
    index_products([honey.pk])
    refresh()
    # when
    in_category = names_found(
        "", 50, CatalogueFilters(category=Category.objects.get(slug="do-uong"))
    )
    of_enterprise = names_found("", 50, CatalogueFilters(enterprise=honey.enterprise))
    certified = names_found("", 50, CatalogueFilters(min_stars=4))
    # then
    assert len(in_category) == 6  # five teas and the rice wine, under the drinks' subcategories
    assert set(of_enterprise) == {"Mật ong rừng Võ Nhai", "Mật ong hoa bạc hà"}
    assert certified == ["Mật ong rừng Võ Nhai"]


def test_newest_first_pages_through_the_catalogue(catalogue):
    # given
    newest = [product.name for product in reversed(catalogue.values())]
    # when
    first = search("", CatalogueFilters(sort="newest"), page=1, page_size=5)
    second = search("", CatalogueFilters(sort="newest"), page=2, page_size=5)
    # then
    assert first.total == second.total == len(PRODUCTS)
    names = dict(Product.objects.values_list("pk", "name"))
    assert [names[pk] for pk in first.product_ids + second.product_ids] == newest[:10]


def test_suggestions_follow_folded_prefixes_of_product_and_enterprise_names(catalogue):
    # when
    by_product = {suggestion.name for suggestion in autocomplete("che tan cu")}
    by_enterprise = {suggestion.name for suggestion in autocomplete("mien dong ba l")}
    # then
    assert by_product == {
        "Chè móc câu Tân Cương đặc biệt",
        "Chè nõn tôm Tân Cương",
        "Chè đinh thượng hạng",  # by its enterprise, "HTX Chè Đồi Sương Tân Cương"
    }
    assert by_enterprise == {"Miến dong Na Rì"}


# --- keeping the index in step ---------------------------------------------------------------


def test_an_archived_product_leaves_the_index_when_updated(catalogue):
    # given
    honey = catalogue["Mật ong rừng Võ Nhai"]
    Product.objects.filter(pk=honey.pk).update(status=Product.Status.ARCHIVED)
    # when
    indexed = index_products([honey.pk])
    refresh()
    # then
    assert indexed == 0
    assert names_found("mat ong", 5) == ["Mật ong hoa bạc hà"]


def test_a_renamed_product_is_found_by_its_new_name_and_running_twice_changes_nothing(catalogue):
    # given
    honey = catalogue["Mật ong hoa bạc hà"]
    Product.objects.filter(pk=honey.pk).update(name="Mật ong hoa nhãn")
    # when
    first, second = index_products([honey.pk]), index_products([honey.pk])
    refresh()
    # then
    assert (first, second) == (1, 1)
    assert names_found("hoa nhan", 5) == ["Mật ong hoa nhãn"]
    assert names_found("bac ha", 5) == []


def test_deleted_products_leave_the_index(catalogue):
    # given
    rice = catalogue["Gạo Bao thai Định Hóa"]
    # when
    delete_products([rice.pk, 999_999])
    refresh()
    # then
    assert names_found("gao bao thai", 5) == []


def test_updates_before_the_first_rebuild_create_no_index():
    # given
    product = VariantFactory().product
    # when
    indexed = index_products([product.pk])
    # then
    assert indexed == 0
    assert client().indices.get(index=f"{index_alias()}*").body == {}


# --- rebuilding ------------------------------------------------------------------------------


def test_a_rebuild_moves_the_alias_to_a_new_index_and_deletes_the_old_one(catalogue):
    # given
    (before,) = indices_behind(index_alias())
    # when
    count = rebuild_index()
    # then
    (after,) = indices_behind(index_alias())
    assert count == len(PRODUCTS)
    assert after != before
    assert after.startswith(f"{index_alias()}-")
    assert not client().indices.exists(index=before)
    assert names_found("mat ong rung", 1) == ["Mật ong rừng Võ Nhai"]


def test_updates_during_a_rebuild_reach_the_index_being_filled(catalogue):
    # given: a rebuild has created its index
    filling = create_index(aliases=(building_alias(),))
    honey = catalogue["Mật ong rừng Võ Nhai"]
    # when
    index_products([honey.pk])
    # then
    assert client().get(index=filling, id=str(honey.pk))["_source"]["display_name"] == honey.name


def test_a_second_rebuild_waits_for_the_first(catalogue):
    # given
    (live,) = indices_behind(index_alias())
    filling = create_index(aliases=(building_alias(),))
    # when, then
    with pytest.raises(RebuildInProgress, match=filling):
        rebuild_index()
    assert indices_behind(index_alias()) == {live}


def test_a_failed_rebuild_leaves_the_live_index_alone(catalogue):
    # given
    (live,) = indices_behind(index_alias())

    def failing(count):
        raise RuntimeError("the disk is full")

    # when
    with pytest.raises(RuntimeError, match="disk"):
        rebuild_index(progress=failing)
    # then
    assert indices_behind(index_alias()) == {live}
    assert set(client().indices.get(index=f"{index_alias()}*").body) == {live}
    assert names_found("mat ong rung", 1) == ["Mật ong rừng Võ Nhai"]
