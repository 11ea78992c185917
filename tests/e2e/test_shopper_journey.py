"""Journeys 1, 3 and 4: a shopper on a phone buys from two enterprises with cash on delivery,
each enterprise confirms, ships and delivers its own part, and the shopper sees both.

Labels added with the orders feature are looked up through gettext, so the test reads the
page the way it is shown whether or not their Vietnamese is compiled yet.
"""

import re

import pytest
from django.utils.translation import gettext, pgettext
from playwright.sync_api import Page, expect

from accounts.roles import Role, assign_role
from marketplace.models import Order, SubOrder
from tests.accounts.factories import TEST_PASSWORD
from tests.marketplace.factories import EnterpriseFactory, MembershipFactory, VariantFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_to_admin(page: Page, base_url: str, phone: str) -> None:
    page.goto(base_url + "/admin/login/")
    page.get_by_label("Số điện thoại hoặc email").fill(phone)
    page.get_by_label(re.compile("Mật khẩu")).fill(TEST_PASSWORD)
    page.get_by_role("button", name=re.compile("Đăng nhập")).click()
    expect(page.get_by_role("link", name="Trang tổng quan")).to_be_visible()


def take_action(page: Page, listing_url: str, row_text: str, action: str) -> None:
    page.goto(listing_url)
    row = page.locator("tr", has_text=row_text)
    row.get_by_role("button", name=re.compile("Thêm|More")).click()
    row.get_by_role("link", name=action, exact=True).click()
    page.get_by_role("button", name=action, exact=True).click()


def test_shopper_buys_from_two_enterprises_and_both_deliver(live_server, phone_page, laptop_page):
    base = live_server.url
    shopper = phone_page
    tea = VariantFactory(
        product__enterprise=EnterpriseFactory(name="HTX Chè Tân Cương"),
        product__name="Chè búp Tân Cương",
        price_vnd=180_000,
        stock=5,
    )
    honey = VariantFactory(
        product__enterprise=EnterpriseFactory(name="HTX Mật ong Võ Nhai"),
        product__name="Mật ong rừng Võ Nhai",
        name="Chai 500ml",
        price_vnd=250_000,
        stock=2,
    )
    sellers = []
    for enterprise, phone in (
        (tea.product.enterprise, "+84912000011"),
        (honey.product.enterprise, "+84912000012"),
    ):
        member = MembershipFactory(enterprise=enterprise, user__phone=phone).user
        assign_role(member, Role.ENTERPRISE_MEMBER)
        sellers.append((enterprise.name, phone))

    # 1. On a phone, the shopper adds one product of each enterprise from its page
    for variant in (tea, honey):
        shopper.goto(f"{base}/san-pham/{variant.product.slug}/")
        shopper.get_by_role("button", name=gettext("Add to cart")).click()
        expect(shopper.get_by_text(gettext("Added to your cart."))).to_be_visible()
    # the cart groups the lines by enterprise, each with its shipping fee
    expect(shopper.get_by_role("heading", name="HTX Chè Tân Cương")).to_be_visible()
    expect(shopper.get_by_role("heading", name="HTX Mật ong Võ Nhai")).to_be_visible()

    # 2. Guest checkout with cash on delivery
    shopper.get_by_role("link", name=gettext("Check out")).click()
    shopper.get_by_label(re.compile("Tên người nhận")).fill("Nguyễn Thị Hoa")
    shopper.get_by_label(re.compile("^Số điện thoại")).fill("0987 654 321")
    shopper.get_by_label(re.compile("^Phường, xã")).select_option(label="Xã Tân Cương")
    shopper.get_by_label(re.compile("Số nhà")).fill("12 đường Tân Cương")
    shopper.get_by_role("button", name=gettext("Place order")).click()
    order = Order.objects.get()
    expect(shopper.locator(".order-code")).to_have_text(order.code)
    assert order.payment_method == "cod"
    assert order.total_vnd == 430_000 + 2 * 20_000

    # 3. Each enterprise confirms, ships and delivers its own part in the back office
    listing = base + "/admin/orders/"
    for name, phone in sellers:
        laptop_page.context.clear_cookies()
        sign_in_to_admin(laptop_page, base, phone)
        laptop_page.goto(listing)
        # only its own part is listed
        expect(laptop_page.locator("tr", has_text=order.code)).to_have_count(1)
        expect(laptop_page.locator("tr", has_text=order.code)).to_contain_text(name)
        for action in (
            gettext("Confirm"),
            gettext("Mark as shipped"),
            gettext("Mark as delivered"),
        ):
            take_action(laptop_page, listing, order.code, action)
    assert sorted(SubOrder.objects.values_list("status", flat=True)) == ["delivered", "delivered"]

    # 4. The shopper opens the order again and sees both deliveries
    shopper.reload()
    delivered = pgettext("order status", "Delivered")
    expect(shopper.locator(".sub-order .status", has_text=delivered)).to_have_count(2)
