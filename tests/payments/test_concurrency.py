"""Duplicate notifications arriving at the same moment settle once (PostgreSQL row locks)."""

from __future__ import annotations

import threading
import time
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from payments import conf
from payments.gateways import vnpay as sdk
from payments.models import Payment, PaymentEvent
from payments.services import start_payment

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def _signed_ipn_url(payment: Payment) -> str:
    params = {
        "vnp_Amount": str(payment.amount_vnd * 100),
        "vnp_BankCode": "NCB",
        "vnp_PayDate": "20261123103000",
        "vnp_ResponseCode": "00",
        "vnp_TmnCode": conf.vnpay_config().tmn_code,
        "vnp_TransactionNo": "777",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": payment.reference,
    }
    params["vnp_SecureHash"] = sdk.sign(
        sdk.canonical_query(params), conf.vnpay_config().hash_secret
    )
    return reverse("payments:vnpay_ipn") + "?" + urlencode(params)


def test_concurrent_duplicate_ipns_settle_once(orders):
    # given
    payment = start_payment(order=orders.add("DH0900", 210_000), provider_code="vnpay")
    url = _signed_ipn_url(payment)
    workers = 8
    barrier = threading.Barrier(workers)
    answers: list[str] = []
    timings: list[float] = []

    def deliver() -> None:
        try:
            barrier.wait()
            started = time.perf_counter()
            answers.append(Client().get(url).json()["RspCode"])
            timings.append(time.perf_counter() - started)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=deliver) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert sorted(answers) == ["00"] + ["02"] * (workers - 1)
    assert PaymentEvent.objects.filter(payment=payment, event_type="paid").count() == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert orders.paid == [("DH0900", payment.pk)]
    print(f"slowest of {workers} concurrent IPNs: {max(timings) * 1000:.0f} ms")  # noqa: T201


def test_single_ipn_timing(orders):
    payment = start_payment(order=orders.add("DH0901", 210_000), provider_code="vnpay")
    url = _signed_ipn_url(payment)
    client = Client()
    started = time.perf_counter()
    assert client.get(url).json()["RspCode"] == "00"
    elapsed = time.perf_counter() - started
    print(f"one IPN, committed, order told: {elapsed * 1000:.1f} ms")  # noqa: T201
    assert elapsed < 2
