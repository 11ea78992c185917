"""The Wagtail admin speaks Vietnamese: locale_admin/ completes Wagtail's own catalogues, and a
translation that lost a placeholder (which would raise at runtime) is caught."""

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import polib
import pytest
from django.conf import settings

from tests.accounts.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted((ROOT / "locale_admin").glob("*/LC_MESSAGES/*.po"))


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _get_as_superuser(client, url: str) -> str:
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _sidebar_strings(html: str) -> set[str]:
    """The sidebar is drawn by JavaScript from JSON props, where non-ASCII text is escaped."""
    match = re.search(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)
    assert match, "no sidebar props"
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(match.group(1)))
    return found


def test_project_catalogue_comes_first_so_it_wins():
    assert settings.LOCALE_PATHS == [
        settings.BASE_DIR / "locale",
        settings.BASE_DIR / "locale_admin",
    ]


@pytest.mark.django_db
def test_dashboard_is_in_vietnamese(client):
    # given: a superuser
    # when
    html = _get_as_superuser(client, "/admin/")
    # then
    sidebar = _sidebar_strings(html)
    assert {"Đăng xuất", "Tài khoản", "Trợ giúp", "Hình ảnh", "Tài liệu", "Cài đặt"} <= sidebar
    assert not {"Log out", "Account", "Help", "Images", "Documents", "Settings"} & sidebar
    assert "Tổng quan trang web" in html
    assert 'placeholder="Tìm kiếm trong tất cả trang…"' in html
    assert "Bật/tắt thanh bên" in html  # the keyboard shortcuts dialog
    assert "Chuyển đến nội dung chính" in html
    for english in (">Log out<", "Site summary", "Search all pages", "Toggle sidebar"):
        assert english not in html


@pytest.mark.django_db
def test_images_index_is_in_vietnamese(client):
    # given: a superuser
    # when
    html = _get_as_superuser(client, "/admin/images/")
    # then
    for vietnamese in (
        "Lọc theo",
        "Hiện bộ lọc",
        "Sắp xếp theo",
        "Dạng lưới",
        "Thao tác hàng loạt",
    ):
        assert vietnamese in html
    for english in ("Filter by", "Show filters", "Sort by", "Grid layout", "Bulk actions"):
        assert english not in html


@pytest.mark.django_db
def test_add_image_page_is_in_vietnamese(client):
    # given: a superuser
    # when
    html = _get_as_superuser(client, "/admin/images/add/")
    # then
    assert "Định dạng hỗ trợ: " in html
    assert "Dung lượng tối đa: " in html
    assert '<em data-w-progress-target="label">Tải lên</em>' in html
    for english in ("Supported formats", "Maximum filesize", ">Upload<"):
        assert english not in html


@pytest.mark.django_db
def test_users_index_is_in_vietnamese(client):
    # given: a superuser
    # when
    html = _get_as_superuser(client, "/admin/users/")
    # then
    assert "Thêm tùy chọn cho &#x27;" in html
    assert "Đăng nhập lần cuối" in html
    assert "Cấp truy cập" in html
    for english in ("More options for", "Last login", "Access level", "Select all users"):
        assert english not in html


@pytest.mark.django_db
def test_marketplace_listing_and_create_form_are_in_vietnamese(client):
    # given: a superuser
    # when
    listing = _get_as_superuser(client, "/admin/products/")
    create = client.get("/admin/products/new/").content.decode()
    # then
    assert 'aria-label="Hiện bộ lọc"' in listing
    assert "Lọc theo" in listing
    assert "Show filters" not in listing
    assert '<em data-w-progress-target="label">Tạo</em>' in create
    assert 'data-w-progress-active-value="Đang tạo…"' in create
    assert ">Create<" not in create
    assert "Creating…" not in create


@pytest.mark.django_db
def test_admin_javascript_catalogue_is_in_vietnamese(client):
    # given: a superuser
    # when
    script = _get_as_superuser(client, "/admin/jsi18n/")
    # then: the catalogue is JSON, with non-ASCII text escaped
    for vietnamese in ("Bật/tắt thanh bên", "Menu chính", "Cây trang", "Đang tải…"):
        assert json.dumps(vietnamese) in script


def test_every_wagtail_msgid_is_translated():
    # given
    admin_catalogue = _script("admin_catalogue")
    # when
    missing = {
        domain: [source.msgid for source in admin_catalogue.report(domain)[0]]
        for domain in admin_catalogue.DOMAINS
    }
    # then
    assert missing == {"django": [], "djangojs": []}, (
        "run `python scripts/admin_catalogue.py --update`, translate, then --compile"
    )


def test_admin_translations_keep_every_placeholder_and_tag():
    # given
    check = _script("check_translations")
    assert [path.name for path in CATALOGUES] == ["django.po", "djangojs.po"]
    # when
    problems = [
        f"{path.name}: {problem}"
        for path in CATALOGUES
        for entry in polib.pofile(str(path))
        for problem in check.placeholder_problems(entry, markup=True)
    ]
    untranslated = [
        entry.msgid
        for path in CATALOGUES
        for entry in polib.pofile(str(path))
        if not entry.translated()
    ]
    # then
    assert problems == []
    assert untranslated == []


def test_placeholder_check_catches_a_lost_or_misspelt_placeholder():
    # given
    check = _script("check_translations")
    misspelt = polib.POEntry(msgid="Edit '%(title)s'", msgstr="Sửa '%(tilte)s'")
    lost_tag = polib.POEntry(msgid="Locked by <b>you</b>", msgstr="Bạn đã khóa")
    one_form_without_count = polib.POEntry(
        msgid="Delete 1 page",
        msgid_plural="Delete %(counter)s pages",
        msgstr_plural={0: "Xóa 1 trang"},
    )
    good = polib.POEntry(
        msgid="Delete 1 page",
        msgid_plural="Delete %(counter)s pages",
        msgstr_plural={0: "Xóa %(counter)s trang"},
    )
    # when / then
    assert check.placeholder_problems(misspelt)
    assert check.placeholder_problems(lost_tag, markup=True)
    assert not check.placeholder_problems(lost_tag, markup=False)
    assert check.placeholder_problems(one_form_without_count)
    assert check.placeholder_problems(good) == []
