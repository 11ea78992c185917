"""Demo orders: every state over the last year, made by the real services, mailing nobody."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from marketplace.demo_orders import seed_orders
from marketplace.models import Order, SubOrder
from tests.marketplace.factories import VariantFactory

pytestmark = pytest.mark.django_db


def test_seed_orders_covers_the_lifecycle_once(django_capture_on_commit_callbacks):
    # given
    for _ in range(6):
        VariantFactory(stock=200)
    mail.outbox.clear()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        first = seed_orders(count=40)
    again = seed_orders(count=40)
    # then
    assert first.orders == Order.objects.count() == 40
    assert again.orders == 0
    statuses = set(SubOrder.objects.values_list("status", flat=True))
    assert statuses == set(SubOrder.Status.values)
    oldest = Order.objects.order_by("created_at").first().created_at
    assert oldest >= timezone.now() - datetime.timedelta(days=366)
    assert oldest < timezone.now() - datetime.timedelta(days=60)
    assert mail.outbox == []
