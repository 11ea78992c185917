"""The cart, checkout and order API: the contract that outside clients rely on."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from marketplace.models import Cart, CartLine, Order, SubOrder
from marketplace.payment_backend import MarketplaceOrders
from marketplace.services.orders import (
    LOOKUP_FAILURES,
    confirm_sub_order,
    place_order,
    ship_sub_order,
)
from payments.models import Payment
from payments.orders import register_order_backend
from tests.accounts.factories import UserFactory
from tests.marketplace.factories import EnterpriseFactory, ProductFactory, VariantFactory
from tests.marketplace.order_helpers import cart_with, contact

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}
DETAILS = {
    "name": "Nguyễn Thị Hoa",
    "phone": "0987 654 321",
    "province_code": 19,
    "ward_code": 5503,
    "street": "12 đường Tân Cương",
    "payment_method": "cod",
}


@pytest.fixture(autouse=True)
def _orders_connected():
    register_order_backend(MarketplaceOrders())
    yield
    register_order_backend(MarketplaceOrders())


def new_cart(client: Client) -> dict[str, str]:
    response = client.post("/api/v1/cart/")
    assert response.status_code == 201
    return {"X-Cart-Token": response.json()["token"]}


def add(client: Client, token: dict[str, str], variant_id: int, quantity: int = 1):
    return client.post(
        "/api/v1/cart/lines/",
        {"variant": variant_id, "quantity": quantity},
        content_type="application/json",
        headers={**token, **ENGLISH},
    )


def checkout(client: Client, token: dict[str, str], key: str = "", **changes: object):
    headers = {**token, **ENGLISH}
    if key:
        headers["Idempotency-Key"] = key
    body = {**DETAILS, **changes}
    return client.post("/api/v1/checkout/", body, content_type="application/json", headers=headers)


def error_of(response) -> tuple[int, str]:
    body = response.json()
    assert body["detail"] == body["error"]["message"]
    return response.status_code, body["error"]["code"]


def test_product_variants_carry_the_ids_the_cart_takes(client):
    variant = VariantFactory(gtin="08938505970011", price_vnd=180_000, stock=7)
    body = client.get(f"/api/v1/products/{variant.product.slug}/").json()
    assert [
        {key: item[key] for key in ("id", "sku", "gtin", "price_vnd", "stock")}
        for item in body["variants"]
    ] == [
        {
            "id": variant.pk,
            "sku": variant.sku,
            "gtin": "08938505970011",
            "price_vnd": 180_000,
            "stock": 7,
        }
    ]


def test_a_guest_fills_a_cart_from_two_enterprises_and_pays_cash_on_delivery(client):
    # given
    tea = VariantFactory(price_vnd=180_000, stock=5)
    honey = VariantFactory(price_vnd=95_000, stock=5)
    token = new_cart(client)
    # when
    assert add(client, token, tea.pk, 2).status_code == 201
    cart = add(client, token, honey.pk).json()
    placed = checkout(client, token)
    # then
    assert [len(group["lines"]) for group in cart["groups"]] == [1, 1]
    assert (cart["count"], cart["items_vnd"]) == (3, 455_000)
    assert cart["total_vnd"] == cart["items_vnd"] + cart["shipping_vnd"]
    assert placed.status_code == 201
    order = Order.objects.get()
    assert placed.json() == {
        "order_code": order.code,
        "total_vnd": order.total_vnd,
        "payment_url": None,
        "payment_error": None,
    }
    assert order.total_vnd == cart["total_vnd"]
    tea.refresh_from_db()
    assert tea.stock == 3


def test_the_server_prices_everything(client):
    # given
    variant = VariantFactory(price_vnd=180_000)
    token = new_cart(client)
    add(client, token, variant.pk)
    # when: a client that sends its own prices
    response = checkout(client, token, total_vnd=1, price_vnd=1, shipping_vnd=0)
    # then
    assert response.status_code == 201
    assert Order.objects.get().items_vnd == 180_000


def test_a_retried_checkout_with_the_same_key_answers_the_same_order(client):
    # given
    variant = VariantFactory(stock=5)
    token = new_cart(client)
    add(client, token, variant.pk)
    # when
    first = checkout(client, token, key="app-7f3a")
    second = checkout(client, token, key="app-7f3a")
    # then
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1
    variant.refresh_from_db()
    assert variant.stock == 4


def test_another_cart_sending_the_same_key_gets_its_own_order(client):
    # given: a shopper's order placed with a key an app chose
    variant = VariantFactory(stock=5)
    theirs = new_cart(client)
    add(client, theirs, variant.pk)
    their_order = checkout(client, theirs, key="app-1").json()
    # when: another cart sends the same key
    mine = new_cart(client)
    add(client, mine, variant.pk)
    answer = checkout(client, mine, key="app-1", name="Người khác")
    # then: a new order of its own, nothing of the first one's
    assert answer.status_code == 201
    assert answer.json()["order_code"] != their_order["order_code"]
    assert Order.objects.count() == 2


def test_an_ewallet_checkout_answers_the_gateway_address(client):
    variant = VariantFactory(price_vnd=180_000)
    token = new_cart(client)
    add(client, token, variant.pk)
    response = checkout(client, token, payment_method="vnpay", key="k-1")
    again = checkout(client, token, payment_method="vnpay", key="k-1")
    payment = Payment.objects.get()
    assert response.status_code == 201
    assert response.json()["payment_url"] == payment.redirect_url
    assert "/payments/sandbox/" in payment.redirect_url
    assert again.json()["payment_url"] == payment.redirect_url


def test_lines_change_and_go(client):
    variant = VariantFactory(stock=5)
    token = new_cart(client)
    line_id = add(client, token, variant.pk).json()["groups"][0]["lines"][0]["id"]
    changed = client.patch(
        f"/api/v1/cart/lines/{line_id}/",
        {"quantity": 4},
        content_type="application/json",
        headers=token,
    )
    assert changed.status_code == 200
    assert changed.json()["count"] == 4
    removed = client.delete(f"/api/v1/cart/lines/{line_id}/", headers=token)
    assert removed.status_code == 200
    assert removed.json()["groups"] == []
    gone = client.delete(f"/api/v1/cart/lines/{line_id}/", headers={**token, **ENGLISH})
    assert error_of(gone) == (404, "cart_line_not_found")


@pytest.mark.parametrize(
    ("quantity", "status", "code"),
    [(0, 400, "invalid_quantity"), (-3, 400, "invalid_quantity"), (6, 409, "out_of_stock")],
)
def test_quantities_below_one_or_beyond_stock_are_refused(client, quantity, status, code):
    variant = VariantFactory(stock=5)
    token = new_cart(client)
    response = add(client, token, variant.pk, quantity)
    assert error_of(response) == (status, code)
    assert not CartLine.objects.exists()


def test_an_unpublished_product_cannot_be_added_nor_bought(client):
    variant = VariantFactory(stock=5)
    token = new_cart(client)
    add(client, token, variant.pk)
    variant.product.status = variant.product.Status.DRAFT
    variant.product.save(update_fields=["status"])
    assert error_of(add(client, token, variant.pk)) == (409, "product_unavailable")
    assert error_of(checkout(client, token)) == (409, "product_unavailable")
    assert not Order.objects.exists()


def test_bad_checkout_details_get_messages_by_field_and_place_nothing(client):
    variant = VariantFactory(stock=5)
    token = new_cart(client)
    add(client, token, variant.pk)
    response = checkout(client, token, phone="12345", ward_code=4, name="")
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "checkout_invalid"
    assert set(body["error"]["fields"]) == {"phone", "ward_code", "name"}
    assert body["errors"] == body["error"]["fields"]
    assert not Order.objects.exists()
    variant.refresh_from_db()
    assert variant.stock == 5


def test_a_nul_character_or_an_overlong_email_is_a_message_not_a_500(client):
    variant = VariantFactory(stock=5)
    token = new_cart(client)
    add(client, token, variant.pk)
    email = "a" * 250 + "@example.vn"  # Django's check takes 320; an order keeps 254
    response = checkout(client, token, name="Hoa\x00", street="12\x00", email=email)
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"name", "street"}
    response = checkout(client, token, email=email)
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"email"}
    assert not Order.objects.exists()


def test_following_orders_by_guessing_phones_is_stopped_with_a_429(client):
    order = place_order(
        cart=cart_with((VariantFactory(), 1)), contact=contact(), payment_method="cod"
    )
    url = f"/api/v1/orders/{order.code}/"
    for guess in range(LOOKUP_FAILURES):
        assert client.get(url, {"phone": f"0912000{guess:03d}"}).status_code == 404
    assert error_of(client.get(url, {"phone": "0987654321"})) == (429, "too_many_lookups")


def test_mistyped_and_unknown_values_are_a_400(client):
    token = new_cart(client)
    response = checkout(client, token, province_code="abc", payment_method="bitcoin")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"province_code", "payment_method"}


def test_an_empty_cart_cannot_be_checked_out(client):
    assert error_of(checkout(client, new_cart(client))) == (409, "cart_empty")


def test_a_forged_or_missing_token_reaches_no_cart(client):
    someone = Cart.objects.create()
    forged = {"X-Cart-Token": f"{someone.pk}:forged"}
    assert error_of(client.get("/api/v1/cart/", headers=forged)) == (404, "cart_not_found")
    assert error_of(client.get("/api/v1/cart/")) == (400, "cart_token_required")


def test_a_token_never_reaches_a_signed_in_shoppers_cart(client):
    from marketplace.api_orders import cart_token

    shoppers = Cart.objects.create(user=UserFactory())
    response = client.get("/api/v1/cart/", headers={"X-Cart-Token": cart_token(shoppers)})
    assert error_of(response) == (404, "cart_not_found")


def test_one_guest_cannot_touch_another_guests_lines(client):
    variant = VariantFactory(stock=5)
    mine, theirs = new_cart(client), new_cart(client)
    their_line = add(client, theirs, variant.pk).json()["groups"][0]["lines"][0]["id"]
    response = client.patch(
        f"/api/v1/cart/lines/{their_line}/",
        {"quantity": 5},
        content_type="application/json",
        headers=mine,
    )
    assert error_of(response) == (404, "cart_line_not_found")
    assert CartLine.objects.get(pk=their_line).quantity == 1


def test_a_signed_in_shopper_uses_the_session_cart_and_needs_the_csrf_token():
    # given
    shopper = UserFactory()
    variant = VariantFactory(stock=5)
    client = Client(enforce_csrf_checks=True)
    client.force_login(shopper)
    # when / then: without the CSRF token a session cannot write
    refused = client.post(
        "/api/v1/cart/lines/", {"variant": variant.pk}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert not CartLine.objects.exists()
    client.get(reverse("marketplace:product", args=[variant.product.slug]))  # sets the cookie
    csrf = client.cookies["csrftoken"].value
    added = client.post(
        "/api/v1/cart/lines/",
        {"variant": variant.pk},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert added.status_code == 201
    assert added.json()["token"] is None
    assert Cart.objects.get(user=shopper).lines.count() == 1


def test_an_order_is_followed_with_its_phone_and_shows_each_enterprises_part(client):
    # given
    first, second = EnterpriseFactory(name="HTX Chè La Bằng"), EnterpriseFactory(name="HTX Ong")
    tea = VariantFactory(product=ProductFactory(enterprise=first))
    honey = VariantFactory(product=ProductFactory(enterprise=second))
    token = new_cart(client)
    add(client, token, tea.pk)
    add(client, token, honey.pk)
    code = checkout(client, token).json()["order_code"]
    part = SubOrder.objects.get(enterprise=first)
    confirm_sub_order(sub_order_id=part.pk, actor=None)
    ship_sub_order(sub_order_id=part.pk, actor=None)
    # when
    response = client.get(f"/api/v1/orders/{code}/", {"phone": "+84987654321"})
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["status"], body["payment_status"]) == (
        code,
        "in_progress",
        "pending",
    )
    assert [(part["enterprise"]["name"], part["status"]) for part in body["sub_orders"]] == [
        ("HTX Chè La Bằng", "shipped"),
        ("HTX Ong", "placed"),
    ]
    assert body["total_vnd"] == Order.objects.get().total_vnd


def test_a_wrong_phone_and_a_wrong_code_look_alike(client):
    token = new_cart(client)
    add(client, token, VariantFactory().pk)
    code = checkout(client, token).json()["order_code"]
    wrong_phone = client.get(f"/api/v1/orders/{code}/", {"phone": "0912345678"}, headers=ENGLISH)
    wrong_code = client.get("/api/v1/orders/DH0000000000/", {"phone": "0987654321"})
    no_phone = client.get(f"/api/v1/orders/{code}/")
    assert error_of(wrong_phone) == error_of(wrong_code) == error_of(no_phone)
    assert error_of(wrong_phone) == (404, "order_not_found")


def test_the_signed_in_owner_reads_the_order_without_the_phone(client):
    shopper = UserFactory()
    client.force_login(shopper)
    client.post("/api/v1/cart/lines/", {"variant": VariantFactory().pk}, "application/json")
    code = client.post("/api/v1/checkout/", DETAILS, "application/json").json()["order_code"]
    assert client.get(f"/api/v1/orders/{code}/").status_code == 200
    client.logout()
    client.force_login(UserFactory())
    assert client.get(f"/api/v1/orders/{code}/").status_code == 404


def test_the_contract_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/cart/"])
    assert {"patch", "delete"} <= set(paths["/api/v1/cart/lines/{line_id}/"])
    assert "post" in paths["/api/v1/checkout/"]
    assert "get" in paths["/api/v1/orders/{code}/"]


def test_query_counts_are_fixed(client, django_assert_num_queries):
    variants = [VariantFactory(stock=9) for _ in range(3)]
    token = new_cart(client)
    for variant in variants:
        add(client, token, variant.pk)
    with django_assert_num_queries(3):  # the cart, its lines with products, the fee rules
        client.get("/api/v1/cart/", headers=token)
    code = checkout(client, token).json()["order_code"]
    with django_assert_num_queries(4):  # order_detail's four
        client.get(f"/api/v1/orders/{code}/", {"phone": "0987654321"})
