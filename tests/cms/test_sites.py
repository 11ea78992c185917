"""The request's Wagtail site and its operator settings come from the cache (cms/sites.py): a
page view does not look them up again, yet an administrator's edit shows on the next view."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from cms.models import OperatorSettings
from tests.accounts.factories import UserFactory
from tests.cms.helpers import home

pytestmark = pytest.mark.django_db

CART = "/gio-hang/"  # a page outside Wagtail's tree, with the header and footer


def tables_read(client, path, host="testserver"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200
    read = {
        table
        for query in queries
        for table in ("wagtailcore_site", "cms_operatorsettings")
        if f'FROM "{table}"' in query["sql"]
    }
    return response.content.decode(), read


def test_the_site_and_its_settings_are_looked_up_once(client):
    # when
    _html, first = tables_read(client, CART)
    _html, again = tables_read(client, CART)
    # then
    assert first == {"wagtailcore_site", "cms_operatorsettings"}
    assert again == set()


def test_a_request_that_never_asks_for_its_site_does_not_look_it_up(client):
    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/products/")
    # then
    assert response.status_code == 200
    assert not [q for q in queries if "wagtailcore_site" in q["sql"]]


def test_edited_settings_show_on_the_next_view(client):
    # given
    tables_read(client, CART)
    settings = OperatorSettings.for_site(Site.objects.get(is_default_site=True))
    # when
    settings.hotline = "0208 3855 000"
    settings.save()
    # then
    html, read = tables_read(client, CART)
    assert "0208 3855 000" in html
    assert read == {"cms_operatorsettings"}


def test_a_saved_site_is_looked_up_again(client):
    # given
    tables_read(client, CART)
    site = Site.objects.get(is_default_site=True)
    # when
    site.site_name = "Sàn OCOP"
    site.save()
    # then
    _html, read = tables_read(client, CART)
    assert "wagtailcore_site" in read


def test_each_host_is_answered_by_its_own_site(client, settings):
    # given: a second site on its own host, with its own footer
    settings.ALLOWED_HOSTS = ["testserver", "tra.example"]
    other = Site.objects.create(hostname="tra.example", port=80, root_page=home())
    OperatorSettings.objects.create(site=other, operator_name="Hợp tác xã chè mẫu")
    # when
    tables_read(client, CART)
    default, _read = tables_read(client, CART)
    tea, _read = tables_read(client, CART, host="tra.example")
    # then
    assert "Hợp tác xã chè mẫu" in tea
    assert "Hợp tác xã chè mẫu" not in default


def test_the_admin_edits_the_settings_row_never_a_kept_copy(client):
    # given: the footer's settings kept, then changed where no signal reaches this worker's
    # cache (as another worker's save does with the per-process cache)
    tables_read(client, CART)
    site = Site.objects.get(is_default_site=True)
    OperatorSettings.objects.filter(site=site).update(hotline="0208 3999 999")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    # when
    html = client.get(f"/admin/settings/cms/operatorsettings/{site.pk}/").content.decode()
    # then
    assert 'value="0208 3999 999"' in html
