import csv
import io
import re

import pytest
from defusedxml import ElementTree as ET
from django.core.management import call_command
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from cms import feeds
from cms.sitemaps import SITEMAPS
from cms.tasks import regenerate_product_feeds
from tests.cms.helpers import content_page, json_ld, of_type
from tests.marketplace.factories import EnterpriseFactory, VariantFactory
from tests.traceability.factories import GTIN, traced_batch

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
G = "{http://base.google.com/ns/1.0}"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _with_image(product):
    product.main_image = get_image_model().objects.create(
        title=product.name, file=get_test_image_file()
    )
    product.save()
    return product


def test_product_page_json_ld_offers_in_vnd_with_availability(client):
    # given
    product = _with_image(VariantFactory(price_vnd=185_000, stock=3, gtin=GTIN).product)
    VariantFactory(product=product, name="Hộp 500g", sku="TN-500", price_vnd=420_000, stock=0)
    # when
    html = client.get(f"/san-pham/{product.slug}/").content.decode()
    # then
    items = json_ld(html)
    data = of_type(items, "Product")
    assert data["name"] == product.name
    assert data["brand"]["name"] == product.enterprise.name
    assert data["image"][0].startswith("http://testserver/")
    offers = sorted(data["offers"], key=lambda offer: int(offer["price"]))
    assert [(o["price"], o["priceCurrency"], o["availability"]) for o in offers] == [
        ("185000", "VND", "https://schema.org/InStock"),
        ("420000", "VND", "https://schema.org/OutOfStock"),
    ]
    assert offers[0]["gtin14"] == GTIN
    crumbs = of_type(items, "BreadcrumbList")["itemListElement"]
    assert [crumb["position"] for crumb in crumbs] == [1, 2, 3, 4]
    assert crumbs[-1]["item"] == f"http://testserver/san-pham/{product.slug}/"
    # the same trail is shown above the product
    shown = re.search(r'<nav class="breadcrumbs"[^>]*>(.*?)</nav>', html, re.S).group(1)
    assert re.findall(r"<li>(?:<a [^>]*>|<span [^>]*>)([^<]+)", shown) == [
        crumb["name"] for crumb in crumbs
    ]
    assert f'<span aria-current="page">{product.name}</span>' in shown
    assert f'<link rel="canonical" href="http://testserver/san-pham/{product.slug}/">' in html
    assert '<meta property="og:type" content="product">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert '<meta property="og:image" content="http://testserver/' in html


def test_enterprise_page_organization(client):
    enterprise = EnterpriseFactory(street="Xóm Nhà Thờ")
    html = client.get(f"/doanh-nghiep/{enterprise.slug}/").content.decode()
    data = of_type(json_ld(html), "Organization")
    assert data["name"] == enterprise.name
    assert data["taxID"] == enterprise.tax_code
    assert data["address"]["addressCountry"] == "VN"
    assert data["url"] == f"http://testserver/doanh-nghiep/{enterprise.slug}/"
    assert f'<span aria-current="page">{enterprise.name}</span>' in html


def test_titles_and_descriptions_differ_between_pages(client):
    first = VariantFactory().product
    second = VariantFactory().product
    pages = [f"/san-pham/{first.slug}/", f"/san-pham/{second.slug}/", "/", content_page().url]
    heads = [client.get(url).content.decode().split("</head>")[0] for url in pages]
    titles = {head.split("<title>")[1].split("</title>")[0] for head in heads}
    descriptions = {head.split('name="description" content="')[1].split('"')[0] for head in heads}
    assert len(titles) == len(descriptions) == len(pages)


def test_sitemap_index_and_sections_list_published_objects_only(client):
    # given
    shown = VariantFactory().product
    hidden = VariantFactory(product__status="draft").product
    pending = EnterpriseFactory(status="pending")
    page = content_page()
    # when
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    listed = []
    for url in sections:
        response = client.get(url.removeprefix("http://testserver"))
        assert response.status_code == 200
        listed += [loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]
    # then
    assert sections == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-products.xml",
        "http://testserver/sitemap-enterprises.xml",
    ]
    assert f"http://testserver/san-pham/{shown.slug}/" in listed
    assert f"http://testserver/en/san-pham/{shown.slug}/" in listed
    assert f"http://testserver/doanh-nghiep/{shown.enterprise.slug}/" in listed
    assert page.full_url in listed  # Wagtail's pages carry their site's own address
    assert not [url for url in listed if hidden.slug in url or pending.slug in url]


def test_sitemap_splits_large_sections(client, monkeypatch):
    monkeypatch.setattr(SITEMAPS["products"], "limit", 2)
    for _ in range(5):
        VariantFactory()
    index = ET.fromstring(client.get("/sitemap.xml").content)
    product_pages = [loc.text for loc in index.iter(f"{SITEMAP}loc") if "products" in loc.text]
    assert len(product_pages) == 5  # five products in two languages, two addresses a file
    assert client.get("/sitemap-products.xml?p=5").status_code == 200
    assert client.get("/sitemap-products.xml?p=6").status_code == 404


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    text = response.content.decode()
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_feed_items_are_published_in_stock_variants_with_prices_and_trace_links():
    # given
    batch = traced_batch()  # a published product with a variant carrying a published lot
    traced = batch.variant
    plain = VariantFactory(price_vnd=95_000, stock=4)
    VariantFactory(stock=0)  # out of stock
    VariantFactory(product__status="draft")  # not published
    VariantFactory(is_active=False)  # withdrawn pack
    VariantFactory(product__enterprise__status="suspended")
    # when
    items = {item.id: item for item in feeds.feed_items(base_url="https://ocop.example.vn")}
    # then
    assert set(items) == {traced.sku, plain.sku}
    assert items[plain.sku].price == "95000 VND"
    assert items[plain.sku].availability == "in_stock"
    assert items[plain.sku].link == f"https://ocop.example.vn/san-pham/{plain.product.slug}/"
    assert items[plain.sku].trace_url == ""
    assert items[traced.sku].trace_url.endswith(f"/01/{traced.gtin.zfill(14)}/10/{batch.lot}")


def test_feed_task_writes_xml_and_csv_that_are_served(client):
    # given
    variant = VariantFactory(price_vnd=120_000)
    _with_image(variant.product)
    # when
    count = regenerate_product_feeds.enqueue().return_value
    xml_response = client.get("/feeds/products.xml")
    csv_response = client.get("/feeds/products.csv")
    # then
    assert count == 1
    root = ET.fromstring(b"".join(xml_response.streaming_content))
    (item,) = root.iter("item")
    assert item.find(f"{G}id").text == variant.sku
    assert item.find(f"{G}price").text == "120000 VND"
    assert item.find(f"{G}image_link").text.startswith("http")
    rows = list(
        csv.DictReader(io.StringIO(b"".join(csv_response.streaming_content).decode("utf-8-sig")))
    )
    assert [(row["id"], row["price"], row["availability"]) for row in rows] == [
        (variant.sku, "120000 VND", "in_stock")
    ]


def test_missing_feed_is_built_on_first_request(client):
    VariantFactory()
    response = client.get("/feeds/products.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_command_rebuilds_the_feeds(capsys, settings):
    VariantFactory(stock=2)
    call_command("regenerate_product_feeds")
    assert "SUCCESSFUL" in capsys.readouterr().out
    stored = (settings.MEDIA_ROOT / "feeds" / "products.csv").read_text(encoding="utf-8-sig")
    assert len(stored.strip().splitlines()) == 2  # header and the one variant


def test_trace_page_has_its_own_description(client):
    batch = traced_batch()
    response = client.get(f"/01/{GTIN}/10/{batch.lot}", HTTP_ACCEPT="text/html")
    html = response.content.decode()
    assert response.status_code == 200
    description = html.split('<meta name="description" content="')[1].split('"')[0]
    assert batch.lot in description
    assert batch.variant.product.name in description
