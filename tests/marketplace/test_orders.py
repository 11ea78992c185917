"""Sub-order lifecycle: transitions with events, stock back exactly once, COD refusals,
reminders and automatic cancellation, notifications."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from marketplace.exceptions import InvalidTransition, ReasonRequired
from marketplace.models import CodRefusal, OrderSettings, Product, SubOrder, SubOrderEvent, Variant
from marketplace.notify import SENDERS
from marketplace.services import orders as services
from marketplace.services.orders import MACHINE, place_order
from tests.accounts.factories import UserFactory
from tests.marketplace.factories import VariantFactory
from tests.marketplace.order_helpers import cart_with, contact

pytestmark = pytest.mark.django_db

S = SubOrder.Status


def _placed(stock: int = 5, quantity: int = 2, method: str = "cod"):
    variant = VariantFactory(stock=stock)
    order = place_order(
        cart=cart_with((variant, quantity)), contact=contact(), payment_method=method
    )
    return order.sub_orders.get(), variant


def test_transition_table_is_the_documented_one():
    assert MACHINE.allowed_actions(S.PLACED) == ["confirm", "cancel"]
    assert MACHINE.allowed_actions(S.CONFIRMED) == ["ship", "cancel"]
    assert MACHINE.allowed_actions(S.SHIPPED) == ["deliver", "fail_delivery"]
    assert MACHINE.allowed_actions(S.DELIVERED) == ["complete"]
    assert MACHINE.allowed_actions(S.DELIVERY_FAILED) == ["return"]
    assert MACHINE.allowed_actions(S.COMPLETED) == []
    assert MACHINE.allowed_actions(S.CANCELLED) == []
    assert MACHINE.allowed_actions(S.RETURNED) == []


def test_happy_path_writes_one_event_per_transition_and_stamps():
    # given
    part, _variant = _placed()
    seller = UserFactory()
    # when
    services.confirm_sub_order(sub_order_id=part.pk, actor=seller)
    services.ship_sub_order(sub_order_id=part.pk, actor=seller)
    services.deliver_sub_order(sub_order_id=part.pk, actor=seller)
    done = services.complete_sub_order(sub_order_id=part.pk, actor=None)
    # then
    assert done.status == S.COMPLETED
    assert list(
        SubOrderEvent.objects.filter(sub_order=part).values_list("from_status", "to_status")
    ) == [
        ("", "placed"),
        ("placed", "confirmed"),
        ("confirmed", "shipped"),
        ("shipped", "delivered"),
        ("delivered", "completed"),
    ]
    assert done.confirmed_at is not None
    assert done.shipped_at is not None
    assert done.delivered_at is not None


def test_invalid_transition_changes_nothing():
    # given
    part, _variant = _placed()
    # when
    with pytest.raises(InvalidTransition):
        services.ship_sub_order(sub_order_id=part.pk, actor=None)
    # then
    assert SubOrder.objects.get(pk=part.pk).status == S.PLACED
    assert SubOrderEvent.objects.filter(sub_order=part).count() == 1


def test_cancel_gives_stock_back_exactly_once():
    # given
    part, variant = _placed(stock=5, quantity=2)
    assert Variant.objects.get(pk=variant.pk).stock == 3
    # when
    services.cancel_sub_order(sub_order_id=part.pk, actor=None, reason="Hết nhu cầu")
    with pytest.raises(InvalidTransition):
        services.cancel_sub_order(sub_order_id=part.pk, actor=None)
    # then
    assert Variant.objects.get(pk=variant.pk).stock == 5
    product = Product.objects.get(pk=variant.product_id)
    assert (product.total_stock, product.sold_count) == (5, 0)


def test_cannot_cancel_once_shipped():
    part, variant = _placed()
    services.confirm_sub_order(sub_order_id=part.pk, actor=None)
    services.ship_sub_order(sub_order_id=part.pk, actor=None)
    with pytest.raises(InvalidTransition):
        services.cancel_sub_order(sub_order_id=part.pk, actor=None)
    assert Variant.objects.get(pk=variant.pk).stock == 3


def test_cod_refused_at_the_door_is_counted_and_stock_returns_when_back():
    # given
    part, variant = _placed(stock=5, quantity=2)
    services.confirm_sub_order(sub_order_id=part.pk, actor=None)
    services.ship_sub_order(sub_order_id=part.pk, actor=None)
    # when
    with pytest.raises(ReasonRequired):
        services.fail_sub_order_delivery(sub_order_id=part.pk, actor=None, reason=" ")
    services.fail_sub_order_delivery(sub_order_id=part.pk, actor=None, reason="Khách từ chối nhận")
    # then: refusal counted, stock not back until the parcel is back
    assert list(CodRefusal.objects.values_list("phone", flat=True)) == ["+84987654321"]
    assert services.cod_refusals(phone="+84987654321") == 1
    assert Variant.objects.get(pk=variant.pk).stock == 3
    services.return_sub_order(sub_order_id=part.pk, actor=None)
    assert Variant.objects.get(pk=variant.pk).stock == 5
    with pytest.raises(InvalidTransition):
        services.return_sub_order(sub_order_id=part.pk, actor=None)
    assert Variant.objects.get(pk=variant.pk).stock == 5


def test_online_paid_delivery_failure_is_not_a_cod_refusal():
    part, _variant = _placed(method="vnpay")
    services.confirm_sub_order(sub_order_id=part.pk, actor=None)
    services.ship_sub_order(sub_order_id=part.pk, actor=None)
    services.fail_sub_order_delivery(sub_order_id=part.pk, actor=None, reason="Sai địa chỉ")
    assert CodRefusal.objects.count() == 0


def test_reminder_then_auto_cancel_of_unconfirmed_parts():
    # given
    rules = OrderSettings.load()
    rules.confirm_reminder_hours = 12
    rules.auto_cancel_hours = 48
    rules.save()
    part, variant = _placed(stock=5, quantity=2)
    part.enterprise.email = "htx@example.vn"
    part.enterprise.save()
    mail.outbox.clear()
    placed_at = part.created_at
    # when: 13 hours later, twice
    first = services.remind_and_cancel_unconfirmed(now=placed_at + datetime.timedelta(hours=13))
    again = services.remind_and_cancel_unconfirmed(now=placed_at + datetime.timedelta(hours=14))
    # then
    assert (first, again) == ((1, 0), (0, 0))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["htx@example.vn"]
    # when: 49 hours later
    late = services.remind_and_cancel_unconfirmed(now=placed_at + datetime.timedelta(hours=49))
    # then
    assert late == (0, 1)
    assert SubOrder.objects.get(pk=part.pk).status == S.CANCELLED
    assert Variant.objects.get(pk=variant.pk).stock == 5


def test_confirmed_parts_are_not_auto_cancelled():
    part, _variant = _placed()
    services.confirm_sub_order(sub_order_id=part.pk, actor=None)
    later = timezone.now() + datetime.timedelta(days=10)
    assert services.remind_and_cancel_unconfirmed(now=later) == (0, 0)
    assert SubOrder.objects.get(pk=part.pk).status == S.CONFIRMED


def test_notifications_by_email_and_text_message_once_per_event(django_capture_on_commit_callbacks):
    # given
    SENDERS["console"].sent.clear()  # type: ignore[attr-defined]
    variant = VariantFactory()
    variant.product.enterprise.email = "htx@example.vn"
    variant.product.enterprise.save()
    mail.outbox.clear()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(cart=cart_with((variant, 1)), contact=contact(), payment_method="cod")
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_sub_order(sub_order_id=order.sub_orders.get().pk, actor=None)
    # then
    recipients = sorted(tuple(message.to) for message in mail.outbox)
    assert recipients == [("hoa@example.vn",), ("hoa@example.vn",), ("htx@example.vn",)]
    sent = SENDERS["console"].sent  # type: ignore[attr-defined]
    assert [phone for phone, _text in sent] == ["+84987654321", "+84987654321"]
    assert all(order.code in text for _phone, text in sent)
    assert SubOrderEvent.objects.filter(notified_at__isnull=True).count() == 0
