import pytest
from django.core.management import call_command
from wagtail.models import Page

from cms.models import CampaignPage, ContentPage, EnterpriseStoryPage, HomePage, NewsPage
from marketplace.selectors import CatalogueFilters, storefront_products
from tests.cms.helpers import json_ld, of_type

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_seed_demo_builds_the_storefront_pages_once(client):
    # when
    call_command("seed_demo", "--enterprises", "4", "--products", "20")
    pages = Page.objects.count()
    call_command("seed_demo", "--enterprises", "4", "--products", "20")
    # then
    assert Page.objects.count() == pages
    assert ContentPage.objects.live().filter(locale__language_code="vi").count() == 6
    assert NewsPage.objects.live().count() == 3
    assert EnterpriseStoryPage.objects.live().count() == 2
    campaign = CampaignPage.objects.get()
    assert campaign.is_listed()
    ocop4 = storefront_products(CatalogueFilters(min_stars=4)).count()
    assert campaign.campaign_products.count() == min(ocop4, 8) > 0
    home = HomePage.objects.get(locale__language_code="vi")
    assert [block.block_type for block in home.body][:2] == ["hero", "featured_products"]
    html = client.get("/").content.decode()
    assert "Chè Thái Nguyên và đặc sản OCOP, mua tận gốc" in html
    assert 'href="/qua-tet/"' in html  # main menu
    assert 'href="/chinh-sach-doi-tra/"' in html  # footer menu
    for page in [campaign, *NewsPage.objects.all(), *EnterpriseStoryPage.objects.all()]:
        assert client.get(page.url).status_code == 200, page.url
    # the home and "about" pages in English, and the switcher leading to them
    english_home = client.get("/en/").content.decode()
    assert "Thái Nguyên tea and OCOP specialities, bought at the source" in english_home
    assert "<title>Thái Nguyên OCOP Marketplace" in english_home
    assert "About the marketplace" in client.get("/en/gioi-thieu/").content.decode()
    assert 'hreflang="en" href="http://testserver/en/gioi-thieu/"' in (
        client.get("/gioi-thieu/").content.decode()
    )
    # an untranslated page is still there in English: the Vietnamese page, interface in English
    assert client.get("/en/tin-tuc/").status_code == 200
    article = client.get(NewsPage.objects.first().url).content.decode()
    assert of_type(json_ld(article), "NewsArticle")["publisher"]["name"]
