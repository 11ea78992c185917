"""Enterprises handle their own sub-orders in the Wagtail admin, and only their own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.roles import Role, assign_role
from marketplace.models import SubOrder, SubOrderEvent, Variant
from marketplace.services.orders import place_order
from tests.accounts.factories import UserFactory
from tests.marketplace.factories import MembershipFactory, VariantFactory
from tests.marketplace.order_helpers import cart_with, contact

pytestmark = pytest.mark.django_db


def member_of(enterprise):
    user = MembershipFactory(enterprise=enterprise).user
    assign_role(user, Role.ENTERPRISE_MEMBER)
    return user


@pytest.fixture
def two_parts():
    mine = VariantFactory(stock=5)
    theirs = VariantFactory(stock=5)
    order = place_order(
        cart=cart_with((mine, 1), (theirs, 2)), contact=contact(), payment_method="cod"
    )
    parts = {part.enterprise_id: part for part in order.sub_orders.all()}
    return parts[mine.product.enterprise_id], parts[theirs.product.enterprise_id], theirs


def test_member_lists_only_own_sub_orders(client, two_parts):
    # given
    mine, theirs, _variant = two_parts
    client.force_login(member_of(mine.enterprise))
    # when
    response = client.get(reverse("orders:index"))
    # then
    assert response.status_code == 200
    content = response.content.decode()
    assert mine.enterprise.name in content
    assert theirs.enterprise.name not in content


def test_member_confirms_ships_and_delivers_own_sub_order(client, two_parts):
    # given
    mine, _theirs, _variant = two_parts
    user = member_of(mine.enterprise)
    client.force_login(user)
    # when
    for action in ("confirm", "ship", "deliver"):
        response = client.post(reverse("orders:action", args=[mine.pk, action]), {"reason": ""})
        assert response.status_code == 302
    # then
    assert SubOrder.objects.get(pk=mine.pk).status == SubOrder.Status.DELIVERED
    assert SubOrderEvent.objects.filter(sub_order=mine, actor=user).count() == 3


@pytest.mark.parametrize("view", ["inspect", "action"])
def test_another_enterprises_sub_order_is_a_404(client, two_parts, view):
    # given
    mine, theirs, variant = two_parts
    client.force_login(member_of(mine.enterprise))
    # when
    if view == "inspect":
        response = client.get(reverse("orders:inspect", args=[theirs.pk]))
    else:
        response = client.post(
            reverse("orders:action", args=[theirs.pk, "cancel"]), {"reason": "x"}
        )
    # then
    assert response.status_code == 404
    assert SubOrder.objects.get(pk=theirs.pk).status == SubOrder.Status.PLACED
    assert Variant.objects.get(pk=variant.pk).stock == 3


def test_cancel_needs_a_reason_and_returns_stock(client, two_parts):
    # given
    _mine, theirs, variant = two_parts
    client.force_login(member_of(theirs.enterprise))
    url = reverse("orders:action", args=[theirs.pk, "cancel"])
    # when
    refused = client.post(url, {"reason": ""})
    done = client.post(url, {"reason": "Hết hàng trong kho"})
    # then
    assert refused.status_code == 200
    assert done.status_code == 302
    assert SubOrder.objects.get(pk=theirs.pk).status == SubOrder.Status.CANCELLED
    assert Variant.objects.get(pk=variant.pk).stock == 5


def test_officer_sees_all_but_does_not_fulfil(client, two_parts):
    # given
    mine, theirs, _variant = two_parts
    officer = UserFactory()
    assign_role(officer, Role.OFFICER)
    client.force_login(officer)
    # when
    listing = client.get(reverse("orders:index")).content.decode()
    action = client.post(reverse("orders:action", args=[mine.pk, "confirm"]), {"reason": ""})
    # then
    assert mine.enterprise.name in listing
    assert theirs.enterprise.name in listing
    # Wagtail answers a PermissionDenied with a redirect to the dashboard and a message
    assert action.status_code == 302
    assert action["Location"] == reverse("wagtailadmin_home")
    assert SubOrder.objects.get(pk=mine.pk).status == SubOrder.Status.PLACED
