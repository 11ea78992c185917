"""Journey 3: pay online. The shopper chooses an e-wallet at checkout, pays on the gateway's page
(our offline sandbox, which speaks the gateway's protocol and sends its signed notification to
the live server over HTTP) and comes back to "Thanh toán thành công"; a second shopper cancels
at the gateway, is told so, keeps the order unpaid and switches it to cash on delivery.
"""

import re

import pytest
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from marketplace.models import Order
from marketplace.payment_backend import MarketplaceOrders
from payments.models import Payment, PaymentNotification
from payments.orders import register_order_backend
from tests.marketplace.factories import VariantFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def gateway_reaches_us(settings, live_server):
    """The sandbox notifies the address the gateways are given: the live server's; and the
    payments app reaches the marketplace's orders (tests of payments alone swap that link)."""
    settings.PAYMENTS_PUBLIC_URL = live_server.url
    settings.PAYMENTS_SANDBOX = True
    register_order_backend(MarketplaceOrders())


def buy(page: Page, base: str, *slugs: str, wallet: str) -> None:
    for slug in slugs:
        page.goto(f"{base}/san-pham/{slug}/")
        page.get_by_role("button", name=gettext("Add to cart")).click()
    page.get_by_role("link", name=gettext("Check out")).click()
    page.get_by_label(re.compile("Tên người nhận")).fill("Trần Văn Minh")
    page.get_by_label(re.compile("^Số điện thoại")).fill("0912 345 678")
    page.get_by_label(re.compile("^Phường, xã")).select_option(label="Xã Tân Cương")
    page.get_by_label(re.compile("Số nhà")).fill("8 đường Tân Cương")
    page.get_by_label(wallet, exact=True).check()
    page.get_by_role("button", name=gettext("Place order")).click()


@pytest.mark.usefixtures("gateway_reaches_us")
def test_shopper_pays_a_two_enterprise_order_with_vnpay_and_sees_it_paid(live_server, phone_page):
    base = live_server.url
    tea = VariantFactory(product__name="Chè móc câu Tân Cương", price_vnd=220_000, stock=3)
    honey = VariantFactory(product__name="Mật ong rừng Võ Nhai", price_vnd=250_000, stock=3)
    # when: one product of each enterprise, VNPay at checkout, then "pay" on the gateway's page
    buy(phone_page, base, tea.product.slug, honey.product.slug, wallet="VNPay")
    expect(phone_page).to_have_url(re.compile(r"/payments/sandbox/vnpay/"))
    # goods and one shipping fee per enterprise, in one payment
    expect(phone_page.get_by_text("510.000 ₫")).to_be_visible()
    phone_page.get_by_role("button", name=gettext("Pay"), exact=True).click()
    # then: back on our site, paid, because the gateway's notification arrived
    expect(phone_page.get_by_role("heading", name="Thanh toán thành công")).to_be_visible()
    order = Order.objects.get()
    assert order.sub_orders.count() == 2
    assert (order.payment_method, order.payment_status) == ("vnpay", "paid")
    payment = Payment.objects.get(order_reference=order.code)
    assert (payment.status, payment.amount_vnd) == ("paid", 510_000)
    assert PaymentNotification.objects.filter(provider="vnpay").exists()
    phone_page.get_by_role("link", name=gettext("View your order")).click()
    expect(phone_page.locator(".order-code")).to_have_text(order.code)


@pytest.mark.usefixtures("gateway_reaches_us")
def test_shopper_cancels_at_the_gateway_then_switches_to_cash_on_delivery(live_server, phone_page):
    base = live_server.url
    honey = VariantFactory(product__name="Mật ong rừng Võ Nhai", price_vnd=250_000, stock=3)
    # when: MoMo at checkout, then "cancel" on the gateway's page
    buy(phone_page, base, honey.product.slug, wallet="MoMo")
    expect(phone_page).to_have_url(re.compile(r"/payments/sandbox/momo/"))
    phone_page.get_by_role("button", name=gettext("Cancel"), exact=True).click()
    # then: a clear message, the order kept and unpaid
    expect(phone_page.get_by_role("heading", name=gettext("Payment cancelled"))).to_be_visible()
    order = Order.objects.get()
    assert order.payment_status == "pending"
    honey.refresh_from_db()
    assert honey.stock == 2  # still reserved for the order
    # the shopper goes back to the order, which offers to retry or to pay cash on delivery
    phone_page.get_by_role(
        "link", name=gettext("Try again or choose another payment method")
    ).click()
    expect(phone_page.get_by_role("button", name=gettext("Pay online again"))).to_be_visible()
    phone_page.get_by_role("button", name=gettext("Switch to cash on delivery")).click()
    expect(phone_page.locator(".order-code")).to_have_text(order.code)
    order.refresh_from_db()
    assert order.payment_method == "cod"
    assert Payment.objects.filter(order_reference=order.code, provider="cod").exists()
