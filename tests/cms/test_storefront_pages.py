import datetime

import pytest
from django.utils import timezone
from wagtail.models import Site

from cms.models import OperatorSettings
from tests.cms.helpers import campaign, content_page, home, image, json_ld, news, of_type, story
from tests.marketplace.factories import EnterpriseFactory, VariantFactory, certify

pytestmark = pytest.mark.django_db

# Every page served by Wagtail also looks up the active language's locale (routing, with
# i18n on) and the page's translations (the language switcher): LANGUAGE = 2.
LANGUAGE = 2
# The site (with its root page) and its footer settings come from the cache once a page has
# been shown (cms/sites.py): each page below cost 3 queries more before.
# Wagtail's routing to the home page: page, aliases (2); then the hero's image, two
# featured-by-rule blocks (their cards' rows; their images' renditions are read only when a
# block's card grid is rendered anew), the news teaser (view restrictions, articles), and the
# campaigns running now (their banners' renditions when there are any).
HOME_QUERIES = 8 + LANGUAGE
# routing (two page levels below the root, aliases, view restrictions: 4), breadcrumbs, view
# restrictions, count, articles, their renditions
NEWS_INDEX_QUERIES = 9 + LANGUAGE
# routing (4), breadcrumbs, main image, tags, the index for the tag links
NEWS_PAGE_QUERIES = 8 + LANGUAGE


def _products(n, **fields):
    return [VariantFactory(**fields).product for _ in range(n)]


def _build_home(*, picked=()):
    page = home()
    page.body = [
        (
            "hero",
            {
                "heading": "Chè Thái, quà quê chính gốc",
                "text": "Mua tận gốc, quét mã biết nguồn.",
                "image": image(),
                "image_alt": "Đồi chè Tân Cương buổi sáng",
                "cta_label": "Xem sản phẩm",
                "cta_url": "/san-pham/",
            },
        ),
        ("featured_products", {"heading": "Mới lên sàn", "rule": "newest", "count": 4}),
        ("featured_products", {"heading": "OCOP 5 sao", "rule": "ocop5", "count": 4}),
        ("news_teaser", {"heading": "Tin mới", "count": 3}),
        (
            "scan_to_trace",
            {"heading": "Quét mã QR", "text": "<p>Trên mỗi gói chè.</p>", "steps": ["Mở camera"]},
        ),
    ]
    page.save_revision().publish()
    return page


def test_home_page_renders_its_blocks_and_rules(client):
    # given
    products = _products(6)
    certify(products[0], star_level=5)
    news(1)
    _build_home()
    # when
    html = client.get("/").content.decode()
    # then
    assert "<h1>Chè Thái, quà quê chính gốc</h1>" in html
    assert 'alt="Đồi chè Tân Cương buổi sáng"' in html
    assert "image/webp" in html  # responsive picture with a WebP source
    assert html.count('class="card"') == 4 + 1 + 1  # newest four, the one 5★, one article
    assert products[0].name in html
    assert "Festival Trà Thái Nguyên lần thứ 1" in html
    assert "<li>Mở camera</li>" in html
    website = of_type(json_ld(html), "WebSite")
    assert website["potentialAction"]["target"].endswith("/san-pham/?q={search_term_string}")


def test_home_page_query_count_does_not_grow_with_products(client, django_assert_num_queries):
    # given
    _products(3)
    news(1)
    _build_home()
    client.get("/")  # renditions are made on the first view
    _products(10)
    news(2)
    # then
    with django_assert_num_queries(HOME_QUERIES):
        assert client.get("/").status_code == 200


def test_home_page_reads_its_cards_images_only_when_their_grid_is_new(
    client, django_assert_num_queries
):
    # given: featured products with a picture
    picture = image()
    for product in _products(5):
        product.main_image = picture
        product.save()
    news(1)
    _build_home()
    first = client.get("/")  # the cards' renditions are made and their grids kept
    # then
    with django_assert_num_queries(HOME_QUERIES):
        again = client.get("/")
    assert again.content.decode().count(".fill-400x400.") == 4  # the newest four (none 5★)
    assert again.content == first.content


def test_picked_products_keep_the_editor_order_and_skip_unpublished(client):
    # given
    first, second, hidden = _products(3)
    hidden.status = "draft"
    hidden.save()
    page = home()
    page.body = [
        (
            "featured_products",
            {"heading": "Chọn lọc", "rule": "picked", "products": [second, hidden, first]},
        )
    ]
    page.save_revision().publish()
    # when
    html = client.get("/").content.decode()
    # then
    assert html.index(second.name) < html.index(first.name)
    assert hidden.name not in html


def test_running_campaign_shows_its_collection(client):
    # given
    products = _products(2)
    page = campaign(products=products)
    # when
    response = client.get(page.url)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert all(product.name in html for product in products)
    trail = of_type(json_ld(html), "BreadcrumbList")["itemListElement"]
    assert [item["name"] for item in trail] == [home().title, page.title]


def test_campaign_unlists_itself_after_its_end(client):
    # given
    page = campaign(products=_products(1))
    settings = OperatorSettings.for_site(Site.objects.get(is_default_site=True))
    settings.main_menu = [("link", {"label": "Quà Tết", "page": page, "url": ""})]
    settings.save()
    assert 'href="/qua-tet/"' in client.get("/").content.decode()
    # when the end passes
    page.ends_at = timezone.now() - datetime.timedelta(minutes=1)
    page.save_revision().publish()
    # then
    response = client.get("/en/qua-tet/")
    assert response.status_code == 410
    assert f"<h1>The campaign “{page.title}” has ended</h1>" in response.content.decode()
    assert 'content="noindex"' in response.content.decode()
    assert 'href="/qua-tet/"' not in client.get("/").content.decode()
    sitemap = client.get("/sitemap-pages.xml").content.decode()
    assert "/qua-tet/" not in sitemap


def test_a_running_campaign_is_on_the_home_page_until_its_end(client):
    # given: a published campaign, and nothing more from the editor
    _build_home()
    page = campaign(products=_products(1), image=image())
    # then
    html = client.get("/").content.decode()
    assert f'href="{page.url}"' in html
    assert page.title in html
    assert ".fill-400x225." in html  # its banner
    assert "Đến hết " + timezone.localtime(page.ends_at).strftime("%d/%m/%Y") in html
    # when the end passes
    page.ends_at = timezone.now() - datetime.timedelta(minutes=1)
    page.save_revision().publish()
    # then
    html = client.get("/").content.decode()
    assert page.title not in html


def test_the_heros_button_to_a_campaign_goes_when_the_campaign_ends(client):
    # given: the hero's call to action leads to a campaign
    page = campaign(products=_products(1))
    home_page = home()
    home_page.body = [
        ("hero", {"heading": "Tết", "cta_label": "Xem quà Tết", "cta_page": page, "cta_url": ""})
    ]
    home_page.save_revision().publish()
    assert "Xem quà Tết" in client.get("/").content.decode()
    # when the end passes
    page.ends_at = timezone.now() - datetime.timedelta(minutes=1)
    page.save_revision().publish()
    # then
    assert "Xem quà Tết" not in client.get("/").content.decode()


def test_campaign_before_its_start_is_not_found(client):
    page = campaign(starts_at=timezone.now() + datetime.timedelta(days=2))
    assert client.get(page.url).status_code == 404


def test_content_page_has_breadcrumbs_and_description(client):
    page = content_page()
    html = client.get(page.url).content.decode()
    assert '<nav class="breadcrumbs"' in html
    assert f"<title>Giới thiệu · {home().title}</title>" in html
    assert '<meta name="description" content="Sàn thương mại điện tử của tỉnh' in html
    assert f'<link rel="canonical" href="http://testserver{page.url}">' in html


def test_news_article_json_ld(client, django_assert_num_queries):
    # given
    article = news(3, image=image())
    article.tags.add("festival")
    article.save_revision().publish()
    client.get(article.url)
    # when
    with django_assert_num_queries(NEWS_PAGE_QUERIES + 1):  # + the picture's renditions
        html = client.get(article.url).content.decode()
    # then
    data = of_type(json_ld(html), "NewsArticle")
    assert data["headline"] == "Festival Trà Thái Nguyên lần thứ 3"
    assert data["datePublished"] == "2026-11-03"
    assert data["author"] == {"@type": "Person", "name": "Ban biên tập"}
    assert data["image"][0].startswith("http://testserver/")
    assert 'property="og:type" content="article"' in html
    assert "?tag=festival" in html


def test_news_index_lists_articles_with_constant_queries(client, django_assert_num_queries):
    # given
    for n in range(1, 4):
        news(n, image=image())
    index_url = news(4).get_parent().url
    client.get(index_url)
    for n in range(5, 9):
        news(n, image=image())
    client.get(index_url)
    # when
    with django_assert_num_queries(NEWS_INDEX_QUERIES):
        html = client.get(index_url).content.decode()
    # then
    assert html.index("lần thứ 8") < html.index("lần thứ 1<")


def test_enterprise_story_shows_the_producers_products(client):
    enterprise = EnterpriseFactory()
    product = VariantFactory(product__enterprise=enterprise).product
    page = story(enterprise)
    html = client.get(page.url).content.decode()
    assert product.name in html
    assert f'href="/doanh-nghiep/{enterprise.slug}/"' in html
