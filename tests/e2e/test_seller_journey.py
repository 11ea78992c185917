"""Journeys 5, 6 and 10: a household business registers, the officer approves it, the owner
lists a product in the back office, the officer publishes it and a shopper finds it."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role, assign_role
from marketplace.models import Enterprise, Product
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_to_admin(page: Page, base_url: str, phone: str) -> None:
    page.goto(base_url + "/admin/login/")
    page.get_by_label("Số điện thoại hoặc email").fill(phone)
    page.get_by_label(re.compile("Mật khẩu")).fill(TEST_PASSWORD)
    page.get_by_role("button", name=re.compile("Đăng nhập")).click()
    expect(page.get_by_role("link", name="Trang tổng quan")).to_be_visible()


def take_action(page: Page, listing_url: str, row_text: str, action: str, reason: str = ""):
    """Open the row's menu in an admin listing, choose the action and confirm it."""
    page.goto(listing_url)
    row = page.locator("tr", has_text=row_text)
    row.get_by_role("button", name=re.compile("Thêm|More")).click()
    row.get_by_role("link", name=action).click()
    if reason:
        page.get_by_label(re.compile("Lý do")).fill(reason)
    page.get_by_role("button", name=action).click()


@pytest.fixture
def officer_page(laptop_page):
    return laptop_page


@pytest.fixture
def owner(browser):
    context = browser.new_context(**PHONE)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_a_business_joins_lists_a_product_and_a_shopper_finds_it(
    live_server, owner, officer_page, phone_page
):
    base = live_server.url
    shopper = phone_page
    officer = UserFactory(phone="+84912000002")
    assign_role(officer, Role.OFFICER)

    # 1. The owner registers the business from the storefront's footer, on a phone
    owner.goto(base + "/san-pham/")
    owner.get_by_role("link", name="Đăng ký bán hàng").click()
    owner.get_by_label("Hộ kinh doanh").check()
    owner.get_by_label("Tên đăng ký").fill("Hộ kinh doanh Chè Bà Hai")
    owner.get_by_label("Mã số thuế").fill("0100233488")
    owner.get_by_label("Người đại diện theo pháp luật").fill("Trần Thị Hai")
    owner.get_by_label(re.compile("^Số điện thoại")).fill("0987 111 222")
    owner.get_by_label("Email").fill("chebahai@example.vn")
    owner.get_by_label(re.compile("^Phường, xã")).select_option(label="Xã Tân Cương")
    owner.get_by_label(re.compile("^Mật khẩu")).fill(TEST_PASSWORD)
    owner.get_by_label("Nhập lại mật khẩu").fill(TEST_PASSWORD)
    owner.get_by_role("button", name="Gửi hồ sơ đăng ký").click()
    expect(owner.get_by_text("Chờ phê duyệt")).to_be_visible()

    # 2. The officer sees it waiting on the dashboard and approves it
    sign_in_to_admin(officer_page, base, "0912 000 002")
    officer_page.get_by_role("link", name=re.compile("1 hồ sơ doanh nghiệp")).click()
    take_action(officer_page, officer_page.url, "Chè Bà Hai", "Phê duyệt")
    expect(officer_page.get_by_text("Đã phê duyệt doanh nghiệp")).to_be_visible()
    assert Enterprise.objects.get().status == "approved"

    # 3. The owner, still signed in, opens the back office from the status page, adds a
    # product with one variant and submits it
    owner.goto(base + "/ban-hang/")
    owner.get_by_role("link", name="Vào trang quản trị").click()
    expect(owner).to_have_url(re.compile(r"/admin/$"))
    owner.goto(base + "/admin/products/new/")
    owner.locator("#id_name").fill("Chè nõn tôm Bà Hai")
    owner.locator("#id_category").select_option(label="Chè Thái Nguyên")
    owner.locator("#id_origin_ward_code").select_option(label="Xã Tân Cương")
    owner.locator("#id_variants-0-name").fill("Hộp 200g")
    owner.locator("#id_variants-0-sku").fill("BH-200")
    owner.locator("#id_variants-0-price_vnd").fill("180000")
    owner.locator("#id_variants-0-stock").fill("30")
    owner.locator("#id_variants-0-weight_g").fill("200")
    owner.get_by_role("button", name=re.compile("^Tạo")).first.click()
    expect(owner.get_by_text("Chè nõn tôm Bà Hai").first).to_be_visible()
    take_action(owner, base + "/admin/products/", "Chè nõn tôm Bà Hai", "Gửi duyệt")
    expect(owner.get_by_text("Sản phẩm đã được gửi tới Sở Công Thương")).to_be_visible()

    # 4. The officer publishes it from the review queue
    officer_page.goto(base + "/admin/")
    officer_page.get_by_role("link", name=re.compile("1 sản phẩm chờ duyệt")).click()
    take_action(officer_page, officer_page.url, "Chè nõn tôm Bà Hai", "Duyệt đăng bán")
    expect(officer_page.get_by_text("Sản phẩm đã được đăng bán")).to_be_visible()
    assert Product.objects.get().status == "published"

    # 5. A shopper finds it in the catalogue, with its price in đồng
    shopper.goto(base + "/san-pham/")
    shopper.get_by_role("link", name=re.compile("Chè nõn tôm Bà Hai")).click()
    expect(shopper.get_by_role("heading", level=1)).to_have_text("Chè nõn tôm Bà Hai")
    expect(shopper.get_by_text("180.000\u00a0₫").first).to_be_visible()
    expect(shopper.get_by_role("link", name="Hộ kinh doanh Chè Bà Hai")).to_be_visible()
