"""The back office speaks Vietnamese, shows đồng as `180.000 ₫` and times in Vietnam's time."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.admin.utils import label_for_field
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role, assign_role
from marketplace.admin_views import ScopedViewSet
from marketplace.models import SubOrder
from marketplace.services.orders import place_order
from tests.marketplace.factories import MembershipFactory, VariantFactory
from tests.marketplace.order_helpers import cart_with, contact

# Words Vietnamese takes as they are.
SAME_IN_BOTH = {"email"}


def _viewsets(base: type) -> list[type]:
    found = []
    for subclass in base.__subclasses__():
        found += [subclass, *_viewsets(subclass)]
    return found


def _labels(viewset: type, language: str) -> dict[str, str]:
    names = [*viewset.list_display, *(getattr(viewset, "inspect_view_fields", None) or [])]
    with translation.override(language):
        return {
            name: str(label_for_field(name, viewset.model))
            for name in names
            if isinstance(name, str)
        }


@pytest.mark.parametrize("viewset", _viewsets(ScopedViewSet), ids=lambda viewset: viewset.__name__)
def test_every_column_and_field_of_the_back_office_is_translated(viewset):
    english, vietnamese = _labels(viewset, "en"), _labels(viewset, "vi")
    untranslated = [
        name
        for name, label in english.items()
        if vietnamese[name] == label and label.lower() not in SAME_IN_BOTH
    ]
    assert untranslated == []


@pytest.mark.django_db
def test_a_sub_orders_page_shows_dong_and_vietnam_time(client):
    # given: a sub-order placed at 01:36 UTC, 08:36 in Thái Nguyên
    variant = VariantFactory(price_vnd=1_250_000, stock=5)
    order = place_order(cart=cart_with((variant, 2)), contact=contact(), payment_method="cod")
    part = order.sub_orders.get()
    placed = datetime.datetime(2026, 11, 23, 1, 36, tzinfo=datetime.UTC)
    SubOrder.objects.filter(pk=part.pk).update(created_at=placed)
    user = MembershipFactory(enterprise=part.enterprise).user
    assign_role(user, Role.ENTERPRISE_MEMBER)
    client.force_login(user)
    # when
    listing = client.get(reverse("orders:index"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    page = client.get(
        reverse("orders:inspect", args=[part.pk]), HTTP_ACCEPT_LANGUAGE="vi"
    ).content.decode()
    # then
    for html in (listing, page):
        assert "2.500.000\u00a0₫" in html
        assert "2500000" not in html
    assert "08:36" in page
    assert "01:36" not in page
    assert "Đặt lúc" in page  # the field's label, in Vietnamese
