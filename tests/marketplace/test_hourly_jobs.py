"""run_hourly_jobs reminds enterprises of unconfirmed parts and cancels stale ones."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from marketplace.models import OrderSettings, SubOrder
from marketplace.services.orders import place_order
from tests.marketplace.factories import VariantFactory
from tests.marketplace.order_helpers import cart_with, contact

pytestmark = pytest.mark.django_db


def test_the_hourly_command_reminds_then_cancels_and_returns_the_stock():
    # given: a part placed 30 hours ago, with reminders after 12 and cancellation after 48
    rules = OrderSettings.load()
    rules.confirm_reminder_hours, rules.auto_cancel_hours = 12, 48
    rules.save()
    variant = VariantFactory(stock=5, product__enterprise__email="htx@example.vn")
    order = place_order(cart=cart_with((variant, 2)), contact=contact(), payment_method="cod")
    part = order.sub_orders.get()
    SubOrder.objects.filter(pk=part.pk).update(created_at=timezone.now() - dt.timedelta(hours=30))
    mail.outbox.clear()
    # when
    call_command("run_hourly_jobs", stdout=StringIO())
    call_command("run_hourly_jobs", stdout=StringIO())
    # then: one reminder, even when run twice
    part.refresh_from_db()
    assert part.status == SubOrder.Status.PLACED
    assert [message.to for message in mail.outbox] == [["htx@example.vn"]]
    # when the part is older than the cancellation delay
    SubOrder.objects.filter(pk=part.pk).update(created_at=timezone.now() - dt.timedelta(hours=49))
    call_command("run_hourly_jobs", stdout=StringIO())
    # then
    part.refresh_from_db()
    variant.refresh_from_db()
    assert part.status == SubOrder.Status.CANCELLED
    assert variant.stock == 5
