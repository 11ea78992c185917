"""Bad input at every door: a clear answer, no 500, nothing written but the raw call."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from payments import selectors
from payments.exceptions import GatewayError
from payments.models import Payment, PaymentEvent, PaymentNotification
from payments.services import collect_cod_payment, start_payment
from tests.payments.conftest import local_path

pytestmark = pytest.mark.django_db


def test_empty_vnpay_ipn_is_a_signature_error(client):
    response = client.get(reverse("payments:vnpay_ipn"))
    assert response.status_code == 200
    assert response.json() == {"RspCode": "97", "Message": "Invalid signature"}
    assert PaymentNotification.objects.get().outcome == "invalid_signature"


def test_vnpay_ipn_keeps_the_raw_query_string(client):
    client.get(reverse("payments:vnpay_ipn") + "?vnp_TxnRef=A%20B&vnp_SecureHash=x")
    assert PaymentNotification.objects.get().query_string == "vnp_TxnRef=A%20B&vnp_SecureHash=x"


def test_vnpay_ipn_refuses_post(client):
    assert client.post(reverse("payments:vnpay_ipn")).status_code == 405
    assert PaymentNotification.objects.count() == 0


@pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2]", b'{"amount": "x"}'])
def test_momo_ipn_garbage_is_refused_with_400(client, body):
    response = client.post(reverse("payments:momo_ipn"), body, content_type="application/json")
    assert response.status_code == 400
    assert PaymentEvent.objects.count() == 0


@pytest.mark.parametrize("body", [b"", b"not json", b'{"data": 1, "mac": 2}', b'{"mac": "x"}'])
def test_zalopay_callback_garbage_answers_minus_one(client, body):
    response = client.post(
        reverse("payments:zalopay_callback"), body, content_type="application/json"
    )
    assert response.json() == {"return_code": -1, "return_message": "mac not equal"}


def test_gateway_posts_need_no_csrf_token_but_browser_pages_do(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert (
        strict.post(
            reverse("payments:momo_ipn"), b"{}", content_type="application/json"
        ).status_code
        == 400
    )
    assert strict.post(reverse("payments:sandbox_vnpay_pay"), {"choice": "pay"}).status_code == 403


@pytest.mark.parametrize("name", ["payments:vnpay_return", "payments:momo_return"])
def test_return_pages_with_garbage_show_an_invalid_page(client, name):
    response = client.get(reverse(name), {"vnp_Amount": "abc", "signature": "x"})
    assert response.status_code == 400
    assert response.context["state"] == "invalid"


def test_zalopay_return_for_an_unknown_reference(client):
    response = client.get(reverse("payments:zalopay_return"), {"apptransid": "nope"})
    assert response.context["state"] == "unknown"


def test_sandbox_refuses_a_tampered_payment_url(orders, client):
    payment = start_payment(order=orders.add("DH1000", 180_000), provider_code="vnpay")
    tampered = local_path(payment.redirect_url).replace("vnp_Amount=18000000", "vnp_Amount=100")
    response = client.get(tampered)
    assert response.status_code == 400
    assert "97" in response.context["error"]


def test_sandbox_refuses_a_bad_other_amount_and_shows_the_page_again(orders, client, gateway_http):
    payment = start_payment(order=orders.add("DH1001", 180_000), provider_code="vnpay")
    page = client.get(local_path(payment.redirect_url))
    token = page.context["transaction"].token
    again = client.post(
        reverse("payments:sandbox_vnpay_pay"),
        {"token": token, "choice": "other_amount", "amount": "abc"},
    )
    assert again.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_momo_gateway_5xx_at_start(orders, broken_gateway):
    broken_gateway("5xx")
    with pytest.raises(GatewayError) as raised:
        start_payment(order=orders.add("DH1002", 180_000), provider_code="momo")
    assert raised.value.retryable
    assert Payment.objects.get().status == Payment.Status.FAILED


def test_order_payment_state_is_one_query(orders, django_assert_num_queries):
    payment = start_payment(order=orders.add("DH1003", 180_000), provider_code="cod")
    collect_cod_payment(payment_id=payment.pk, actor="chu1")
    with django_assert_num_queries(1):
        state = selectors.order_payment_state(order_reference="DH1003")
    assert (state.paid_vnd, state.refunded_vnd, state.is_paid) == (180_000, 0, True)
    with django_assert_num_queries(1):
        assert [p.pk for p in selectors.payments_for_order(order_reference="DH1003")] == [
            payment.pk
        ]


def test_available_providers_follow_the_setting(settings):
    from payments.providers import available_providers

    settings.PAYMENTS_METHODS = ["vnpay", "cod"]
    with CaptureQueriesContext(connection) as queries:
        codes = [provider.code for provider in available_providers()]
    assert codes == ["vnpay", "cod"]
    assert len(queries) == 0


def test_payment_events_are_append_only(orders):
    payment = start_payment(order=orders.add("DH1004", 180_000), provider_code="cod")
    event = payment.events.get()
    event.amount_vnd = 1
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert payment.events.get().amount_vnd == 180_000
