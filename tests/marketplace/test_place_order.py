"""place_order: one order, one sub-order per enterprise, snapshots, stock reserved once."""

from __future__ import annotations

import pytest

from marketplace.exceptions import (
    CartEmpty,
    CheckoutInvalid,
    CodNotAllowed,
    OutOfStock,
    ProductUnavailable,
)
from marketplace.models import (
    CartLine,
    CodRefusal,
    Order,
    OrderLine,
    OrderSettings,
    Product,
    SubOrder,
    SubOrderEvent,
    Variant,
)
from marketplace.services.orders import place_order
from tests.marketplace.factories import EnterpriseFactory, ProductFactory, VariantFactory
from tests.marketplace.order_helpers import cart_with, contact

pytestmark = pytest.mark.django_db


def _two_sellers():
    first = VariantFactory(price_vnd=180_000, stock=5, gtin="8931234567896")
    second = VariantFactory(price_vnd=95_000, stock=3)
    return first, second


def test_place_order_makes_one_sub_order_per_enterprise_with_snapshots():
    # given
    first, second = _two_sellers()
    cart = cart_with((first, 2), (second, 1))
    # when
    order = place_order(cart=cart, contact=contact(), payment_method="cod")
    # then
    order.refresh_from_db()
    assert order.code.startswith("DH")
    assert order.code.endswith(f"{order.pk:04d}")
    assert order.phone == "+84987654321"
    assert order.items_vnd == 2 * 180_000 + 95_000
    # both enterprises are in Thai Nguyen: home-zone fee each, under the free threshold
    assert order.shipping_vnd == 2 * 20_000
    assert order.total_vnd == 455_000 + 40_000
    parts = {part.enterprise_id: part for part in order.sub_orders.all()}
    assert set(parts) == {first.product.enterprise_id, second.product.enterprise_id}
    assert parts[first.product.enterprise_id].items_vnd == 360_000
    line = OrderLine.objects.get(sub_order=parts[first.product.enterprise_id])
    assert (line.product_name, line.variant_name, line.sku, line.gtin) == (
        first.product.name,
        "Hộp 200g",
        first.sku,
        "8931234567896",
    )
    assert (line.unit_price_vnd, line.quantity, line.line_total_vnd) == (180_000, 2, 360_000)
    assert list(
        SubOrderEvent.objects.filter(sub_order__order=order).values_list("from_status", "to_status")
    ) == [("", "placed"), ("", "placed")]
    assert not CartLine.objects.filter(cart=cart).exists()


def test_place_order_reserves_stock_and_counts_sales():
    # given
    first, second = _two_sellers()
    cart = cart_with((first, 2), (second, 3))
    # when
    place_order(cart=cart, contact=contact(), payment_method="cod")
    # then
    assert Variant.objects.get(pk=first.pk).stock == 3
    assert Variant.objects.get(pk=second.pk).stock == 0
    product = Product.objects.get(pk=first.product_id)
    assert (product.total_stock, product.sold_count) == (3, 2)


def test_snapshot_survives_catalogue_changes():
    # given
    first, _ = _two_sellers()
    order = place_order(cart=cart_with((first, 1)), contact=contact(), payment_method="cod")
    # when
    Variant.objects.filter(pk=first.pk).update(price_vnd=1, name="Đổi tên")
    # then
    line = OrderLine.objects.get(sub_order__order=order)
    assert (line.variant_name, line.unit_price_vnd) == ("Hộp 200g", 180_000)


def test_free_shipping_above_threshold_and_other_province_fee():
    # given
    rich = VariantFactory(price_vnd=300_000, stock=5)
    cheap = VariantFactory(price_vnd=50_000, stock=5)
    cart = cart_with((rich, 2), (cheap, 1))
    # when: delivered to Hà Nội (province 1), another zone
    order = place_order(
        cart=cart,
        contact=contact(province_code=1, ward_code=4),
        payment_method="cod",
    )
    # then
    fees = sorted(order.sub_orders.values_list("shipping_vnd", flat=True))
    assert fees == [0, 35_000]
    assert order.shipping_vnd == 35_000


def test_a_shipping_zone_prices_its_provinces(django_assert_num_queries):
    # given: a zone for the northern provinces around Hà Nội, set by an officer
    rules = OrderSettings.load()
    rules.shipping_zones = [
        ("zone", {"name": "Miền Bắc", "provinces": ["1", "24"], "fee_vnd": 25_000}),
        ("zone", {"name": "Hà Nội nhanh", "provinces": ["1"], "fee_vnd": 99_000}),
    ]
    rules.save()
    rules = OrderSettings.load()
    # when / then: the first zone listing the province; home and unlisted provinces as before
    with django_assert_num_queries(0):
        assert rules.shipping_fee_vnd(items_vnd=100_000, province_code=1) == 25_000
        assert rules.shipping_fee_vnd(items_vnd=100_000, province_code=19) == 20_000
        assert rules.shipping_fee_vnd(items_vnd=100_000, province_code=79) == 35_000
        assert rules.shipping_fee_vnd(items_vnd=600_000, province_code=1) == 0
    order = place_order(
        cart=cart_with((VariantFactory(price_vnd=50_000, stock=5), 1)),
        contact=contact(province_code=1, ward_code=4),
        payment_method="cod",
    )
    assert order.shipping_vnd == 25_000


def test_out_of_stock_refuses_and_changes_nothing():
    # given
    first, second = _two_sellers()
    cart = cart_with((first, 2), (second, 4))
    # when
    with pytest.raises(OutOfStock) as caught:
        place_order(cart=cart, contact=contact(), payment_method="cod")
    # then
    assert "còn 3" in caught.value.message or "only 3 left" in caught.value.message
    assert Order.objects.count() == 0
    assert SubOrder.objects.count() == 0
    assert Variant.objects.get(pk=first.pk).stock == 5
    assert Variant.objects.get(pk=second.pk).stock == 3
    assert CartLine.objects.filter(cart=cart).count() == 2


def test_unpublished_product_in_cart_is_refused():
    # given
    first, second = _two_sellers()
    cart = cart_with((first, 1), (second, 1))
    Product.objects.filter(pk=second.product_id).update(status=Product.Status.ARCHIVED)
    # when
    with pytest.raises(ProductUnavailable):
        place_order(cart=cart, contact=contact(), payment_method="cod")
    # then
    assert Order.objects.count() == 0
    assert Variant.objects.get(pk=first.pk).stock == 5


def test_suspended_enterprise_is_refused():
    # given
    variant = VariantFactory(
        product=ProductFactory(enterprise=EnterpriseFactory(status="suspended"))
    )
    # when / then
    with pytest.raises(ProductUnavailable):
        place_order(cart=cart_with((variant, 1)), contact=contact(), payment_method="cod")


def test_empty_cart_is_refused():
    with pytest.raises(CartEmpty):
        place_order(cart=cart_with(), contact=contact(), payment_method="cod")


def test_unknown_payment_method_is_refused():
    first, _ = _two_sellers()
    with pytest.raises(CheckoutInvalid) as caught:
        place_order(cart=cart_with((first, 1)), contact=contact(), payment_method="bitcoin")
    assert set(caught.value.fields) == {"payment_method"}
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"phone": "12345"}, {"phone"}),
        ({"phone": "+1 202 555 0100"}, {"phone"}),
        ({"ward_code": 4}, {"ward_code"}),  # a Hà Nội ward with Thái Nguyên
        ({"province_code": 999}, {"province_code"}),
        ({"name": "  ", "street": ""}, {"name", "street"}),
        ({"email": "not-an-email"}, {"email"}),
    ],
)
def test_bad_contact_is_refused_with_field_messages(overrides, fields):
    with pytest.raises(CheckoutInvalid) as caught:
        contact(**overrides)
    assert set(caught.value.fields) == fields


def test_idempotency_key_returns_the_same_order():
    # given
    first, _ = _two_sellers()
    cart = cart_with((first, 1))
    order = place_order(cart=cart, contact=contact(), payment_method="cod", idempotency_key="k1")
    CartLine.objects.create(cart=cart, variant=first, quantity=1)
    # when
    again = place_order(cart=cart, contact=contact(), payment_method="cod", idempotency_key="k1")
    # then
    assert again.pk == order.pk
    assert Order.objects.count() == 1
    assert Variant.objects.get(pk=first.pk).stock == 4


def test_cod_refused_after_configured_refusals():
    # given
    settings = OrderSettings.load()
    settings.cod_refusal_limit = 1
    settings.save()
    first, second = _two_sellers()
    earlier = place_order(cart=cart_with((second, 1)), contact=contact(), payment_method="cod")
    CodRefusal.objects.create(phone="+84987654321", sub_order=earlier.sub_orders.get())
    # when
    with pytest.raises(CodNotAllowed):
        place_order(cart=cart_with((first, 1)), contact=contact(), payment_method="cod")
    # then: online payment is still possible
    order = place_order(cart=cart_with((first, 1)), contact=contact(), payment_method="vnpay")
    assert order.payment_method == "vnpay"


def test_place_order_query_count_is_fixed(django_assert_num_queries):
    # given: 10 lines from 3 enterprises
    enterprises = [EnterpriseFactory() for _ in range(3)]
    variants = [
        VariantFactory(product=ProductFactory(enterprise=enterprises[i % 3]), stock=9)
        for i in range(10)
    ]
    cart = cart_with(*[(variant, 2) for variant in variants])
    info = contact()
    OrderSettings.load()
    # when / then
    with django_assert_num_queries(QUERIES_PLACE_ORDER):
        order = place_order(cart=cart, contact=info, payment_method="cod")
    assert order.sub_orders.count() == 3
    assert OrderLine.objects.filter(sub_order__order=order).count() == 10


# settings, COD refusals, (savepoint), cart lines, lock products, lock variants, order, order
# code, sub-orders, lines, events, variant stock, product stock, empty the cart, (release)
QUERIES_PLACE_ORDER = 15


def test_an_officer_edits_shipping_zones_in_the_settings(client):
    from accounts.roles import Role, assign_role
    from tests.accounts.factories import UserFactory

    officer = UserFactory()
    assign_role(officer, Role.OFFICER)
    client.force_login(officer)
    url = "/admin/settings/marketplace/ordersettings/"
    page = client.get(url, follow=True)
    assert page.status_code == 200
    html = page.content.decode()
    assert '"fieldName": "shipping_zones"' in html  # the zones' editor, with its provinces
    assert "B\\u1eafc Ninh" in html or "Bắc Ninh" in html
