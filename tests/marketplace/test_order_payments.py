"""Orders and payments together: paid online, cancelled parts refunded, unpaid ones cancelled."""

from __future__ import annotations

import pytest
from django.test import Client

from marketplace.models import Order
from marketplace.order_notifications import settle_cancelled_sub_order
from marketplace.payment_backend import MarketplaceOrders
from marketplace.services.orders import (
    cancel_sub_order,
    confirm_sub_order,
    deliver_sub_order,
    fail_sub_order_delivery,
    place_order,
    ship_sub_order,
)
from payments.models import Payment, PaymentEvent
from payments.orders import register_order_backend
from payments.services import start_payment
from tests.marketplace.factories import VariantFactory
from tests.marketplace.order_helpers import cart_with, contact
from tests.payments.conftest import gateway_http, local_path  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _orders_connected():
    register_order_backend(MarketplaceOrders())
    yield
    register_order_backend(MarketplaceOrders())


def _two_part_order(method: str) -> Order:
    return place_order(
        cart=cart_with(
            (VariantFactory(price_vnd=180_000), 1), (VariantFactory(price_vnd=95_000), 1)
        ),
        contact=contact(),
        payment_method=method,
    )


@pytest.mark.parametrize("provider", ["vnpay", "momo", "zalopay"])
def test_paid_online_order_is_marked_paid_and_a_cancelled_part_is_refunded(
    gateway_http,  # noqa: F811
    django_capture_on_commit_callbacks,
    provider,
):
    # given: a two-part order paid at the (sandbox) gateway
    order = _two_part_order(provider)
    payment = start_payment(order=order, provider_code=provider)
    shopper = Client()
    page = shopper.get(local_path(payment.redirect_url))
    with django_capture_on_commit_callbacks(execute=True):
        shopper.post(
            local_path(payment.redirect_url),
            {"token": page.context["transaction"].token, "choice": "pay"},
        )
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID
    part = order.sub_orders.order_by("items_vnd").first()
    # when: the enterprise cancels its part, and the task runs a second time
    with django_capture_on_commit_callbacks(execute=True):
        cancel_sub_order(sub_order_id=part.pk, actor=None, reason="Hết hàng")
    settle_cancelled_sub_order.call(sub_order_id=part.pk)
    # then: exactly that part's total is refunded, once
    payment.refresh_from_db()
    assert payment.refunded_vnd == part.total_vnd == 95_000 + 20_000
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED
    assert PaymentEvent.objects.filter(payment=payment, event_type="refunded").count() == 1


def test_cancelling_every_part_of_an_unpaid_cod_order_cancels_its_payment(
    django_capture_on_commit_callbacks,
):
    # given
    order = _two_part_order("cod")
    payment = start_payment(order=order, provider_code="cod")
    first, second = order.sub_orders.order_by("pk")
    # when: one part cancelled, the payment stays; both cancelled, it is cancelled
    with django_capture_on_commit_callbacks(execute=True):
        cancel_sub_order(sub_order_id=first.pk, actor=None)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        cancel_sub_order(sub_order_id=second.pk, actor=None)
    # then
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    order.refresh_from_db()
    assert order.is_payable is False


def test_cod_is_collected_when_every_part_is_delivered(django_capture_on_commit_callbacks):
    # given
    order = _two_part_order("cod")
    payment = start_payment(order=order, provider_code="cod")
    first, second = order.sub_orders.order_by("pk")
    for part in (first, second):
        confirm_sub_order(sub_order_id=part.pk, actor=None)
        ship_sub_order(sub_order_id=part.pk, actor=None)
    # when: one part delivered, the cash is not collected yet; both delivered, it is
    with django_capture_on_commit_callbacks(execute=True):
        deliver_sub_order(sub_order_id=first.pk, actor=None)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        deliver_sub_order(sub_order_id=second.pk, actor=None)
    # then
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID


def test_cod_with_a_refused_part_is_left_for_manual_settlement(django_capture_on_commit_callbacks):
    # given
    order = _two_part_order("cod")
    payment = start_payment(order=order, provider_code="cod")
    first, second = order.sub_orders.order_by("pk")
    for part in (first, second):
        confirm_sub_order(sub_order_id=part.pk, actor=None)
        ship_sub_order(sub_order_id=part.pk, actor=None)
    # when
    fail_sub_order_delivery(sub_order_id=first.pk, actor=None, reason="Khách từ chối nhận")
    with django_capture_on_commit_callbacks(execute=True):
        deliver_sub_order(sub_order_id=second.pk, actor=None)
    # then
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
