"""The header and footer menus are built once and kept in the cache: a page view does not read
their pages again, yet every change an editor or the clock makes shows on the next view."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from cms import menus
from cms.models import OperatorSettings
from tests.cms.helpers import campaign, content_page, home
from tests.cms.test_translations import translate

pytestmark = pytest.mark.django_db

CART = "/gio-hang/"  # a page outside Wagtail's tree: its only page queries are the menus'


def set_menu(**links):
    settings = OperatorSettings.for_site(Site.objects.get(is_default_site=True))
    settings.main_menu = [
        ("link", {"label": label, "page": page, "url": ""}) for label, page in links.items()
    ]
    settings.save()


def page_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    # the menus' pages and campaigns (the site's lookup joins its root page: it is routing's)
    read = [
        query["sql"]
        for query in queries
        if query["sql"].startswith('SELECT "wagtailcore_page"')
        or "cms_campaignpage" in query["sql"]
    ]
    return html, read


def test_a_menu_is_built_once_then_read_from_the_cache(client):
    # given
    set_menu(**{"Giới thiệu": content_page(), "Quà Tết": campaign()})
    # when
    first, built = page_queries(client, CART)
    second, cached = page_queries(client, CART)
    # then
    assert 'href="/gioi-thieu/"' in first
    assert 'href="/qua-tet/"' in first
    assert second == first
    assert built
    assert cached == []


def test_editing_the_menu_shows_at_once(client):
    # given
    set_menu(**{"Giới thiệu": content_page()})
    client.get(CART)
    # when
    set_menu(**{"Về chúng tôi": content_page(slug="ve-chung-toi", title="Về chúng tôi")})
    # then
    html = client.get(CART).content.decode()
    assert 'href="/ve-chung-toi/"' in html
    assert 'href="/gioi-thieu/"' not in html


def test_a_page_unpublished_or_moved_leaves_the_menu_at_once(client):
    # given
    about = content_page()
    set_menu(**{"Giới thiệu": about})
    assert 'href="/gioi-thieu/"' in client.get(CART).content.decode()
    # when
    about.unpublish()
    # then
    assert 'href="/gioi-thieu/"' not in client.get(CART).content.decode()


def test_a_cached_menu_does_not_outlive_its_campaigns_end(client):
    # given: a campaign that ends in ten minutes
    ends = timezone.now() + datetime.timedelta(minutes=10)
    set_menu(**{"Quà Tết": campaign(ends_at=ends)})
    # when: its menu is built
    assert 'href="/qua-tet/"' in client.get(CART).content.decode()
    # then: the cached menu expires by the end, after which a new build leaves it out
    keys = [key for key in cache._cache if ":cms:menu:" in key and ":main_menu:" in key]
    assert len(keys) == 1
    assert cache._expire_info[keys[0]] <= ends.timestamp() + 1
    site = Site.objects.get(is_default_site=True)
    after_end = ends + datetime.timedelta(seconds=1)
    assert menus._build(_request(site), _menu_values(site), after_end) == ([], None)


def test_a_campaign_that_starts_later_joins_the_menu_when_it_starts():
    # given
    starts = timezone.now() + datetime.timedelta(hours=1)
    set_menu(**{"Quà Tết": campaign(starts_at=starts)})
    site = Site.objects.get(is_default_site=True)
    # when
    before, fresh_until = menus._build(_request(site), _menu_values(site), timezone.now())
    after, _ = menus._build(_request(site), _menu_values(site), starts)
    # then
    assert (before, fresh_until) == ([], starts)
    assert [link.url for link in after] == ["/qua-tet/"]


def test_in_english_an_address_of_the_site_is_given_in_english(client):
    # given
    settings = OperatorSettings.for_site(Site.objects.get(is_default_site=True))
    settings.main_menu = [
        ("link", {"label": "Sản phẩm", "page": None, "url": "/san-pham/"}),
        ("link", {"label": "Bộ Công Thương", "page": None, "url": "https://moit.gov.vn/"}),
    ]
    settings.save()
    # when
    english = client.get(f"/en{CART}").content.decode()
    vietnamese = client.get(CART).content.decode()
    # then
    assert '<a href="/en/san-pham/">Sản phẩm</a>' in english
    assert '<a href="https://moit.gov.vn/">Bộ Công Thương</a>' in english
    assert '<a href="/san-pham/">Sản phẩm</a>' in vietnamese


def test_in_english_a_translated_page_is_linked_in_english(client):
    # given
    about = content_page(title="Giới thiệu", slug="gioi-thieu")
    set_menu(**{"Giới thiệu": about, "Đổi trả": content_page(title="Đổi trả", slug="doi-tra")})
    translate(home(), title="Thái Nguyên OCOP Marketplace")
    translate(about, title="About us", slug="about-us")
    # when
    english = client.get(f"/en{CART}").content.decode()
    vietnamese = client.get(CART).content.decode()
    # then: the translation where there is one, the Vietnamese page where there is none
    assert '<a href="/en/about-us/">About us</a>' in english
    assert '<a href="/doi-tra/">Đổi trả</a>' in english
    assert '<a href="/gioi-thieu/">Giới thiệu</a>' in vietnamese


def _request(site):
    from django.test import RequestFactory

    request = RequestFactory().get(CART)
    request._wagtail_site = site
    return request


def _menu_values(site):
    return [block.value for block in OperatorSettings.for_site(site).main_menu]
