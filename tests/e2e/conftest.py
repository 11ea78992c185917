"""Browser journeys: Playwright driving Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management.sql import emit_post_migrate_signal
from playwright.sync_api import expect, sync_playwright
from wagtail.models import Locale, Page, Site

from cms.models import HomePage
from tests.harness.plugin import CHROMIUM

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
    "locale": "vi-VN",
    "timezone_id": "Asia/Ho_Chi_Minh",
}
LAPTOP = {
    "viewport": {"width": 1366, "height": 800},
    "locale": "vi-VN",
    "timezone_id": "Asia/Ho_Chi_Minh",
}


# CI machines have two cores shared with PostgreSQL and the live server: wait as long for an
# assertion as for an action.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _storefront_site(request: pytest.FixtureRequest) -> None:
    """The home page and default site that the migrations create. Journeys run in
    transactional tests, and the flush after each one empties every table, pages included: put
    them back when an earlier transactional test took them away, then run the post-migrate
    handlers again (idempotent), which give the editors' group its rights on the new page
    tree (after the flush they ran when there was no tree)."""
    if "django_db_setup" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    if Site.objects.filter(is_default_site=True).exists():
        return
    locale, _created = Locale.objects.get_or_create(language_code="vi")
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    home = root.add_child(
        instance=HomePage(title="Sàn OCOP Thái Nguyên", slug="trang-chu", locale=locale)
    )
    Site.objects.create(
        hostname="localhost",
        port=80,
        root_page=home,
        is_default_site=True,
        site_name="Sàn OCOP Thái Nguyên",
    )
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    # Playwright's sync API keeps an event loop in the test thread while the browser lives; the
    # ORM calls that tests and the live server's setup make meanwhile are plain synchronous code.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(**PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def laptop_page(browser):
    context = browser.new_context(**LAPTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
