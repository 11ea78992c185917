"""Journey 4: come back. A guest fills a cart, registers with a phone number and keeps the cart,
orders, and on the next visit finds the past order in the account and the address remembered
at checkout."""

import re

import pytest
from django.utils.translation import gettext
from playwright.sync_api import expect

from accounts.models import Address
from marketplace.models import Order
from tests.marketplace.factories import VariantFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_guest_registers_keeps_the_cart_and_finds_orders_and_address(live_server, phone_page):
    base, page = live_server.url, phone_page
    tea = VariantFactory(product__name="Chè búp Trại Cài", price_vnd=150_000, stock=5)
    honey = VariantFactory(product__name="Mật ong bạc hà", price_vnd=260_000, stock=5)

    # a guest puts tea in the cart, then creates an account
    page.goto(f"{base}/san-pham/{tea.product.slug}/")
    page.get_by_role("button", name=gettext("Add to cart")).click()
    page.get_by_role("link", name="Đăng nhập").click()
    page.get_by_role("link", name="Tạo tài khoản").click()
    page.get_by_label("Họ và tên").fill("Đỗ Văn Hùng")
    page.get_by_label("Số điện thoại").fill("0903 222 333")
    page.get_by_label(re.compile(r"^Mật khẩu")).fill("đồi-chè-trại-cài-26")
    page.get_by_label("Nhập lại mật khẩu").fill("đồi-chè-trại-cài-26")
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.get_by_text("Chào mừng bạn! Tài khoản đã được tạo.")).to_be_visible()

    # the cart made as a guest is still there, and checkout knows who is buying
    page.goto(f"{base}/gio-hang/")
    expect(page.get_by_role("link", name="Chè búp Trại Cài")).to_be_visible()
    page.get_by_role("link", name=gettext("Check out")).click()
    expect(page.get_by_label(re.compile("Tên người nhận"))).to_have_value("Đỗ Văn Hùng")
    page.get_by_label(re.compile("^Phường, xã")).select_option(label="Xã Tân Cương")
    page.get_by_label(re.compile("Số nhà")).fill("5 xóm Soi")
    page.get_by_role("button", name=gettext("Place order")).click()
    order = Order.objects.get()
    expect(page.locator(".order-code")).to_have_text(order.code)
    assert Address.objects.get(user=order.user).street == "5 xóm Soi"

    # the next visit: the order is in the account, and the address is filled in at checkout
    page.goto(f"{base}/don-hang-cua-toi/")
    expect(page.get_by_text(order.code)).to_be_visible()
    page.goto(f"{base}/san-pham/{honey.product.slug}/")
    page.get_by_role("button", name=gettext("Add to cart")).click()
    page.get_by_role("link", name=gettext("Check out")).click()
    expect(page.get_by_label(re.compile("Số nhà"))).to_have_value("5 xóm Soi")
    expect(page.get_by_label(re.compile("^Phường, xã"))).to_have_value("5503")
