import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from marketplace import services
from marketplace.exceptions import InvalidTransition, ReasonRequired
from marketplace.models import Category, Product, ProductEvent, ProductImage, Variant
from marketplace.selectors import CatalogueFilters, storefront_products
from tests.caches import clear_caches
from tests.marketplace.factories import EnterpriseFactory
from tests.traceability.factories import traced_batch
from traceability.links import site_url
from traceability.models import Certificate

pytestmark = pytest.mark.django_db

S = Product.Status
# The first view of a set of filters: the filter form's categories, the count and the page
# (the site and its footer settings are cached: cms/sites.py); then the form, the count and the
# card grid are kept (marketplace/page_cache.py, marketplace/views.py) and a view reads the page.
CATALOGUE_QUERIES_FIRST = 3
CATALOGUE_QUERIES = 1
IMAGE_RENDITIONS_QUERIES = 1  # the renditions of every image on the page, in one query
# The product and its variants (whose rows key the kept parts), and the related products;
# rendering the parts anew adds the gallery, the certificates and the published lots.
PRODUCT_PAGE_QUERIES = 3
PRODUCT_PAGE_QUERIES_FIRST = PRODUCT_PAGE_QUERIES + 3


def make_product(
    *, enterprise=None, status=S.PUBLISHED, price=180_000, stock=10, name="Chè Tân Cương"
):
    enterprise = enterprise or EnterpriseFactory()
    product = Product.objects.create(
        enterprise=enterprise,
        category=Category.objects.get(slug="che-thai-nguyen"),
        name=name,
        slug=f"p-{Product.objects.count() + 1}",
        origin_ward_code=5503,
        status=status,
        published_at=timezone.now() if status == S.PUBLISHED else None,
    )
    Variant.objects.create(
        product=product, name="Hộp 200g", sku=f"SKU-{product.pk}", price_vnd=price, stock=stock
    )
    services.refresh_product_summary(product_id=product.pk)
    product.refresh_from_db()
    return product


def ocop(product, *, stars=4, issued=None, expires=None, revoked=False):
    today = timezone.localdate()
    certificate = Certificate.objects.create(
        enterprise=product.enterprise,
        kind="ocop",
        number="QĐ 123",
        issuing_body="UBND tỉnh",
        issued_on=issued or today - datetime.timedelta(days=100),
        expires_on=expires or today + datetime.timedelta(days=900),
        star_level=stars,
        revoked_at=timezone.now() if revoked else None,
    )
    product.certificates.add(certificate)
    services.refresh_ocop_badges(product_ids=[product.pk])
    return certificate


@pytest.mark.parametrize(
    ("action", "start", "end"),
    [
        ("submit", S.DRAFT, S.PENDING_REVIEW),
        ("submit", S.REJECTED, S.PENDING_REVIEW),
        ("publish", S.PENDING_REVIEW, S.PUBLISHED),
        ("archive", S.PUBLISHED, S.ARCHIVED),
    ],
)
def test_allowed_product_transitions_write_an_event(action, start, end):
    product = make_product(status=start)
    function = {"submit": services.submit_product, "archive": services.archive_product}.get(action)
    if function is not None:
        result = function(product=product, actor=None)
    else:
        result = services.publish_product(product=product, officer=None)
    assert result.status == end
    assert list(ProductEvent.objects.values_list("from_status", "to_status")) == [(start, end)]


@pytest.mark.parametrize("start", [S.DRAFT, S.PUBLISHED, S.ARCHIVED, S.REJECTED])
def test_only_products_under_review_can_be_published(start):
    product = make_product(status=start)
    with pytest.raises(InvalidTransition):
        services.publish_product(product=product, officer=None)
    product.refresh_from_db()
    assert product.status == start
    assert not ProductEvent.objects.exists()


def test_rejecting_a_product_needs_a_reason():
    product = make_product(status=S.PENDING_REVIEW)
    with pytest.raises(ReasonRequired):
        services.reject_product(product=product, officer=None, reason="")
    assert (
        services.reject_product(product=product, officer=None, reason="Thiếu ảnh").status
        == S.REJECTED
    )


def test_a_price_change_keeps_a_published_product_published():
    product = make_product(price=180_000)
    Variant.objects.filter(product=product).update(price_vnd=150_000)
    services.refresh_product_summary(product_id=product.pk)
    product.refresh_from_db()
    assert (product.status, product.min_price_vnd) == (S.PUBLISHED, 150_000)


def test_storefront_shows_only_published_products_of_approved_enterprises():
    visible = make_product()
    make_product(status=S.PENDING_REVIEW)
    make_product(enterprise=EnterpriseFactory(status="suspended"))
    assert list(storefront_products()) == [visible]


def test_ocop_stars_show_only_while_a_valid_unrevoked_certificate_covers_the_product():
    today = timezone.localdate()
    valid = make_product(name="valid")
    ocop(valid, stars=4)
    ocop(valid, stars=3)
    expired = make_product(name="expired")
    ocop(
        expired,
        expires=today - datetime.timedelta(days=1),
        issued=today - datetime.timedelta(days=1100),
    )
    revoked = make_product(name="revoked")
    ocop(revoked, revoked=True)
    last_day = make_product(name="last day")
    ocop(last_day, stars=5, expires=today)
    stars = {p.name: p.ocop_stars for p in storefront_products()}
    assert stars == {"valid": 4, "expired": None, "revoked": None, "last day": 5}


def test_filters_by_stars_price_and_stock():
    four = make_product(name="four", price=200_000)
    ocop(four, stars=4)
    three = make_product(name="three", price=90_000)
    ocop(three, stars=3)
    make_product(name="empty", price=50_000, stock=0)
    names = lambda f: [p.name for p in storefront_products(f)]  # noqa: E731
    assert names(CatalogueFilters(min_stars=4)) == ["four"]
    assert sorted(names(CatalogueFilters(max_price=100_000))) == ["empty", "three"]
    assert sorted(names(CatalogueFilters(in_stock=True))) == ["four", "three"]
    assert names(CatalogueFilters(sort="price_asc")) == ["empty", "three", "four"]


def wagtail_image(title="Chè"):
    return get_image_model().objects.create(title=title, file=get_test_image_file())


@pytest.mark.parametrize("count", [1, 30])
def test_catalogue_page_costs_the_same_queries_whatever_the_size(client, count):
    # given
    image = wagtail_image()
    for index in range(count):
        product = make_product(name=f"Chè {index}")
        ocop(product)
        Product.objects.filter(pk=product.pk).update(main_image=image)
    client.get("/")  # the site's footer settings row exists from the first visit on
    client.get(reverse("marketplace:catalogue"))  # renditions are generated on first view
    clear_caches()  # nothing of the page kept (its grid may be the one just shown)
    client.get(reverse("marketplace:cart"))  # but the site and its settings known
    url, filters = reverse("marketplace:catalogue"), {"stars": "3", "sort": "price_asc"}
    # when
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(url, filters)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, filters)
    # then
    for response in (first, again):
        assert response.status_code == 200
        assert len(response.context["page_obj"].object_list) == min(count, 24)
        assert response.content.decode().count(".fill-400x400.") == min(count, 24)
    assert again.content == first.content
    assert len(first_queries) == CATALOGUE_QUERIES_FIRST + IMAGE_RENDITIONS_QUERIES, [
        q["sql"] for q in first_queries
    ]
    assert len(queries) == CATALOGUE_QUERIES, [q["sql"] for q in queries]


def test_product_page_shows_variants_stars_and_certificates(client, django_assert_num_queries):
    product = make_product()
    ocop(product, stars=4)
    client.get("/")
    url = reverse("marketplace:product", args=[product.slug])
    with django_assert_num_queries(PRODUCT_PAGE_QUERIES_FIRST):
        first = client.get(url)
    with django_assert_num_queries(PRODUCT_PAGE_QUERIES):
        again = client.get(url)
    for response in (first, again):
        html = response.content.decode()
        assert "Hộp 200g" in html
        assert "180.000\u00a0₫" in html
        assert "OCOP 4★" in html


def test_product_page_links_its_newest_published_lots_to_their_trace_pages(client):
    # given
    product = make_product()
    variant = product.variants.get()
    variant.gtin = "8934567890120"
    variant.save()
    today = timezone.localdate()
    for days_ago, lot in [(4, "TC-OLD"), (3, "TC-MID"), (2, "TC-NEW"), (1, "TC-NEWEST")]:
        traced_batch(
            variant=variant, lot=lot, production_date=today - datetime.timedelta(days=days_ago)
        )
    traced_batch(variant=variant, lot="TC-DRAFT", publish=False)
    # when
    html = client.get(reverse("marketplace:product", args=[product.slug])).content.decode()
    # then: the three newest published lots, newest first, each linked to its Digital Link
    assert html.index("TC-NEWEST") < html.index("TC-NEW,") < html.index("TC-MID")
    assert "TC-OLD" not in html
    assert "TC-DRAFT" not in html
    assert f'href="{site_url()}/01/08934567890120/10/TC-NEWEST"' in html


@pytest.mark.parametrize("gallery_size", [1, 6])
def test_product_page_with_a_gallery_and_related_products_costs_fixed_queries(
    client, django_assert_num_queries, gallery_size
):
    # given: a product with a gallery and four related products, all with images
    image = wagtail_image()
    product = make_product()
    for position in range(gallery_size):
        ProductImage.objects.create(product=product, image=image, sort_order=position)
    for index in range(5):
        related = make_product(name=f"Chè khác {index}", enterprise=product.enterprise)
        Product.objects.filter(pk=related.pk).update(main_image=image)
    url = reverse("marketplace:product", args=[product.slug])
    client.get(url)  # renditions are generated on first view
    clear_caches()  # so that the page's parts and the related products' grid are rendered anew
    client.get(reverse("marketplace:cart"))  # with the site and its settings known
    # when
    with django_assert_num_queries(PRODUCT_PAGE_QUERIES_FIRST + 2 * IMAGE_RENDITIONS_QUERIES):
        first = client.get(url)
    with django_assert_num_queries(PRODUCT_PAGE_QUERIES):
        again = client.get(url)
    # then
    for response in (first, again):
        html = response.content.decode()
        assert html.count(".fill-600x600.") == gallery_size
        assert html.count(".fill-400x400.") == 4


def test_unpublished_product_page_is_a_404(client):
    product = make_product(status=S.DRAFT)
    assert client.get(reverse("marketplace:product", args=[product.slug])).status_code == 404


@pytest.mark.parametrize(
    "query", ["?stars=abc", "?min_price=-5", "?category=nope", "?page=999", "?sort=drop"]
)
def test_bad_filter_values_give_a_normal_page(client, query):
    make_product()
    assert client.get(reverse("marketplace:catalogue") + query).status_code == 200


def test_default_categories_hold_the_six_ocop_groups_and_tea():
    assert sorted(Category.get_root_nodes().values_list("ocop_group", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    assert Category.objects.get(slug="che-thai-nguyen").get_parent().slug == "do-uong"


def test_an_expired_badge_leaves_the_storefront_before_any_refresh_runs():
    # given: a 5★ product whose badge was computed while its certificate was valid
    today = timezone.localdate()
    product = make_product(name="hết hạn hôm qua")
    ocop(product, stars=5, expires=today + datetime.timedelta(days=10))
    # when: the certificate's last day has passed, and no job has run since
    Product.objects.filter(pk=product.pk).update(
        ocop_badge_until=today - datetime.timedelta(days=1)
    )
    # then
    assert [p.ocop_stars for p in storefront_products()] == [None]
    assert list(storefront_products(CatalogueFilters(min_stars=3))) == []


def test_the_daily_refresh_falls_back_to_a_lower_certificate_still_valid():
    # given: 5★ until day 10, 3★ until day 400
    today = timezone.localdate()
    product = make_product()
    ocop(product, stars=5, expires=today + datetime.timedelta(days=10))
    ocop(product, stars=3, expires=today + datetime.timedelta(days=400))
    product.refresh_from_db()
    assert (product.ocop_badge_stars, product.ocop_badge_until) == (
        5,
        today + datetime.timedelta(days=10),
    )
    # when: the daily refresh runs on day 11
    services.refresh_ocop_badges(today=today + datetime.timedelta(days=11))
    # then
    product.refresh_from_db()
    assert (product.ocop_badge_stars, product.ocop_badge_until) == (
        3,
        today + datetime.timedelta(days=400),
    )


def test_refreshing_summaries_costs_three_queries_for_any_number_of_products(
    django_assert_num_queries,
):
    # given
    products = [make_product(name=f"Chè {index}", price=100_000 + index) for index in range(5)]
    Variant.objects.update(price_vnd=90_000, stock=3)
    # when: prices and stock, the valid OCOP links, the badge columns (none changed)
    with django_assert_num_queries(3):
        services.refresh_product_summaries(product_ids=[p.pk for p in products])
    # then
    assert set(Product.objects.values_list("min_price_vnd", "total_stock")) == {(90_000, 3)}


# --- The catalogue's count, kept a minute per set of filters -----------------------------------


def count_queries(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("marketplace:catalogue"), params)
    assert response.status_code == 200
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(")]
    return response.context["page_obj"], counts


def test_the_catalogue_counts_each_set_of_filters_once_a_minute(client):
    # given
    for index in range(3):
        ocop(make_product(name=f"Chè {index}"), stars=4 if index else 3)
    # when
    first, counted = count_queries(client, {"sort": "price_asc"})
    again, recounted = count_queries(client, {"sort": "newest"})  # another order, same rows
    four_stars, counted_apart = count_queries(client, {"stars": "4"})
    # then
    assert (first.paginator.count, len(counted)) == (3, 1)
    assert (again.paginator.count, recounted) == (3, [])
    assert (four_stars.paginator.count, len(counted_apart)) == (2, 1)


def test_a_kept_count_never_hides_a_new_product(client):
    # given: the catalogue counted while empty
    assert count_queries(client, {})[0].paginator.count == 0
    # when a product is published within the minute
    make_product(name="Chè mới")
    page, counted = count_queries(client, {})
    # then: it is listed, and the page that disagreed with the kept count counted again
    assert [product.name for product in page.object_list] == ["Chè mới"]
    assert (page.paginator.count, len(counted)) == (1, 1)


def test_a_kept_count_never_leaves_an_empty_last_page(client):
    # given: 25 products counted, then two withdrawn within the minute
    for index in range(25):
        make_product(name=f"Chè {index:02d}")
    assert count_queries(client, {"page": "2"})[0].paginator.count == 25
    Product.objects.filter(name__in=["Chè 00", "Chè 01"]).update(status=Product.Status.ARCHIVED)
    # when the old last page is asked for
    page, counted = count_queries(client, {"page": "2"})
    # then: the last page there is now, with the new count
    assert (page.number, page.paginator.count, len(counted)) == (1, 23, 1)
    assert len(page.object_list) == 23


def test_a_kept_count_finds_a_page_that_did_not_exist_when_counted(client):
    # given: 24 products counted (one page), then one more published
    for index in range(24):
        make_product(name=f"Chè {index:02d}")
    assert count_queries(client, {})[0].paginator.num_pages == 1
    make_product(name="Chè 24")
    # when
    page, _ = count_queries(client, {"page": "2"})
    # then
    assert (page.number, page.paginator.count) == (2, 25)
    assert len(page.object_list) == 1
