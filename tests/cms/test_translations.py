"""Pages in English with Wagtail's built-in i18n: a translation is served under /en/, the
switcher leads to it whatever its slug, and an untranslated page is still there in English."""

from __future__ import annotations

import pytest
from wagtail.models import Locale

from tests.cms.helpers import content_page, home

pytestmark = pytest.mark.django_db


def translate(page, **fields):
    english = page.copy_for_translation(Locale.objects.get(language_code="en")).specific
    for name, value in fields.items():
        setattr(english, name, value)
    english.save_revision().publish()
    return english


def test_the_migrations_give_editors_an_english_locale():
    assert set(Locale.objects.values_list("language_code", flat=True)) == {"vi", "en"}


def test_a_translated_page_is_served_in_english_and_the_switcher_finds_it(client):
    # given: the home page and a page translated, the page under another slug
    about = content_page(title="Giới thiệu", slug="gioi-thieu")
    translate(home(), title="Thái Nguyên OCOP Marketplace")
    translate(about, title="About us", slug="about-us")
    # when
    english = client.get("/en/about-us/")
    vietnamese = client.get("/gioi-thieu/").content.decode()
    # then
    assert english.status_code == 200
    assert "<title>About us" in english.content.decode()
    assert 'hreflang="en" href="http://testserver/en/about-us/"' in vietnamese
    assert 'hreflang="vi" href="http://testserver/gioi-thieu/"' in english.content.decode()


def test_a_page_not_translated_yet_is_the_vietnamese_page_in_english(client):
    # given: an English home, but the page only in Vietnamese
    content_page(title="Chính sách đổi trả", slug="doi-tra")
    translate(home(), title="Thái Nguyên OCOP Marketplace")
    # when
    response = client.get("/en/doi-tra/")
    # then: the page, with the interface in English; an unknown address is still a 404
    assert response.status_code == 200
    assert "Chính sách đổi trả" in response.content.decode()
    assert response["Content-Language"] == "en"
    assert client.get("/en/khong-co-trang-nay/").status_code == 404
