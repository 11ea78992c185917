"""Journey 4 (start): open the home page, switch language, register, sign out, sign in."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def test_shopper_switches_language_registers_and_signs_in(live_server, phone_page):
    page = phone_page
    # given: the home page, in Vietnamese by default
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sàn OCOP Thái Nguyên")

    # when: the shopper switches to English and back
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/en/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.get_by_role("link", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    # and registers with a phone number typed with spaces
    page.get_by_role("link", name="Đăng nhập").click()
    page.get_by_role("link", name="Tạo tài khoản").click()
    page.get_by_label("Họ và tên").fill("Lê Thị Mai")
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label(re.compile(r"^Mật khẩu")).fill("chè-tân-cương-2026")
    page.get_by_label("Nhập lại mật khẩu").fill("chè-tân-cương-2026")
    page.get_by_role("button", name="Tạo tài khoản").click()

    # then: signed in, with the number shown the Vietnamese way
    expect(page.get_by_text("Chào mừng bạn! Tài khoản đã được tạo.")).to_be_visible()
    expect(page.get_by_text("0912 345 678")).to_be_visible()
    assert User.objects.get(phone="+84912345678").get_full_name() == "Lê Thị Mai"

    # when: signing out and in again with the other spelling of the number
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("link", name="Đăng nhập").click()
    page.get_by_label("Số điện thoại hoặc email").fill("+84912345678")
    page.get_by_label(re.compile(r"^Mật khẩu")).fill("chè-tân-cương-2026")
    page.get_by_role("button", name="Đăng nhập").click()

    # then
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
