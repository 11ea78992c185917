"""MoMo and ZaloPay round trips through the offline sandbox."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from payments import conf
from payments.exceptions import AmountOutOfRange
from payments.gateways import momo as momo_sdk
from payments.gateways.http import hmac_hex
from payments.models import Payment, PaymentEvent, PaymentNotification
from payments.services import start_payment
from tests.payments.conftest import local_path

pytestmark = pytest.mark.django_db


def _pay(client, payment, choice="pay", amount=None):
    page = client.get(local_path(payment.redirect_url))
    assert page.status_code == 200
    data = {"token": page.context["transaction"].token, "choice": choice}
    if amount is not None:
        data["amount"] = str(amount)
    return client.post(local_path(payment.redirect_url), data)


def test_momo_pay_round_trip(orders, client, gateway_http, django_capture_on_commit_callbacks):
    # given
    order = orders.add("DH0100", 250_000)
    payment = start_payment(order=order, provider_code="momo")
    assert ("POST", reverse("payments:sandbox_momo_create")) in gateway_http.calls
    # when
    with django_capture_on_commit_callbacks(execute=True):
        redirect = _pay(client, payment)
    # then
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.gateway_transaction_id.isdigit()
    assert orders.paid == [("DH0100", payment.pk)]
    page = client.get(local_path(redirect["Location"]))
    assert page.context["state"] == "paid"


def test_momo_ipn_answers_204_then_204_for_a_replay_without_new_events(
    orders, client, gateway_http
):
    order = orders.add("DH0101", 250_000)
    payment = start_payment(order=order, provider_code="momo")
    _pay(client, payment)
    events = payment.events.count()
    # replay the exact IPN the sandbox sent
    config = conf.momo_config()
    body = {
        "partnerCode": config.partner_code,
        "orderId": payment.reference,
        "requestId": payment.gateway_data["requestId"],
        "amount": 250_000,
        "orderInfo": order.description,
        "orderType": "momo_wallet",
        "transId": 1,
        "resultCode": 0,
        "message": "Successful.",
        "payType": "webApp",
        "responseTime": 1,
        "extraData": "",
    }
    body["signature"] = momo_sdk.sign(
        {**body, "accessKey": config.access_key}, momo_sdk.IPN_FIELDS, config.secret_key
    )
    response = client.post(reverse("payments:momo_ipn"), body, content_type="application/json")
    assert response.status_code == 204
    assert response.content == b""
    assert payment.events.count() == events


def test_momo_forged_ipn_is_refused(orders, client):
    order = orders.add("DH0102", 250_000)
    body = {"partnerCode": "MOMOSANDBOX", "orderId": "DH0102-1", "amount": 250_000, "resultCode": 0,
            "signature": "00"}  # fmt: skip
    response = client.post(reverse("payments:momo_ipn"), body, content_type="application/json")
    assert response.status_code == 400
    assert order.reference not in orders.paid


def test_a_gateway_call_with_a_nul_byte_is_kept_and_answered(orders, client):
    body = b'{"orderId": "DH0106-1\x00", "resultCode": 0, "signature": "00"}'
    response = client.post(reverse("payments:momo_ipn"), body, content_type="application/json")
    assert response.status_code == 400  # not signed by MoMo
    kept = PaymentNotification.objects.get()
    assert "DH0106-1\ufffd" in kept.body
    assert kept.outcome == "invalid_signature"


def test_momo_user_declines(orders, client, gateway_http):
    order = orders.add("DH0103", 250_000)
    payment = start_payment(order=order, provider_code="momo")
    redirect = _pay(client, payment, choice="cancel")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert payment.events.get(event_type=PaymentEvent.Type.FAILED).result_code == "1006"
    assert client.get(local_path(redirect["Location"])).context["state"] == "cancelled"


@pytest.mark.parametrize("amount", [500, 50_000_001])
def test_momo_amount_outside_wallet_limits_is_refused_before_anything_is_written(
    orders, gateway_http, amount
):
    order = orders.add("DH0104", amount)
    with pytest.raises(AmountOutOfRange) as refused:
        start_payment(order=order, provider_code="momo")
    assert "1.000\u00a0₫" in refused.value.message
    assert "50.000.000\u00a0₫" in refused.value.message
    assert gateway_http.calls == []
    assert not Payment.objects.exists()


def test_the_wallets_limit_itself_is_accepted(orders, gateway_http):
    payment = start_payment(order=orders.add("DH0105", 50_000_000), provider_code="momo")
    assert payment.redirect_url


def test_zalopay_pay_round_trip(orders, client, gateway_http, django_capture_on_commit_callbacks):
    order = orders.add("DH0200", 90_000)
    payment = start_payment(order=order, provider_code="zalopay")
    assert payment.reference.endswith("_DH0200-1")
    with django_capture_on_commit_callbacks(execute=True):
        redirect = _pay(client, payment)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert orders.paid == [("DH0200", payment.pk)]
    page = client.get(local_path(redirect["Location"]))
    assert page.context["state"] == "paid"


def test_zalopay_callback_bad_mac_answers_minus_one(orders, client):
    data = json.dumps({"app_id": 2600, "app_trans_id": "x", "amount": 1})
    response = client.post(
        reverse("payments:zalopay_callback"),
        {"data": data, "mac": "00", "type": 1},
        content_type="application/json",
    )
    assert response.json() == {"return_code": -1, "return_message": "mac not equal"}


def test_zalopay_callback_replay_answers_success_once(orders, client, gateway_http):
    order = orders.add("DH0201", 90_000)
    payment = start_payment(order=order, provider_code="zalopay")
    _pay(client, payment)
    config = conf.zalopay_config()
    data = json.dumps(
        {
            "app_id": int(config.app_id),
            "app_trans_id": payment.reference,
            "amount": 90_000,
            "zp_trans_id": 1,
        }
    )
    envelope = {"data": data, "mac": hmac_hex(key=config.key2, message=data, digest="sha256")}
    response = client.post(
        reverse("payments:zalopay_callback"), envelope, content_type="application/json"
    )
    assert response.json() == {"return_code": 1, "return_message": "success"}
    assert payment.events.filter(event_type=PaymentEvent.Type.PAID).count() == 1


def test_zalopay_cancel_sends_no_callback_and_the_return_shows_not_paid_yet(
    orders, client, gateway_http
):
    order = orders.add("DH0202", 90_000)
    payment = start_payment(order=order, provider_code="zalopay")
    redirect = _pay(client, payment, choice="cancel")
    assert ("POST", reverse("payments:zalopay_callback")) not in gateway_http.calls
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    # the redirect's status only picks the message; the payment stays as our records say
    assert client.get(local_path(redirect["Location"])).context["state"] == "failed"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
