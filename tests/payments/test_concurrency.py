"""Duplicate notifications arriving at the same moment settle once (PostgreSQL row locks)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from urllib.parse import urlencode

import pytest
import requests
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from payments import conf
from payments.gateways import vnpay as sdk
from payments.models import Payment, PaymentEvent, SandboxTransaction
from payments.reconciliation import reconcile_pending
from payments.services import start_payment
from tests.payments.conftest import DjangoAdapter

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


def test_ipn_and_reconciliation_at_the_same_moment_settle_once(orders, monkeypatch):
    # given: a payment the gateway (sandbox) knows as paid
    def session():
        s = requests.Session()
        s.mount("http://127.0.0.1:8000/", DjangoAdapter())
        return s

    monkeypatch.setattr(conf, "http_session", session)
    payment = start_payment(order=orders.add("DH0902", 210_000), provider_code="vnpay")
    SandboxTransaction.objects.create(
        gateway="vnpay",
        merchant_reference=payment.reference,
        token="t-0902",
        amount_vnd=210_000,
        paid_amount_vnd=210_000,
        status="paid",
        transaction_number="777",
        finished_at=timezone.now(),
        request={},
    )
    url = _signed_ipn_url(payment)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def ipn() -> None:
        try:
            barrier.wait()
            results.append(Client().get(url).json()["RspCode"])
        finally:
            connection.close()

    def reconcile() -> None:
        try:
            barrier.wait()
            results.append(reconcile_pending(now=timezone.now(), older_than=dt.timedelta(0)))
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=ipn), threading.Thread(target=reconcile)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert PaymentEvent.objects.filter(payment=payment, event_type="paid").count() == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert orders.paid == [("DH0902", payment.pk)]
