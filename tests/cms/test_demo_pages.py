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
    assert ContentPage.objects.live().count() == 6
    assert NewsPage.objects.live().count() == 3
    assert EnterpriseStoryPage.objects.live().count() == 2
    campaign = CampaignPage.objects.get()
    assert campaign.is_listed()
    ocop4 = storefront_products(CatalogueFilters(min_stars=4)).count()
    assert campaign.campaign_products.count() == min(ocop4, 8) > 0
    home = HomePage.objects.get()
    assert [block.block_type for block in home.body][:2] == ["hero", "featured_products"]
    html = client.get("/").content.decode()
    assert "Chè Thái Nguyên và đặc sản OCOP, mua tận gốc" in html
    assert 'href="/qua-tet/"' in html  # main menu
    assert 'href="/chinh-sach-doi-tra/"' in html  # footer menu
    for page in [campaign, *NewsPage.objects.all(), *EnterpriseStoryPage.objects.all()]:
        assert client.get(page.url).status_code == 200, page.url
    article = client.get(NewsPage.objects.first().url).content.decode()
    assert of_type(json_ld(article), "NewsArticle")["publisher"]["name"]
