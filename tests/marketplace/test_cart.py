"""The cart: guests and signed-in shoppers, limited by stock, grouped by enterprise."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext

from marketplace.cart_session import SESSION_KEY
from marketplace.exceptions import (
    CartLineNotFound,
    InvalidQuantity,
    OutOfStock,
    ProductUnavailable,
)
from marketplace.models import Cart, CartLine, OrderSettings, Product
from marketplace.order_selectors import cart_summary
from marketplace.services.cart import (
    add_to_cart,
    merge_carts,
    set_cart_quantity,
    start_guest_cart,
)
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.marketplace.factories import VariantFactory
from tests.marketplace.order_helpers import cart_with

pytestmark = pytest.mark.django_db


def test_add_to_cart_adds_up_within_stock():
    # given
    variant = VariantFactory(stock=3)
    cart = Cart.objects.create()
    # when
    add_to_cart(cart=cart, variant_id=variant.pk, quantity=2)
    line = add_to_cart(cart=cart, variant_id=variant.pk, quantity=1)
    # then
    assert line.quantity == 3
    assert CartLine.objects.filter(cart=cart).count() == 1


def test_add_beyond_stock_is_refused_and_changes_nothing():
    # given
    variant = VariantFactory(stock=3)
    cart = cart_with((variant, 2))
    # when
    with pytest.raises(OutOfStock) as caught:
        add_to_cart(cart=cart, variant_id=variant.pk, quantity=2)
    # then
    assert "3" in caught.value.message
    assert CartLine.objects.get(cart=cart).quantity == 2


@pytest.mark.parametrize("quantity", [0, -1])
def test_quantity_below_one_is_refused(quantity):
    variant = VariantFactory()
    cart = Cart.objects.create()
    with pytest.raises(InvalidQuantity):
        add_to_cart(cart=cart, variant_id=variant.pk, quantity=quantity)
    assert not CartLine.objects.exists()


def test_a_guest_cart_starts_with_its_first_line():
    # given
    variant = VariantFactory(stock=3)
    # when
    cart = start_guest_cart(variant_id=variant.pk, quantity=2)
    # then
    assert cart.user is None
    assert [(line.variant_id, line.quantity) for line in cart.lines.all()] == [(variant.pk, 2)]


@pytest.mark.parametrize(
    ("quantity", "stock", "draft", "refusal"),
    [
        (4, 3, False, OutOfStock),
        (0, 3, False, InvalidQuantity),
        (1000, 2000, False, InvalidQuantity),
        (1, 3, True, ProductUnavailable),
    ],
)
def test_a_guest_cart_refused_its_first_line_is_not_made(quantity, stock, draft, refusal):
    # given
    variant = VariantFactory(stock=stock)
    if draft:
        Product.objects.filter(pk=variant.product_id).update(status=Product.Status.DRAFT)
    # when
    with pytest.raises(refusal):
        start_guest_cart(variant_id=variant.pk, quantity=quantity)
    # then: no empty cart left behind
    assert not Cart.objects.exists()
    assert not CartLine.objects.exists()


def test_unpublished_product_cannot_be_added():
    variant = VariantFactory()
    Product.objects.filter(pk=variant.product_id).update(status=Product.Status.DRAFT)
    with pytest.raises(ProductUnavailable):
        add_to_cart(cart=Cart.objects.create(), variant_id=variant.pk)


def test_set_quantity_zero_removes_and_another_carts_line_is_untouched():
    # given
    variant = VariantFactory()
    mine = cart_with((variant, 2))
    theirs = cart_with((variant, 1))
    their_line = theirs.lines.get()
    # when / then
    with pytest.raises(CartLineNotFound):
        set_cart_quantity(cart=mine, line_id=their_line.pk, quantity=5)
    assert CartLine.objects.get(pk=their_line.pk).quantity == 1
    set_cart_quantity(cart=mine, line_id=mine.lines.get().pk, quantity=0)
    assert not mine.lines.exists()


def test_merge_adds_quantities_capped_by_stock():
    # given
    shared = VariantFactory(stock=4)
    other = VariantFactory(stock=5)
    user = UserFactory()
    guest = cart_with((shared, 3), (other, 1))
    target = cart_with((shared, 2), user=user)
    # when
    merge_carts(source=guest, target=target)
    # then
    quantities = dict(target.lines.values_list("variant_id", "quantity"))
    assert quantities == {shared.pk: 4, other.pk: 1}
    assert not Cart.objects.filter(pk=guest.pk).exists()


def test_cart_summary_groups_by_enterprise_with_fees(django_assert_num_queries):
    # given
    first = VariantFactory(price_vnd=100_000, stock=5)
    second = VariantFactory(price_vnd=600_000, stock=5)
    third = VariantFactory(price_vnd=50_000, stock=5, product=first.product)
    cart = cart_with((first, 1), (second, 1), (third, 2))
    OrderSettings.load()  # created once, as on any running site
    # when
    with django_assert_num_queries(2):
        summary = cart_summary(cart=cart)
    # then
    assert [group.enterprise.pk for group in summary.groups] == [
        first.product.enterprise_id,
        second.product.enterprise_id,
    ]
    assert [(g.items_vnd, g.shipping_vnd) for g in summary.groups] == [
        (200_000, 20_000),
        (600_000, 0),
    ]
    assert (summary.items_vnd, summary.shipping_vnd, summary.total_vnd) == (
        800_000,
        20_000,
        820_000,
    )
    assert summary.count == 4
    assert summary.has_problems is False


def test_cart_summary_flags_lines_beyond_stock_or_unpublished():
    # given
    low = VariantFactory(stock=1)
    gone = VariantFactory()
    cart = cart_with((low, 3), (gone, 1))
    Product.objects.filter(pk=gone.product_id).update(status=Product.Status.ARCHIVED)
    # when
    summary = cart_summary(cart=cart)
    # then
    assert summary.has_problems is True
    assert summary.items_vnd == 0
    assert [item.is_available for g in summary.groups for item in g.items] == [False, False]


def test_guest_adds_from_product_page_and_sees_cart(client):
    # given
    variant = VariantFactory(stock=5, price_vnd=180_000)
    # when
    response = client.post(
        reverse("marketplace:cart_add"), {"variant": variant.pk, "quantity": 2}, follow=True
    )
    # then
    assert response.status_code == 200
    content = response.content.decode()
    assert variant.product.enterprise.name in content
    assert "360.000" in content
    assert Cart.objects.get(pk=client.session[SESSION_KEY]).lines.get().quantity == 2


def test_adding_beyond_stock_shows_a_message(client):
    variant = VariantFactory(stock=1)
    response = client.post(
        reverse("marketplace:cart_add"), {"variant": variant.pk, "quantity": 5}, follow=True
    )
    assert response.status_code == 200
    expected = gettext("Only %(count)s left of %(product)s – %(variant)s.") % {
        "count": 1,
        "product": variant.product.name,
        "variant": variant.name,
    }
    assert expected in response.content.decode()
    assert not CartLine.objects.exists()
    # a first visitor's refused add makes no cart and remembers none
    assert not Cart.objects.exists()
    assert SESSION_KEY not in client.session


def test_bad_cart_input_never_500s(client):
    variant = VariantFactory()
    for data in ({"variant": "x"}, {"variant": variant.pk, "quantity": "-3"}, {}):
        response = client.post(reverse("marketplace:cart_add"), data)
        assert response.status_code == 302
    response = client.post(reverse("marketplace:cart_line", args=[999]), {"quantity": "abc"})
    assert response.status_code == 302
    assert not CartLine.objects.exists()


def test_the_header_counts_the_items_in_the_cart(client):
    # given
    variant = VariantFactory(stock=5)
    home = reverse("marketplace:catalogue")
    assert '<span class="badge">' not in client.get(home).content.decode()
    # when
    client.post(reverse("marketplace:cart_add"), {"variant": variant.pk, "quantity": 2})
    other = VariantFactory(stock=3)
    client.post(reverse("marketplace:cart_add"), {"variant": other.pk, "quantity": 1})
    # then
    assert '<span class="badge">3</span>' in client.get(home).content.decode()


def test_guest_cart_is_merged_at_sign_in(client):
    # given
    user = UserFactory()
    variant = VariantFactory(stock=5)
    cart_with((variant, 1), user=user)
    client.post(reverse("marketplace:cart_add"), {"variant": variant.pk, "quantity": 2})
    # when
    response = client.post(
        reverse("accounts:login"), {"username": user.phone, "password": TEST_PASSWORD}
    )
    # then
    assert response.status_code == 302
    assert get_user_model().objects.get(pk=user.pk).cart.lines.get().quantity == 3
    assert Cart.objects.count() == 1


def test_product_page_has_an_add_to_cart_form_that_works_without_javascript(client):
    # given
    variant = VariantFactory(stock=4)
    # when
    page = client.get(reverse("marketplace:product", args=[variant.product.slug]))
    # then
    content = page.content.decode()
    assert f'action="{reverse("marketplace:cart_add")}"' in content
    assert f'name="variant" value="{variant.pk}"' in content
    assert 'max="4"' in content
