"""The sandbox over real HTTP: a live server, `requests` as the browser, no in-process routing.

The sandbox calls our notification endpoints through the network exactly as in `make run`.
"""

from __future__ import annotations

import re

import pytest
import requests

from payments.models import Payment, PaymentNotification
from payments.services import refund_payment, start_payment

pytestmark = pytest.mark.django_db(transaction=True)


def _browser_pays(payment: Payment) -> requests.Response:
    browser = requests.Session()
    page = browser.get(payment.redirect_url, timeout=30)
    assert page.status_code == 200
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    action = payment.redirect_url.split("?")[0]
    chosen = browser.post(
        action,
        data={"csrfmiddlewaretoken": csrf, "token": token, "choice": "pay"},
        headers={"Referer": action},
        allow_redirects=False,
        timeout=30,
    )
    assert chosen.status_code == 302
    return browser.get(chosen.headers["Location"], timeout=30)


@pytest.mark.parametrize("provider", ["vnpay", "momo", "zalopay"])
def test_pay_and_refund_over_real_http(provider, orders, live_server, settings):
    # given
    settings.PAYMENTS_PUBLIC_URL = live_server.url
    payment = start_payment(order=orders.add(f"DH3{provider}", 185_000), provider_code=provider)
    # when
    back = _browser_pays(payment)
    # then
    assert back.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert orders.paid == [(f"DH3{provider}", payment.pk)]
    assert PaymentNotification.objects.get(payment=payment).outcome == "confirmed"
    # and a partial refund goes through the gateway's API over HTTP
    refund_payment(payment_id=payment.pk, amount_vnd=85_000, reason="Huỷ một phần")
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_vnd) == ("partially_refunded", 85_000)
