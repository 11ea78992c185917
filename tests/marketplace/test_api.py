"""The catalogue's read API: GET /api/v1/products/ and /api/v1/products/{slug}/."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext
from jsonschema import Draft202012Validator
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from marketplace.models import Category, Enterprise, Product, ProductImage
from tests.api_errors import api_error
from tests.marketplace.factories import (
    EnterpriseFactory,
    MembershipFactory,
    ProductFactory,
    VariantFactory,
    certify,
)
from tests.traceability.factories import traced_batch
from traceability.links import site_url
from traceability.models import Certificate

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/products/"
OPENAPI_URL = "/api/v1/openapi.json"
SITE = "http://testserver"
ENGLISH = {"accept-language": "en"}
LIST_QUERIES = 3  # count, page, the card images' renditions
SUBCATEGORIES_QUERY = 1  # its descendants' ids, when it has any ("do-uong" has)
# product, its image's renditions, variants, gallery, the gallery's renditions, certificates,
# the variants' published lots
DETAIL_QUERIES = 7
TAN_CUONG = 5503  # Xã Tân Cương
BA_XUYEN = 5533  # Phường Bá Xuyên


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def detail_url(product):
    return f"/api/v1/products/{product.slug}/"


def picture(title="Búp chè"):
    return get_image_model().objects.create(title=title, file=get_test_image_file())


def rendition_url(image, spec):
    return SITE + image.get_rendition(spec).url


def on_sale(*, price=180_000, stock=20, **fields):
    """A product on the storefront with one variant at `price`."""
    product = ProductFactory(**fields)
    VariantFactory(product=product, price_vnd=price, stock=stock)
    product.refresh_from_db()
    return product


def names(response):
    return [item["name"] for item in response.json()["results"]]


def in_vietnamese(message):
    with translation.override("vi"):
        return gettext(message)


@pytest.fixture
def catalogue():
    """Four products that each filter and sort tells apart; the tea of Tân Cương is the newest."""
    now = timezone.now()
    tan_cuong = on_sale(
        name="Chè Tân Cương",
        price=180_000,
        origin_ward_code=TAN_CUONG,
        enterprise=EnterpriseFactory(kind=Enterprise.Kind.COOPERATIVE),
        published_at=now,
        sold_count=40,
    )
    certify(tan_cuong, star_level=4)
    trai_cai = on_sale(
        name="Chè Trại Cài",
        price=350_000,
        stock=0,
        origin_ward_code=TAN_CUONG,
        enterprise=EnterpriseFactory(kind=Enterprise.Kind.COMPANY),
        published_at=now - datetime.timedelta(days=1),
        sold_count=10,
    )
    certify(trai_cai, star_level=5)
    honey = on_sale(
        name="Mật ong rừng",
        price=250_000,
        origin_ward_code=BA_XUYEN,
        category=Category.objects.get(slug="mat-ong"),
        enterprise=EnterpriseFactory(kind=Enterprise.Kind.HOUSEHOLD),
        published_at=now - datetime.timedelta(days=2),
        sold_count=90,
    )
    certify(honey, star_level=3)
    on_sale(
        name="Rượu ngô",
        price=90_000,
        origin_ward_code=BA_XUYEN,
        category=Category.objects.get(slug="ruou-truyen-thong"),
        enterprise=EnterpriseFactory(kind=Enterprise.Kind.COMPANY),
        published_at=now - datetime.timedelta(days=3),
        sold_count=0,
    )


def test_list_gives_each_product_with_its_enterprise_price_stars_image_and_origin(client):
    # given
    image = picture()
    product = on_sale(
        name="Chè Tân Cương đặc biệt",
        slug="che-tan-cuong-dac-biet",
        origin_ward_code=TAN_CUONG,
        main_image=image,
        enterprise=EnterpriseFactory(name="HTX Chè La Bằng", slug="htx-che-la-bang"),
    )
    certify(product, star_level=4)
    # when
    response = client.get(LIST_URL)
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "count": 1,
        "page": 1,
        "pages": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "name": "Chè Tân Cương đặc biệt",
                "slug": "che-tan-cuong-dac-biet",
                "url": f"{SITE}/san-pham/che-tan-cuong-dac-biet/",
                "enterprise": {
                    "name": "HTX Chè La Bằng",
                    "slug": "htx-che-la-bang",
                    "url": f"{SITE}/doanh-nghiep/htx-che-la-bang/",
                },
                "category": {"name": "Chè Thái Nguyên", "slug": "che-thai-nguyen"},
                "min_price_vnd": 180_000,
                "in_stock": True,
                "ocop_stars": 4,
                "image": rendition_url(image, "fill-400x400"),
                "origin_ward": {"code": TAN_CUONG, "name": "Xã Tân Cương"},
            }
        ],
    }
    assert [(r.width, r.height) for r in image.renditions.all()] == [(400, 400)]


def test_a_product_without_an_image_or_stock_says_so(client):
    # given
    on_sale(stock=0)
    # when
    item = client.get(LIST_URL).json()["results"][0]
    # then
    assert (item["image"], item["in_stock"], item["ocop_stars"]) == (None, False, None)


def test_ocop_stars_are_null_unless_a_valid_unrevoked_certificate_covers_the_product(client):
    # given
    today = timezone.localdate()
    certify(on_sale(name="valid"), star_level=4)
    certify(
        on_sale(name="expired"),
        issued_on=today - datetime.timedelta(days=1100),
        expires_on=today - datetime.timedelta(days=1),
    )
    certify(on_sale(name="revoked"), revoked_at=timezone.now())
    certify(on_sale(name="not yet issued"), issued_on=today + datetime.timedelta(days=1))
    certify(on_sale(name="VietGAP only"), kind=Certificate.Kind.VIETGAP, star_level=None)
    on_sale(name="none")
    # when
    response = client.get(LIST_URL)
    # then
    assert {item["name"]: item["ocop_stars"] for item in response.json()["results"]} == {
        "valid": 4,
        "expired": None,
        "revoked": None,
        "not yet issued": None,
        "VietGAP only": None,
        "none": None,
    }


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["Rượu ngô", "Chè Tân Cương", "Mật ong rừng", "Chè Trại Cài"]),
        # the name matches first, then a tea grown in the commune of Tân Cương
        ({"q": "tân cương"}, ["Chè Tân Cương", "Chè Trại Cài"]),
        ({"q": "mat ong"}, ["Mật ong rừng"]),
        ({"q": "  CHÈ TRẠI  "}, ["Chè Trại Cài"]),
        ({"category": "che-thai-nguyen"}, ["Chè Tân Cương", "Chè Trại Cài"]),
        ({"category": "do-uong"}, ["Rượu ngô", "Chè Tân Cương", "Chè Trại Cài"]),
        ({"stars": "4"}, ["Chè Tân Cương", "Chè Trại Cài"]),
        ({"stars": "5"}, ["Chè Trại Cài"]),
        ({"ward": str(BA_XUYEN)}, ["Rượu ngô", "Mật ong rừng"]),
        ({"kind": "company"}, ["Rượu ngô", "Chè Trại Cài"]),
        ({"kind": "household"}, ["Mật ong rừng"]),
        ({"min_price": "250000"}, ["Mật ong rừng", "Chè Trại Cài"]),
        ({"max_price": "180000"}, ["Rượu ngô", "Chè Tân Cương"]),
        ({"in_stock": "true"}, ["Rượu ngô", "Chè Tân Cương", "Mật ong rừng"]),
        ({"in_stock": "false"}, ["Rượu ngô", "Chè Tân Cương", "Mật ong rừng", "Chè Trại Cài"]),
        ({"category": "do-uong", "stars": "3", "in_stock": "1"}, ["Chè Tân Cương"]),
    ],
)
def test_each_filter_narrows_the_list_as_on_the_storefront(client, filters, expected):
    # when
    response = client.get(LIST_URL, {**filters, "sort": "price_asc"})
    # then
    assert response.status_code == 200
    assert names(response) == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (None, ["Chè Tân Cương", "Chè Trại Cài", "Mật ong rừng", "Rượu ngô"]),
        ("newest", ["Chè Tân Cương", "Chè Trại Cài", "Mật ong rừng", "Rượu ngô"]),
        ("price_asc", ["Rượu ngô", "Chè Tân Cương", "Mật ong rừng", "Chè Trại Cài"]),
        ("price_desc", ["Chè Trại Cài", "Mật ong rừng", "Chè Tân Cương", "Rượu ngô"]),
        ("best_selling", ["Mật ong rừng", "Chè Tân Cương", "Chè Trại Cài", "Rượu ngô"]),
    ],
)
def test_sort_orders(client, sort, expected):
    # when
    response = client.get(LIST_URL, {"sort": sort} if sort else {})
    # then
    assert names(response) == expected


def test_pages_hold_24_products_and_link_to_their_neighbours_with_the_same_filters(client):
    # given
    for index in range(30):
        on_sale(name=f"Chè {index:02d}", price=100_000 + index)
    # when
    first = client.get(LIST_URL, {"sort": "price_asc", "in_stock": "true"}).json()
    second = client.get(first["next"]).json()
    # then
    assert {key: first[key] for key in ("count", "page", "pages", "previous")} == {
        "count": 30,
        "page": 1,
        "pages": 2,
        "previous": None,
    }
    assert first["next"] == f"{SITE}{LIST_URL}?sort=price_asc&in_stock=true&page=2"
    assert [item["name"] for item in first["results"]] == [f"Chè {i:02d}" for i in range(24)]
    assert {key: second[key] for key in ("count", "page", "pages", "next")} == {
        "count": 30,
        "page": 2,
        "pages": 2,
        "next": None,
    }
    assert second["previous"] == f"{SITE}{LIST_URL}?sort=price_asc&in_stock=true&page=1"
    assert [item["name"] for item in second["results"]] == [f"Chè {i:02d}" for i in range(24, 30)]


@pytest.mark.parametrize("page", ["2", str(10**30)])
def test_a_page_past_the_last_is_a_404(client, page):
    # given
    on_sale()
    # when
    response = client.get(LIST_URL, {"page": page}, headers=ENGLISH)
    # then
    assert response.status_code == 404
    assert response.json() == api_error(
        "not_found", f"There is no page {page}: the last page is 1."
    )


def test_an_empty_catalogue_is_one_empty_page(client):
    # when
    response = client.get(LIST_URL)
    # then
    assert response.status_code == 200
    assert response.json() == {
        "count": 0,
        "page": 1,
        "pages": 1,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_bad_filter_values_are_a_400_in_vietnamese_by_default(client):
    # given
    on_sale()
    # when
    response = client.get(LIST_URL, {"stars": "9", "min_price": "-5"})
    # then
    assert response.status_code == 400
    assert response["Content-Language"] == "vi"
    assert response.json() == api_error(
        "invalid",
        in_vietnamese("Some values are not valid."),
        {
            "stars": [
                "Hãy chọn một lựa chọn hợp lệ. 9 không phải là một trong các lựa chọn khả thi."
            ],
            "min_price": ["Hãy nhập một giá trị lớn hơn hoặc bằng 0."],
        },
    )


def test_bad_filter_values_are_a_400_in_english_when_the_client_asks_for_it(client):
    # given
    on_sale()
    # when
    response = client.get(
        LIST_URL,
        {"stars": "9", "min_price": "-5", "category": "nope", "sort": "drop", "page": "0"},
        headers={"accept-language": "en-GB,en;q=0.9,vi;q=0.5"},
    )
    # then
    assert response.status_code == 400
    assert response["Content-Language"] == "en"
    assert response.json() == api_error(
        "invalid",
        "Some values are not valid.",
        {
            "category": ["Select a valid choice. That choice is not one of the available choices."],
            "stars": ["Select a valid choice. 9 is not one of the available choices."],
            "min_price": ["Ensure this value is greater than or equal to 0."],
            "sort": ["Select a valid choice. drop is not one of the available choices."],
            "page": ["Ensure this value is greater than or equal to 1."],
        },
    )


def test_storefront_links_lead_to_the_pages_in_the_clients_language(client):
    # given
    on_sale(slug="che-bup", enterprise=EnterpriseFactory(slug="htx-tan-cuong"))
    # when
    item = client.get(LIST_URL, headers=ENGLISH).json()["results"][0]
    # then
    assert (item["url"], item["enterprise"]["url"]) == (
        f"{SITE}/en/san-pham/che-bup/",
        f"{SITE}/en/doanh-nghiep/htx-tan-cuong/",
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"stars": "9"}, "stars"),
        ({"stars": "abc"}, "stars"),
        ({"ward": "abc"}, "ward"),
        ({"ward": str(10**30)}, "ward"),
        ({"kind": "bank"}, "kind"),
        ({"min_price": "1e9"}, "min_price"),
        ({"min_price": "9" * 5000}, "min_price"),
        ({"category": "\x00"}, "category"),
        ({"category": "a" * 500}, "category"),
    ],
)
def test_odd_values_are_refused_in_json_and_change_nothing(client, params, field):
    # given
    on_sale()
    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, params)
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert all(query["sql"].startswith("SELECT") for query in queries)


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"min_price": str(10**30)}, 0),
        ({"max_price": str(10**30)}, 1),
        ({"q": "Chè Tân Cương 🍵 ñ 茶"}, 0),
        ({"q": "'; DROP TABLE marketplace_product; --"}, 0),
        # a search box always answers: overlong text is cut, control characters are spaces
        ({"q": "x" * 2001}, 0),
        ({"q": "\x00"}, 1),
        ({"in_stock": "maybe"}, 1),
        ({"unknown": "ignored"}, 1),
    ],
)
def test_odd_values_that_still_make_sense_are_answered(client, params, count):
    # given
    on_sale()
    # when
    response = client.get(LIST_URL, params)
    # then
    assert response.status_code == 200
    assert response.json()["count"] == count


def test_detail_gives_variants_gallery_valid_certificates_and_the_enterprises_kind(client):
    # given
    today = timezone.localdate()
    main, gallery = picture("Hộp chè"), picture("Đồi chè")
    product = ProductFactory(
        name="Chè Tân Cương đặc biệt",
        slug="che-tan-cuong-dac-biet",
        description='<p>Chè <b>búp</b> hái tay.</p><p><a href="https://example.vn">Xem</a></p>',
        origin_ward_code=TAN_CUONG,
        main_image=main,
        enterprise=EnterpriseFactory(
            name="HTX Chè La Bằng", slug="htx-che-la-bang", kind=Enterprise.Kind.COOPERATIVE
        ),
    )
    small = VariantFactory(
        product=product,
        name="Hộp 200g",
        sku="TN-200",
        price_vnd=150_000,
        stock=5,
        weight_g=200,
        sort_order=0,
    )
    boxed = VariantFactory(
        product=product,
        name="Hộp 500g",
        sku="TN-500",
        price_vnd=320_000,
        stock=0,
        weight_g=500,
        gtin="8934567890120",
        sort_order=1,
    )
    VariantFactory(product=product, name="Ngừng bán", sku="TN-OLD", is_active=False)
    lot = traced_batch(variant=boxed, lot="TC2026-A1")
    traced_batch(variant=boxed, lot="TC2026-NHAP", publish=False)
    ProductImage.objects.create(product=product, image=gallery, alt_text="Đồi chè Tân Cương")
    ocop = certify(
        product,
        number="12/QĐ-UBND",
        star_level=4,
        issued_on=today - datetime.timedelta(days=100),
        expires_on=today + datetime.timedelta(days=900),
    )
    vietgap = certify(
        product,
        kind=Certificate.Kind.VIETGAP,
        number="VG-0042",
        issuing_body="Trung tâm Chứng nhận VietGAP",
        star_level=None,
        issued_on=today - datetime.timedelta(days=10),
        expires_on=today + datetime.timedelta(days=10),
    )
    certify(product, number="old", expires_on=today - datetime.timedelta(days=1))
    certify(product, number="revoked", revoked_at=timezone.now())
    # when
    response = client.get(detail_url(product))
    # then
    assert response.status_code == 200
    assert response.json() == {
        "name": "Chè Tân Cương đặc biệt",
        "slug": "che-tan-cuong-dac-biet",
        "url": f"{SITE}/san-pham/che-tan-cuong-dac-biet/",
        "enterprise": {
            "name": "HTX Chè La Bằng",
            "slug": "htx-che-la-bang",
            "url": f"{SITE}/doanh-nghiep/htx-che-la-bang/",
            "kind": "cooperative",
        },
        "category": {"name": "Chè Thái Nguyên", "slug": "che-thai-nguyen"},
        "min_price_vnd": 150_000,
        "in_stock": True,
        "ocop_stars": 4,
        "image": rendition_url(main, "fill-400x400"),
        "origin_ward": {"code": TAN_CUONG, "name": "Xã Tân Cương"},
        "description": (
            '<p>Chè <b>búp</b> hái tay.</p><p><a href="https://example.vn">Xem</a></p>'
        ),
        "variants": [
            {
                "id": small.pk,
                "name": "Hộp 200g",
                "sku": "TN-200",
                "price_vnd": 150_000,
                "stock": 5,
                "weight_g": 200,
                "gtin": None,
                "batches": [],
            },
            {
                "id": boxed.pk,
                "name": "Hộp 500g",
                "sku": "TN-500",
                "price_vnd": 320_000,
                "stock": 0,
                "weight_g": 500,
                "gtin": "8934567890120",
                "batches": [
                    {
                        "lot": "TC2026-A1",
                        "production_date": lot.production_date.isoformat(),
                        "expiry_date": lot.expiry_date.isoformat(),
                        "trace_url": f"{site_url()}/01/08934567890120/10/TC2026-A1",
                    }
                ],
            },
        ],
        "images": [
            {"url": rendition_url(gallery, "fill-600x600"), "alt_text": "Đồi chè Tân Cương"}
        ],
        "certificates": [
            {
                "kind": "ocop",
                "number": "12/QĐ-UBND",
                "issuing_body": "UBND tỉnh Thái Nguyên",
                "issued_on": ocop.issued_on.isoformat(),
                "expires_on": ocop.expires_on.isoformat(),
                "star_level": 4,
            },
            {
                "kind": "vietgap",
                "number": "VG-0042",
                "issuing_body": "Trung tâm Chứng nhận VietGAP",
                "issued_on": vietgap.issued_on.isoformat(),
                "expires_on": vietgap.expires_on.isoformat(),
                "star_level": None,
            },
        ],
    }


@pytest.mark.parametrize(
    ("product_status", "enterprise_status"),
    [
        (Product.Status.DRAFT, Enterprise.Status.APPROVED),
        (Product.Status.PENDING_REVIEW, Enterprise.Status.APPROVED),
        (Product.Status.REJECTED, Enterprise.Status.APPROVED),
        (Product.Status.ARCHIVED, Enterprise.Status.APPROVED),
        (Product.Status.PUBLISHED, Enterprise.Status.PENDING),
        (Product.Status.PUBLISHED, Enterprise.Status.SUSPENDED),
        (Product.Status.PUBLISHED, Enterprise.Status.REJECTED),
    ],
)
def test_a_product_not_on_sale_is_a_404_and_not_listed(client, product_status, enterprise_status):
    # given
    product = on_sale(status=product_status, enterprise=EnterpriseFactory(status=enterprise_status))
    # when
    detail = client.get(detail_url(product), headers=ENGLISH)
    listed = client.get(LIST_URL).json()
    # then
    assert detail.status_code == 404
    assert detail.json() == api_error("not_found", "Nothing was found at this address.")
    assert (listed["count"], listed["results"]) == (0, [])


def test_an_unknown_product_looks_exactly_like_one_not_on_sale(client):
    # given
    draft = on_sale(status=Product.Status.DRAFT)
    # when
    hidden = client.get(detail_url(draft))
    missing = client.get("/api/v1/products/khong-co/")
    # then
    assert (hidden.status_code, hidden.content) == (missing.status_code, missing.content)


def test_an_enterprise_member_guessing_another_enterprises_product_gets_a_404(client):
    # given: a member of one enterprise, signed in, and another enterprise's draft
    member = MembershipFactory().user
    draft = on_sale(name="Chè chưa duyệt", status=Product.Status.DRAFT)
    client.force_login(member)
    # when
    response = client.get(detail_url(draft))
    # then
    assert response.status_code == 404
    assert "Chè chưa duyệt" not in response.content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_a_list_page_costs_the_same_queries_whatever_the_catalogue_size(
    client, django_assert_num_queries, size
):
    # given: products with their own images and valid OCOP certificates
    for index in range(size):
        certify(on_sale(name=f"Chè {index}", main_image=picture(f"Chè {index}")), star_level=4)
    params = {"category": "do-uong", "stars": "3", "in_stock": "true", "sort": "price_asc"}
    client.get(LIST_URL, params)  # renditions are made on first view
    # when
    # the category named is found in the category tree kept since the first view (it cost a
    # query before: marketplace/forms.CategoryField)
    with django_assert_num_queries(LIST_QUERIES + SUBCATEGORIES_QUERY):
        response = client.get(LIST_URL, params)
    # then
    results = response.json()["results"]
    assert len(results) == min(size, 24)
    assert all(item["image"].endswith(".fill-400x400.png") for item in results)


def test_a_list_page_without_a_category_filter_costs_one_query_less(
    client, django_assert_num_queries
):
    # given
    on_sale(main_image=picture())
    client.get(LIST_URL)
    # when / then
    with django_assert_num_queries(LIST_QUERIES):
        client.get(LIST_URL)


@pytest.mark.parametrize("gallery_size", [1, 6])
def test_a_product_costs_the_same_queries_whatever_its_gallery(
    client, django_assert_num_queries, gallery_size
):
    # given
    product = on_sale(main_image=picture())
    certify(product)
    for position in range(gallery_size):
        ProductImage.objects.create(product=product, image=picture(), sort_order=position)
    client.get(detail_url(product))  # renditions are made on first view
    # when
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(detail_url(product))
    # then
    assert len(response.json()["images"]) == gallery_size


def test_a_product_whose_image_file_is_lost_is_listed_without_an_image(client):
    # given
    image = picture()
    on_sale(main_image=image)
    image.file.delete(save=False)
    # when
    response = client.get(LIST_URL)
    # then
    assert response.status_code == 200
    assert response.json()["results"][0]["image"] is None


def test_the_openapi_document_describes_the_endpoints_and_their_filters(client):
    # when
    response = client.get(OPENAPI_URL)
    # then
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"] == "3.1.0"
    assert (document["info"]["title"], document["info"]["version"]) == (
        "Sàn OCOP Thái Nguyên API",
        "1",
    )
    assert set(document["paths"]) == {
        "/api/v1/products/",
        "/api/v1/search/suggestions/",
        "/api/v1/epcis/events",
        "/api/v1/products/{slug}/",
        "/api/v1/cart/",
        "/api/v1/cart/lines/",
        "/api/v1/cart/lines/{line_id}/",
        "/api/v1/checkout/",
        "/api/v1/orders/{code}/",
        "/api/v1/insights/summary/",
        "/api/v1/insights/series/",
        "/api/v1/insights/communes/",
        "/api/v1/insights/groups/",
        "/api/v1/insights/open/",
    }
    listing = document["paths"]["/api/v1/products/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in listing["parameters"]}
    assert list(parameters) == [
        "q",
        "category",
        "stars",
        "ward",
        "kind",
        "min_price",
        "max_price",
        "in_stock",
        "sort",
        "page",
    ]
    assert parameters["stars"]["schema"] == {"type": "integer", "enum": [3, 4, 5]}
    assert parameters["sort"]["schema"] == {
        "type": "string",
        "enum": ["relevance", "newest", "best_selling", "price_asc", "price_desc"],
    }
    assert parameters["page"]["schema"] == {"type": "integer", "minimum": 1}
    assert set(listing["responses"]) == {"200", "400", "404"}
    detail = document["paths"]["/api/v1/products/{slug}/"]["get"]
    assert [(p["name"], p["in"]) for p in detail["parameters"]] == [("slug", "path")]
    assert set(detail["responses"]) == {"200", "404"}
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize(
    ("path", "params", "schema"),
    [
        (LIST_URL, {}, "ProductPage"),
        ("/api/v1/products/che-tan-cuong/", {}, "ProductDetailOut"),
        (LIST_URL, {"stars": "9"}, "InvalidInput"),
        (LIST_URL, {"page": "2"}, "Error"),
        ("/api/v1/products/khong-co/", {}, "Error"),
    ],
)
def test_answers_match_the_schemas_the_openapi_document_gives(client, path, params, schema):
    # given
    product = on_sale(slug="che-tan-cuong", main_image=picture())
    certify(product)
    ProductImage.objects.create(product=product, image=picture())
    components = client.get(OPENAPI_URL).json()["components"]
    validator = Draft202012Validator(
        {"$ref": f"#/components/schemas/{schema}", "components": components}
    )
    # when
    response = client.get(path, params)
    # then
    assert list(validator.iter_errors(response.json())) == []


def test_the_interactive_docs_load_swagger_ui_from_the_site_not_a_cdn(client):
    # when
    page = client.get("/api/v1/docs")
    script = client.get("/static/ninja/swagger-ui-bundle.js")
    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in html
    assert "cdn" not in html
    assert script.status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/khong-co/", "/api/v1/products/a/b/"])
def test_an_unknown_api_address_is_a_json_404(client, path):
    # when
    response = client.get(path, headers=ENGLISH)
    # then
    assert response.status_code == 404
    assert response.json() == api_error("not_found", "Nothing was found at this address.")


def test_an_address_without_its_final_slash_is_redirected_to_it(client):
    # when
    response = client.get("/api/v1/products", {"stars": "4"})
    # then
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/products/?stars=4"
