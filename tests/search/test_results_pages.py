"""The search page reads its results' ids and facet columns once, then each page's products:
the counts, the order of every page and the facets must be those of the whole result set."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from marketplace.search.facets import PRICE_BANDS, tally_facets
from marketplace.search.indexing import index_products
from marketplace.search.products import search_catalogue, search_products
from marketplace.selectors import CatalogueFilters
from marketplace.views import PAGE_SIZE
from tests.marketplace.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def test_price_bands_hold_their_lower_bound_and_not_their_upper():
    def band_of(price):
        return [band.key for band in PRICE_BANDS if band.holds(price)]

    assert band_of(99_999) == ["under_100k"]
    assert band_of(100_000) == ["100k_300k"]
    assert band_of(999_999) == ["300k_1m"]
    assert band_of(1_000_000) == ["over_1m"]
    assert band_of(None) == []


def test_facets_count_valid_badges_bands_and_category_ancestors():
    # given: rows as the search reads them (path, ward, stars, badge until, lowest price)
    today = timezone.localdate()
    expired = today - datetime.timedelta(days=1)
    rows = [
        ("00010001", 5503, 4, today, 180_000),
        ("00010001", 5503, 5, expired, 95_000),  # the badge ran out yesterday
        ("00010002", 5818, 3, today, 1_200_000),
        ("00020001", None, None, None, 300_000),
    ]
    # when
    facets = tally_facets(rows)
    # then
    assert facets["category"] == {"0001": 3, "00010001": 2, "00010002": 1, "0002": 1, "00020001": 1}
    assert facets["ocop_stars"] == {3: 1, 4: 1}
    assert facets["ward_code"] == {5503: 2, 5818: 1}
    assert facets["price"] == {"under_100k": 1, "100k_300k": 1, "300k_1m": 1, "over_1m": 1}


@pytest.fixture
def thirty_teas():
    """Thirty products named "Trà xanh", each with its own price and sales."""
    products = []
    for number in range(30):
        product = ProductFactory(name=f"Trà xanh Tân Cương số {number}", sold_count=number)
        VariantFactory(product=product, price_vnd=50_000 + 7_919 * ((number * 13) % 30))
        products.append(product)
    index_products([product.pk for product in products])
    return products


def listed(client, **params):
    response = client.get("/san-pham/", {"q": "tra xanh", **params})
    assert response.status_code == 200
    page = response.context["page_obj"]
    return page.paginator.count, [product.pk for product in page.object_list]


def test_pages_follow_each_other_in_relevance_order_without_gaps(client, thirty_teas):
    # when
    total, first = listed(client)
    _, second = listed(client, page=2)
    # then: the pages are the queryset's ranking cut in two
    assert total == 30
    assert (len(first), len(second)) == (PAGE_SIZE, 30 - PAGE_SIZE)
    assert first + second == list(search_products("tra xanh").values_list("pk", flat=True))


def test_a_sorted_search_pages_in_the_sort_order(client, thirty_teas):
    # when
    total, first = listed(client, sort="price_asc")
    _, second = listed(client, sort="price_asc", page=2)
    # then
    by_price = sorted(
        thirty_teas, key=lambda product: (product.variants.get().price_vnd, product.pk)
    )
    assert total == 30
    assert first + second == [product.pk for product in by_price]


def test_the_facets_are_those_of_every_result_not_of_the_page(thirty_teas):
    # when
    results = search_catalogue("tra xanh", CatalogueFilters(sort="relevance"))
    # then
    assert results.facets is not None
    assert sum(results.facets["price"].values()) == 30
    assert results.facets["ward_code"] == {5503: 30}


def test_a_filter_narrows_the_count_the_pages_and_the_facets(thirty_teas):
    # when: the cheaper teas only
    results = search_catalogue("tra xanh", CatalogueFilters(sort="relevance", max_price=99_999))
    # then
    cheap = [p for p in thirty_teas if p.variants.get().price_vnd < 100_000]
    assert results.products.count() == len(cheap) == results.facets["price"]["under_100k"]
    assert {product.pk for product in results.products} == {product.pk for product in cheap}


def test_a_repeated_search_reads_only_its_page(thirty_teas, django_assert_num_queries):
    # given: the ranked ids and facets are kept for a minute per query and filters
    filters = CatalogueFilters(sort="relevance")
    search_catalogue("tra xanh", filters)
    # when
    with django_assert_num_queries(1):  # the page's products
        results = search_catalogue("tra xanh", filters)
        page = results.products[:PAGE_SIZE]
    # then
    assert len(page) == PAGE_SIZE
    assert results.products.count() == 30
    assert sum(results.facets["price"].values()) == 30


def test_kept_results_never_show_a_product_withdrawn_since(thirty_teas):
    # given
    filters = CatalogueFilters(sort="relevance")
    first = search_catalogue("tra xanh", filters).products[:PAGE_SIZE]
    withdrawn = first[0]
    # when
    type(withdrawn).objects.filter(pk=withdrawn.pk).update(status="archived")
    # then
    page = search_catalogue("tra xanh", filters).products[:PAGE_SIZE]
    assert withdrawn.pk not in [product.pk for product in page]
    assert len(page) == PAGE_SIZE - 1


def test_results_are_kept_per_query_and_filters(thirty_teas):
    # when
    everything = search_catalogue("tra xanh", CatalogueFilters(sort="relevance"))
    cheap = search_catalogue("tra xanh", CatalogueFilters(sort="relevance", max_price=100_000))
    nothing = search_catalogue("mat ong", CatalogueFilters(sort="relevance"))
    # then
    assert everything.products.count() == 30
    assert 0 < cheap.products.count() < 30
    assert nothing.products.count() == 0
