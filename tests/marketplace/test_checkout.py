"""Checkout pages: guest COD checkout, e-wallet through payments, confirmation, lookup, cancel."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from marketplace.models import Cart, CodRefusal, Order, OrderSettings, SubOrder, Variant
from marketplace.order_selectors import order_detail, orders_for_user
from marketplace.payment_backend import MarketplaceOrders
from marketplace.services.orders import LOOKUP_FAILURES, confirm_sub_order, place_order
from payments.exceptions import GatewayRejected
from payments.models import Payment
from payments.orders import register_order_backend
from tests.accounts.factories import UserFactory
from tests.marketplace.factories import VariantFactory
from tests.marketplace.order_helpers import cart_with, contact

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Nguyễn Thị Hoa",
    "phone": "0987 654 321",
    "email": "",
    "province_code": "19",
    "ward_code": "5503",
    "street": "12 đường Tân Cương",
    "note": "",
    "payment_method": "cod",
    "idempotency_key": "checkout-1",
}


@pytest.fixture(autouse=True)
def _orders_connected():
    register_order_backend(MarketplaceOrders())
    yield
    register_order_backend(MarketplaceOrders())


def _fill_cart(client: Client, *variants: Variant) -> None:
    for variant in variants:
        client.post(reverse("marketplace:cart_add"), {"variant": variant.pk, "quantity": 1})


def test_guest_checks_out_with_cash_on_delivery(client):
    # given
    first = VariantFactory(price_vnd=180_000)
    second = VariantFactory(price_vnd=95_000)
    _fill_cart(client, first, second)
    assert client.get(reverse("marketplace:checkout")).status_code == 200
    # when
    response = client.post(reverse("marketplace:checkout"), FORM)
    # then
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("marketplace:order", args=[order.code])
    assert order.user is None
    assert order.total_vnd == 275_000 + 40_000
    assert order.sub_orders.count() == 2
    payment = Payment.objects.get(order_reference=order.code)
    assert (payment.provider, payment.status, payment.amount_vnd) == ("cod", "pending", 315_000)
    page = client.get(response["Location"])
    assert order.code in page.content.decode()
    assert client.get(reverse("marketplace:cart")).context["summary"].is_empty


def test_a_checkout_key_from_another_browser_does_not_open_its_order(client):
    # given: a shopper's order
    _fill_cart(client, VariantFactory(stock=5))
    theirs = client.post(reverse("marketplace:checkout"), FORM)
    # when: another browser posts its own cart with the same key
    other = Client()
    _fill_cart(other, VariantFactory(stock=5))
    mine = other.post(reverse("marketplace:checkout"), {**FORM, "name": "Người khác"})
    # then: its own order, and the first stays closed to it
    assert Order.objects.count() == 2
    assert mine["Location"] != theirs["Location"]
    assert other.get(theirs["Location"]).status_code == 404


def test_double_submitted_checkout_makes_one_order(client):
    # given
    _fill_cart(client, VariantFactory(stock=5))
    # when
    first = client.post(reverse("marketplace:checkout"), FORM)
    second = client.post(reverse("marketplace:checkout"), FORM)
    # then
    assert Order.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_ewallet_checkout_redirects_to_the_gateway(client):
    # given
    _fill_cart(client, VariantFactory(price_vnd=180_000))
    # when
    response = client.post(reverse("marketplace:checkout"), {**FORM, "payment_method": "vnpay"})
    # then
    order = Order.objects.get()
    payment = Payment.objects.get(order_reference=order.code)
    assert payment.provider == "vnpay"
    assert response.status_code == 302
    assert response["Location"] == payment.redirect_url
    assert "/payments/sandbox/" in payment.redirect_url


def test_order_paid_callback_marks_the_order_paid():
    # given
    order = place_order(
        cart=cart_with((VariantFactory(), 1)),
        contact=contact(),
        payment_method="vnpay",
    )
    payment = Payment.objects.create(
        order_reference=order.code, provider="vnpay", reference="x1", amount_vnd=order.total_vnd
    )
    # when
    MarketplaceOrders().order_paid(reference=order.code, payment=payment)
    # then
    order.refresh_from_db()
    assert order.payment_status == "paid"
    assert order.is_payable is False


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "0123"),
        ("ward_code", "4"),
        ("province_code", "abc"),
        ("province_code", "²"),  # a digit to str.isdigit, not to int()
        ("payment_method", "bitcoin"),
        ("name", ""),
        ("name", "Hoa\x00"),
        ("email", "a" * 250 + "@example.vn"),  # valid for Django, longer than an order keeps
    ],
)
def test_bad_checkout_input_shows_errors_and_places_nothing(client, field, value):
    # given
    variant = VariantFactory(stock=5)
    _fill_cart(client, variant)
    # when
    response = client.post(reverse("marketplace:checkout"), {**FORM, field: value})
    # then
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Order.objects.count() == 0
    assert Variant.objects.get(pk=variant.pk).stock == 5


def test_a_total_over_the_wallets_limit_is_refused_at_checkout_and_places_nothing(client):
    # given: MoMo takes at most 50.000.000 ₫ in one payment
    variant = VariantFactory(price_vnd=26_000_000, stock=5)
    _fill_cart(client, variant)
    client.post(reverse("marketplace:cart_add"), {"variant": variant.pk, "quantity": 1})
    # when
    response = client.post(reverse("marketplace:checkout"), {**FORM, "payment_method": "momo"})
    # then
    assert response.status_code == 200
    message = response.context["form"].errors["payment_method"][0]
    assert "MoMo" in message
    assert "50.000.000\u00a0₫" in message
    assert Order.objects.count() == 0
    assert Payment.objects.count() == 0
    assert Variant.objects.get(pk=variant.pk).stock == 5
    assert not client.get(reverse("marketplace:cart")).context["summary"].is_empty


def test_a_gateways_refusal_is_told_in_the_shoppers_words(client, monkeypatch):
    # given: the gateway answers with its own text, meant for the merchant
    def refuse(**kwargs):
        raise GatewayRejected("Invalid merchant configuration (code 99)", gateway_code="99")

    monkeypatch.setattr("marketplace.views_orders.start_payment", refuse)
    _fill_cart(client, VariantFactory(price_vnd=180_000))
    # when
    response = client.post(
        reverse("marketplace:checkout"), {**FORM, "payment_method": "zalopay"}, follow=True
    )
    # then: the order is kept, the shopper reads our message, not the gateway's
    order = Order.objects.get()
    page = response.content.decode()
    assert response.request["PATH_INFO"] == reverse("marketplace:order", args=[order.code])
    assert str(GatewayRejected.default_message) in page
    assert "merchant configuration" not in page


def test_client_prices_are_ignored(client):
    _fill_cart(client, VariantFactory(price_vnd=180_000))
    client.post(reverse("marketplace:checkout"), {**FORM, "total_vnd": "1", "price_vnd": "1"})
    assert Order.objects.get().items_vnd == 180_000


def test_cod_limit_message_at_checkout(client):
    # given
    rules = OrderSettings.load()
    rules.cod_refusal_limit = 1
    rules.save()
    earlier = place_order(
        cart=cart_with((VariantFactory(), 1)), contact=contact(), payment_method="cod"
    )
    CodRefusal.objects.create(phone="+84987654321", sub_order=earlier.sub_orders.get())
    _fill_cart(client, VariantFactory())
    # when
    response = client.post(reverse("marketplace:checkout"), {**FORM, "idempotency_key": "k2"})
    # then
    assert response.status_code == 200
    assert Order.objects.count() == 1
    assert response.context["form"].non_field_errors()


def test_order_page_is_private_to_its_browser_or_owner(client):
    # given
    _fill_cart(client, VariantFactory())
    client.post(reverse("marketplace:checkout"), FORM)
    order = Order.objects.get()
    url = reverse("marketplace:order", args=[order.code])
    # then
    assert client.get(url).status_code == 200
    assert Client().get(url).status_code == 404


def test_guest_looks_up_an_order_by_code_and_phone(client):
    # given
    order = place_order(
        cart=cart_with((VariantFactory(), 1)), contact=contact(), payment_method="cod"
    )
    stranger = Client()
    lookup = reverse("marketplace:order_lookup")
    # when: a wrong phone, then the right one in another spelling
    wrong = stranger.post(lookup, {"code": order.code, "phone": "0912 000 000"})
    right = stranger.post(lookup, {"code": order.code.lower(), "phone": "+84 987 654 321"})
    # then
    assert wrong.status_code == 200
    assert wrong.context["form"].non_field_errors()
    assert right.status_code == 302
    assert stranger.get(right["Location"]).status_code == 200


def test_an_address_that_keeps_guessing_is_stopped_for_a_while(client):
    # given: an order, and someone trying phone numbers against its code
    order = place_order(
        cart=cart_with((VariantFactory(), 1)), contact=contact(), payment_method="cod"
    )
    lookup = reverse("marketplace:order_lookup")
    for guess in range(LOOKUP_FAILURES):
        client.post(lookup, {"code": order.code, "phone": f"0912 000 {guess:03d}"})
    # when: even the right phone, from the same address
    response = client.post(lookup, {"code": order.code, "phone": "0987 654 321"})
    # then
    assert response.status_code == 200
    assert "Bạn đã thử sai quá nhiều lần" in response.content.decode()
    # and another address is not held back
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert other.post(lookup, {"code": order.code, "phone": "0987 654 321"}).status_code == 302


def test_shopper_cancels_before_confirmation_and_stock_returns(client):
    # given
    variant = VariantFactory(stock=5)
    _fill_cart(client, variant)
    client.post(reverse("marketplace:checkout"), FORM)
    order = Order.objects.get()
    assert Variant.objects.get(pk=variant.pk).stock == 4
    # when
    client.post(reverse("marketplace:order_cancel", args=[order.code]))
    client.post(reverse("marketplace:order_cancel", args=[order.code]))
    # then
    assert order.sub_orders.get().status == SubOrder.Status.CANCELLED
    assert Variant.objects.get(pk=variant.pk).stock == 5


def test_shopper_cannot_cancel_after_confirmation(client):
    # given
    variant = VariantFactory(stock=5)
    _fill_cart(client, variant)
    client.post(reverse("marketplace:checkout"), FORM)
    part = SubOrder.objects.get()
    confirm_sub_order(sub_order_id=part.pk, actor=None)
    # when
    response = client.post(reverse("marketplace:order_cancel", args=[part.order.code]), follow=True)
    # then
    assert response.status_code == 200
    assert SubOrder.objects.get().status == SubOrder.Status.CONFIRMED
    assert Variant.objects.get(pk=variant.pk).stock == 4


def test_signed_in_shopper_sees_orders_in_account(client):
    # given
    user = UserFactory()
    client.force_login(user)
    _fill_cart(client, VariantFactory(), VariantFactory())
    client.post(reverse("marketplace:checkout"), FORM)
    # when
    response = client.get(reverse("marketplace:my_orders"))
    # then
    order = Order.objects.get()
    assert order.user == user
    assert order.code in response.content.decode()
    assert Cart.objects.get(user=user).lines.count() == 0


def test_a_guests_orders_in_this_browser_are_the_accounts_once_registered(client):
    # given: a guest's order with their phone, and one they looked up for someone else
    _fill_cart(client, VariantFactory())
    client.post(reverse("marketplace:checkout"), FORM)
    mine = Order.objects.get()
    theirs = place_order(
        cart=cart_with((VariantFactory(), 1)),
        contact=contact(phone="0912 345 678"),
        payment_method="cod",
    )
    client.post(reverse("marketplace:order_lookup"), {"code": theirs.code, "phone": "0912 345 678"})
    # when: they register with their own number
    password = "chè-Tân-Cương-2026"
    client.post(
        reverse("accounts:register"),
        {
            "full_name": "Nguyễn Thị Hoa",
            "phone": "0987654321",
            "email": "",
            "password1": password,
            "password2": password,
        },
    )
    # then: "My orders" lists their own order only
    listed = client.get(reverse("marketplace:my_orders")).context["orders"]
    assert [order.code for order in listed] == [mine.code]
    theirs.refresh_from_db()
    assert theirs.user is None


def test_order_selectors_query_counts(django_assert_num_queries):
    user = UserFactory()
    for _ in range(3):
        place_order(
            cart=cart_with((VariantFactory(), 1), (VariantFactory(), 2)),
            contact=contact(),
            payment_method="cod",
            user=user,
        )
    code = Order.objects.first().code
    with django_assert_num_queries(4):
        order = order_detail(code=code)
        assert order is not None
        parts = list(order.sub_orders.all())
        assert [len(part.lines.all()) for part in parts] == [1, 1]
        assert [len(part.events.all()) for part in parts] == [1, 1]
    with django_assert_num_queries(2):
        orders = orders_for_user(user=user)
        assert [len(o.sub_orders.all()) for o in orders] == [2, 2, 2]


def test_checkout_is_prefilled_for_a_signed_in_shopper(client):
    # given
    user = UserFactory(phone="+84987654321", email="an@example.vn")
    client.force_login(user)
    _fill_cart(client, VariantFactory())
    # when
    form = client.get(reverse("marketplace:checkout")).context["form"]
    # then
    assert form.initial["phone"] == "0987 654 321"
    assert form.initial["email"] == "an@example.vn"
    assert form.initial["name"] == user.get_full_name()


def test_a_signed_in_shoppers_address_is_kept_once_and_fills_the_next_checkout(client):
    # given: a shopper in Hà Nội
    shopper = UserFactory()
    client.force_login(shopper)
    hanoi = {**FORM, "province_code": "1", "ward_code": "4", "street": "8 Hàng Bông"}
    for key in ("first", "second"):
        _fill_cart(client, VariantFactory(stock=5))
        client.post(reverse("marketplace:checkout"), {**hanoi, "idempotency_key": key})
    # then: two orders, one address kept, and it fills the next checkout
    assert Order.objects.filter(user=shopper).count() == 2
    address = shopper.addresses.get()
    assert (address.province_code, address.ward_code, address.is_default) == (1, 4, True)
    _fill_cart(client, VariantFactory(stock=5))
    form = client.get(reverse("marketplace:checkout")).context["form"]
    assert (form["province_code"].value(), form["ward_code"].value()) == (1, 4)
    assert form["street"].value() == "8 Hàng Bông"
    assert ("4", "Phường Ba Đình") in [
        (str(value), str(label)) for value, label in form.fields["ward_code"].choices
    ]
