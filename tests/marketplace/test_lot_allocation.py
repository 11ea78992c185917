"""Shipping a part records the lot of each line, and a lot's report leads forward to those
orders (one step forward, for a recall)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role, assign_role
from marketplace.models import OrderLine
from marketplace.services.orders import confirm_sub_order, place_order, ship_sub_order
from tests.marketplace.factories import MembershipFactory, VariantFactory
from tests.marketplace.order_helpers import cart_with, contact
from tests.traceability.factories import BatchFactory, traced_batch
from traceability.models import Batch

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def shipped(*lines):
    order = place_order(cart=cart_with(*lines), contact=contact(), payment_method="cod")
    for part in order.sub_orders.all():
        confirm_sub_order(sub_order_id=part.pk, actor=None)
        ship_sub_order(sub_order_id=part.pk, actor=None)
    return order


def test_each_line_gets_the_newest_lot_on_sale_when_the_part_ships():
    # given: for the tea, an older lot, the newest, a draft, a future one and an expired one
    tea = VariantFactory(stock=10, gtin="")
    on_sale = Batch.Status.PUBLISHED
    BatchFactory(variant=tea, lot="TC-OLD", production_date=days(-60), status=on_sale)
    newest = traced_batch(variant=tea, lot="TC-NEW", production_date=days(-5))
    BatchFactory(variant=tea, lot="TC-DRAFT", production_date=days(-1))
    BatchFactory(variant=tea, lot="TC-LATER", production_date=days(3), status=on_sale)
    honey = VariantFactory(stock=10, gtin="")
    BatchFactory(
        variant=honey,
        lot="MO-GONE",
        production_date=days(-400),
        expiry_date=days(-1),
        status=on_sale,
    )
    # when
    order = shipped((tea, 2), (honey, 1))
    # then
    lots = dict(OrderLine.objects.filter(sub_order__order=order).values_list("variant", "batch"))
    assert lots == {tea.pk: newest.pk, honey.pk: None}


def test_placing_and_confirming_allocate_nothing():
    tea = VariantFactory(stock=10, gtin="")
    traced_batch(variant=tea)
    order = place_order(cart=cart_with((tea, 1)), contact=contact(), payment_method="cod")
    confirm_sub_order(sub_order_id=order.sub_orders.get().pk, actor=None)
    assert OrderLine.objects.get().batch is None


def test_the_lot_report_leads_forward_to_the_orders_for_its_enterprise_only(client):
    # given
    tea = VariantFactory(stock=10, gtin="")
    lot = traced_batch(variant=tea, lot="TC2026-A1")
    order = shipped((tea, 3))
    member = MembershipFactory(enterprise=tea.product.enterprise).user
    assign_role(member, Role.ENTERPRISE_MEMBER)
    stranger = MembershipFactory().user
    assign_role(stranger, Role.ENTERPRISE_MEMBER)
    url = reverse("traceability_batches:report", args=[lot.pk])
    # when
    client.force_login(member)
    page = client.get(url)
    # then
    assert page.status_code == 200
    assert [line.sub_order.order.code for line in page.context["order_lines"]] == [order.code]
    assert order.code in page.content.decode()
    client.force_login(stranger)
    assert client.get(url).status_code == 404
