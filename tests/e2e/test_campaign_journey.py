"""Journey 14: an editor builds a campaign page with a product collection in the Wagtail admin;
a shopper on a phone opens it from the main menu and goes on to a product."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import Site

from accounts.roles import Role, assign_role
from cms.models import CampaignPage, HomePage, OperatorSettings
from tests.accounts.factories import UserFactory
from tests.e2e.test_seller_journey import sign_in_to_admin
from tests.marketplace.factories import VariantFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_builds_a_campaign_and_a_shopper_opens_it(live_server, laptop_page, phone_page):
    base = live_server.url
    editor = UserFactory(phone="+84912000003")
    assign_role(editor, Role.EDITOR)
    product = VariantFactory(product__name="Chè móc câu Tân Cương hộp quà").product
    VariantFactory(product__name="Mật ong hoa nhãn")
    home = HomePage.objects.get(locale__language_code="vi")
    start = timezone.localtime() - datetime.timedelta(hours=1)

    # 1. The editor adds a campaign under the home page and picks a product for it
    admin = laptop_page
    sign_in_to_admin(admin, base, "0912000003")
    admin.goto(f"{base}/admin/pages/add/cms/campaignpage/{home.pk}/")
    admin.locator("#id_title").fill("Quà Tết chè Thái")
    admin.locator("#id_starts_at").fill(start.strftime("%Y-%m-%d %H:%M"))
    admin.locator("#id_ends_at").fill(
        (start + datetime.timedelta(days=30)).strftime("%Y-%m-%d %H:%M")
    )
    admin.locator("#id_campaign_products-ADD").click()
    admin.locator(
        "#id_campaign_products-0-product-chooser [data-chooser-action-choose]"
    ).first.click()
    admin.get_by_role("dialog").get_by_role("link", name=product.name).click()
    expect(admin.locator("#id_campaign_products-0-product-chooser")).to_contain_text(product.name)
    admin.locator("footer [data-w-dropdown-target='toggle']").first.click()
    admin.locator("button[name='action-publish']").click()
    expect(admin.locator(".messages")).to_contain_text("Quà Tết chè Thái")
    campaign = CampaignPage.objects.get(title="Quà Tết chè Thái")
    assert campaign.live
    settings = OperatorSettings.for_site(Site.objects.get(is_default_site=True))
    settings.main_menu = [("link", {"label": "Quà Tết", "page": campaign, "url": ""})]
    settings.save()

    # 2. A shopper on a phone follows the main menu to the campaign, then to the product
    shopper = phone_page
    shopper.goto(base + "/")
    shopper.locator("nav.main-nav").get_by_role("link", name="Quà Tết").click()
    expect(shopper.get_by_role("heading", level=1)).to_have_text("Quà Tết chè Thái")
    expect(shopper.get_by_text("Mật ong hoa nhãn")).to_have_count(0)
    shopper.get_by_role("link", name=re.compile(product.name)).click()
    expect(shopper.get_by_role("heading", level=1)).to_have_text(product.name)
