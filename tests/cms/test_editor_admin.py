"""An editor builds a campaign with a product collection in the Wagtail admin; a shopper sees it."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from accounts.roles import Role, assign_role
from cms.models import CampaignPage, ContentPage
from tests.accounts.factories import UserFactory
from tests.cms.helpers import home
from tests.marketplace.factories import VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = UserFactory()
    assign_role(user, Role.EDITOR)
    client.force_login(user)
    return user


def test_editor_opens_the_page_editors_and_the_product_chooser(client, editor):
    parent = home()
    assert client.get(f"/admin/pages/add/cms/campaignpage/{parent.pk}/").status_code == 200
    refused = client.get(f"/admin/pages/add/cms/newspage/{parent.pk}/")  # news go in the index
    assert (refused.status_code, refused.url) == (302, "/admin/")
    assert client.get(f"/admin/pages/{parent.pk}/edit/").status_code == 200
    product = VariantFactory().product
    chooser = client.get("/admin/cms/product-chooser/")
    assert chooser.status_code == 200
    assert product.name in chooser.json()["html"]


def test_editor_publishes_a_campaign_and_a_shopper_opens_it(client, editor):
    # given
    first, second = VariantFactory().product, VariantFactory().product
    start = timezone.localtime() - datetime.timedelta(hours=1)
    end = start + datetime.timedelta(days=14)
    data = nested_form_data(
        {
            "title": "Tuần lễ chè Tân Cương",
            "slug": "tuan-le-che",
            "intro": "Giảm giá chè búp các hợp tác xã Tân Cương.",
            "starts_at": start.strftime("%Y-%m-%d %H:%M"),
            "ends_at": end.strftime("%Y-%m-%d %H:%M"),
            "image_alt": "",
            "campaign_products": inline_formset([{"product": second.pk}, {"product": first.pk}]),
            "body": streamfield([("rich_text", rich_text("<p>Chỉ trong hai tuần.</p>"))]),
            "action-publish": "publish",
        }
    )
    # when
    response = client.post(f"/admin/pages/add/cms/campaignpage/{home().pk}/", data)
    # then
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = CampaignPage.objects.get(slug="tuan-le-che")
    assert campaign.live
    client.logout()
    html = client.get("/tuan-le-che/").content.decode()
    assert html.index(second.name) < html.index(first.name)
    assert "Chỉ trong hai tuần." in html


def test_menus_are_edited_in_the_site_settings(client):
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    site = Site.objects.get(is_default_site=True)
    response = client.get(f"/admin/settings/cms/operatorsettings/{site.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "main_menu" in html
    assert "footer_menu" in html


def test_language_switcher_keeps_a_wagtail_page(client):
    page = home().add_child(
        instance=ContentPage(title="Giới thiệu", slug="gioi-thieu", intro="Về sàn.")
    )
    html = client.get(page.url).content.decode()
    assert 'href="http://testserver/en/gioi-thieu/" hreflang="en"' in html
    assert client.get("/en/gioi-thieu/").status_code == 200
