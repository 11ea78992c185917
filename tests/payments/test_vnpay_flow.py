"""VNPay end to end through the offline sandbox: real signatures, every IPN answer code."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from payments import conf
from payments.gateways import vnpay as sdk
from payments.models import Payment, PaymentEvent, PaymentNotification, SandboxTransaction
from payments.services import start_payment
from tests.payments.conftest import GATEWAY_IP, local_path

pytestmark = pytest.mark.django_db


def _start(orders, reference="DH0001", amount=180_000):
    order = orders.add(reference, amount)
    return start_payment(order=order, provider_code="vnpay", ip_address="198.51.100.7")


def _pay(client, payment, choice="pay", amount=None):
    """The shopper opens the sandbox page and presses a button; returns the final redirect."""
    page = client.get(local_path(payment.redirect_url))
    assert page.status_code == 200
    token = page.context["transaction"].token
    data = {"token": token, "choice": choice}
    if amount is not None:
        data["amount"] = str(amount)
    return client.post(reverse("payments:sandbox_vnpay_pay"), data)


def _signed_ipn(params: dict[str, str]) -> str:
    """Sign IPN parameters with the sandbox's terminal secret, as VNPay would."""
    config = conf.vnpay_config()
    signed = dict(params.items())
    signed["vnp_SecureHash"] = sdk.sign(sdk.canonical_query(signed), config.hash_secret)
    return reverse("payments:vnpay_ipn") + "?" + urlencode(signed)


def _ipn_params(payment, *, amount=None, response_code="00", status="00", txn_ref=None):
    return {
        "vnp_Amount": str((payment.amount_vnd if amount is None else amount) * 100),
        "vnp_BankCode": "NCB",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": "Che Tan Cuong",
        "vnp_PayDate": "20261123103000",
        "vnp_ResponseCode": response_code,
        "vnp_TmnCode": conf.vnpay_config().tmn_code,
        "vnp_TransactionNo": "14422574",
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": txn_ref or payment.reference,
    }


def test_payment_url_is_signed_and_accepted_by_the_sandbox(orders, client):
    # given / when
    payment = _start(orders)
    # then
    query = dict(parse_qsl(urlsplit(payment.redirect_url).query))
    assert query["vnp_Amount"] == "18000000"
    assert query["vnp_OrderInfo"] == "Che Tan Cuong hop 200g, don #1"
    assert "vnp_SecureHashType" not in query
    assert payment.gateway_data["vnp_CreateDate"] == query["vnp_CreateDate"]
    assert client.get(local_path(payment.redirect_url)).status_code == 200


def test_pay_round_trip_marks_paid_once_through_the_ipn(
    orders, client, gateway_http, django_capture_on_commit_callbacks
):
    # given
    payment = _start(orders)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        redirect = _pay(client, payment)
    # then the IPN was called server to server before the browser came back
    assert ("GET", reverse("payments:vnpay_ipn")) in gateway_http.calls
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.gateway_transaction_id != ""
    assert orders.paid == [("DH0001", payment.pk)]
    notification = PaymentNotification.objects.get()
    assert notification.outcome == "confirmed"
    assert notification.source_ip == GATEWAY_IP
    event = payment.events.get(event_type=PaymentEvent.Type.PAID)
    assert event.source_ip == GATEWAY_IP
    assert event.raw_payload["vnp_TxnRef"] == payment.reference
    # and the return page shows the result
    assert redirect.status_code == 302
    page = client.get(local_path(redirect["Location"]))
    assert page.status_code == 200
    assert page.context["state"] == "paid"
    # (Vietnamese once the catalogue with /tmp/i18n-payments.json is merged)
    assert gettext("Payment successful") in page.content.decode()


def test_cancel_at_the_gateway_keeps_the_order_unpaid_with_a_retry_link(
    orders, client, gateway_http
):
    payment = _start(orders)
    redirect = _pay(client, payment, choice="cancel")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert orders.paid == []
    page = client.get(local_path(redirect["Location"]))
    assert page.context["state"] == "cancelled"
    assert "/don-hang/DH0001/" in page.content.decode()
    # a retry is a new attempt with a new reference
    retry = start_payment(order=orders.orders["DH0001"], provider_code="vnpay")
    assert retry.reference == "DH0001-2"


def test_failed_payment_is_recorded_and_answered_00(orders, client, gateway_http):
    payment = _start(orders)
    _pay(client, payment, choice="fail")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    event = payment.events.get(event_type=PaymentEvent.Type.FAILED)
    assert event.result_code == "51"
    assert PaymentNotification.objects.get().outcome == "confirmed"


def test_different_amount_is_refused_with_04_and_nothing_changes(orders, client, gateway_http):
    payment = _start(orders)
    _pay(client, payment, choice="other_amount", amount=1_000)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert list(payment.events.values_list("event_type", flat=True)) == ["created"]
    answer = SandboxTransaction.objects.get(
        merchant_reference=payment.reference
    ).notification_answer
    assert '"RspCode": "04"' in answer


def test_forged_signature_is_refused_with_97(orders, client):
    payment = _start(orders)
    params = _ipn_params(payment)
    params["vnp_SecureHash"] = "0" * 128
    response = client.get(reverse("payments:vnpay_ipn"), params)
    assert response.json() == {"RspCode": "97", "Message": "Invalid signature"}
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert payment.events.count() == 1
    assert PaymentNotification.objects.get().outcome == "invalid_signature"


def test_altered_amount_breaks_the_signature(orders, client):
    payment = _start(orders)
    url = _signed_ipn(_ipn_params(payment))
    tampered = url.replace("vnp_Amount=18000000", "vnp_Amount=100")
    assert client.get(tampered).json()["RspCode"] == "97"


def test_signed_but_wrong_amount_answers_04(orders, client):
    payment = _start(orders)
    response = client.get(_signed_ipn(_ipn_params(payment, amount=179_999)))
    assert response.json() == {"RspCode": "04", "Message": "invalid amount"}
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_unknown_reference_answers_01(orders, client):
    payment = _start(orders)
    response = client.get(_signed_ipn(_ipn_params(payment, txn_ref="DH9999-1")))
    assert response.json() == {"RspCode": "01", "Message": "Order not found"}


def test_signature_is_checked_before_the_order(client, orders):
    # an unknown order with a bad signature is a signature problem first
    response = client.get(
        reverse("payments:vnpay_ipn"), {"vnp_TxnRef": "NOPE", "vnp_SecureHash": "ab"}
    )
    assert response.json()["RspCode"] == "97"


def test_replay_answers_02_and_writes_no_event(orders, client, django_capture_on_commit_callbacks):
    payment = _start(orders)
    url = _signed_ipn(_ipn_params(payment))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).json() == {"RspCode": "00", "Message": "Confirm Success"}
    events = payment.events.count()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        again = client.get(url)
    # then
    assert again.json() == {"RspCode": "02", "Message": "Order already confirmed"}
    assert payment.events.count() == events
    assert orders.paid == [("DH0001", payment.pk)]
    assert PaymentNotification.objects.count() == 2


def test_success_after_a_failure_notification_is_not_lost(orders, client):
    # out of order: our reconciliation marked it failed, then VNPay confirms the money
    payment = _start(orders)
    assert (
        client.get(_signed_ipn(_ipn_params(payment, response_code="24", status="02"))).json()[
            "RspCode"
        ]
        == "00"
    )
    response = client.get(_signed_ipn(_ipn_params(payment)))
    assert response.json()["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID


def test_failure_after_success_does_not_unpay(orders, client):
    payment = _start(orders)
    client.get(_signed_ipn(_ipn_params(payment)))
    response = client.get(_signed_ipn(_ipn_params(payment, response_code="99", status="02")))
    assert response.json()["RspCode"] == "02"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID


def test_unexpected_error_answers_99_and_keeps_the_raw_call(orders, client, monkeypatch):
    payment = _start(orders)

    def explode(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("payments.services.capture_payment", explode)
    response = client.get(_signed_ipn(_ipn_params(payment)))
    assert response.json() == {"RspCode": "99", "Message": "Unknow error"}
    assert PaymentNotification.objects.get().outcome == "error"


def test_return_before_ipn_only_shows_confirming(orders, client):
    payment = _start(orders)
    url = _signed_ipn(_ipn_params(payment)).replace(
        reverse("payments:vnpay_ipn"), reverse("payments:vnpay_return")
    )
    page = client.get(url)
    assert page.context["state"] == "confirming"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert payment.events.count() == 1


def test_return_with_forged_signature_changes_nothing(orders, client):
    payment = _start(orders)
    params = _ipn_params(payment)
    params["vnp_SecureHash"] = "f" * 128
    page = client.get(reverse("payments:vnpay_return"), params)
    assert page.status_code == 400
    assert page.context["state"] == "invalid"


def test_return_page_says_the_payment_succeeded_in_vietnamese(orders, client):
    # The gateway's return address has no language prefix, so it is the default language's
    # page whatever the browser asks for (journey 3: "Thanh toán thành công").
    payment = _start(orders)
    client.get(_signed_ipn(_ipn_params(payment)))
    url = _signed_ipn(_ipn_params(payment)).replace(
        reverse("payments:vnpay_ipn"), reverse("payments:vnpay_return")
    )
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert "Thanh toán thành công" in page.content.decode()


def test_money_for_a_cancelled_order_is_refunded(
    orders, client, gateway_http, django_capture_on_commit_callbacks
):
    payment = _start(orders)
    orders.orders["DH0001"].is_payable = False
    with django_capture_on_commit_callbacks(execute=True):
        _pay(client, payment)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert orders.paid == []
    assert orders.refunded == [("DH0001", 180_000)]


def test_ipn_query_count(orders, client, django_assert_max_num_queries):
    payment = _start(orders)
    url = _signed_ipn(_ipn_params(payment))
    with django_assert_max_num_queries(14) as captured:
        assert client.get(url).json()["RspCode"] == "00"
    print(f"IPN queries: {len(captured)}")  # noqa: T201
