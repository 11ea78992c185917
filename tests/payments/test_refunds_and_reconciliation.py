"""Refunds (full, partial, refused), COD, reconciliation against the sandbox, the report."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core import checks
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from payments import selectors
from payments.exceptions import (
    GatewayError,
    InvalidTransition,
    OrderNotPayable,
    ProviderNotConfigured,
    RefundNotAllowed,
)
from payments.models import Payment, PaymentEvent, SandboxTransaction, derive_state
from payments.money import XLSX_VND_FORMAT
from payments.reconciliation import (
    export_reconciliation_csv,
    export_reconciliation_xlsx,
    reconcile_pending,
    reconciliation_report,
)
from payments.services import (
    cancel_payment,
    collect_cod_payment,
    refund_payment,
    start_payment,
)
from tests.payments.conftest import local_path

pytestmark = pytest.mark.django_db


def _paid(orders, client, provider, reference="DH0300", amount=300_000):
    order = orders.add(reference, amount)
    payment = start_payment(order=order, provider_code=provider)
    page = client.get(local_path(payment.redirect_url))
    client.post(
        local_path(payment.redirect_url),
        {"token": page.context["transaction"].token, "choice": "pay"},
    )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    return payment


@pytest.mark.parametrize("provider", ["vnpay", "momo", "zalopay"])
def test_partial_then_full_refund_through_the_gateway(
    provider, orders, client, gateway_http, django_capture_on_commit_callbacks
):
    # given
    payment = _paid(orders, client, provider)
    # when: one sub-order cancelled, then the rest
    with django_capture_on_commit_callbacks(execute=True):
        first = refund_payment(
            payment_id=payment.pk, amount_vnd=120_000, reason="Huỷ phần HTX A", actor="canbo"
        )
        second = refund_payment(payment_id=payment.pk, reason="Huỷ đơn", actor="canbo")
    # then
    assert (first.event_type, first.amount_vnd) == ("refunded", 120_000)
    assert (second.event_type, second.amount_vnd) == ("refunded", 180_000)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert payment.refunded_vnd == 300_000
    assert orders.refunded == [("DH0300", 120_000), ("DH0300", 180_000)]
    assert SandboxTransaction.objects.get(gateway=provider).refunded_vnd == 300_000


def test_refund_beyond_what_was_paid_is_refused_and_changes_nothing(orders, client, gateway_http):
    payment = _paid(orders, client, "vnpay")
    refund_payment(payment_id=payment.pk, amount_vnd=200_000, reason="x")
    events = payment.events.count()
    with pytest.raises(RefundNotAllowed):
        refund_payment(payment_id=payment.pk, amount_vnd=100_001, reason="x")
    assert payment.events.count() == events
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED


def test_refund_of_an_unpaid_payment_is_refused(orders, gateway_http):
    payment = start_payment(order=orders.add("DH0301", 10_000), provider_code="vnpay")
    with pytest.raises(RefundNotAllowed):
        refund_payment(payment_id=payment.pk, reason="x")


def test_refund_during_a_gateway_outage_stays_pending_and_is_sent_again(
    orders, client, gateway_http, broken_gateway, monkeypatch
):
    # given
    payment = _paid(orders, client, "momo")
    broken_gateway("5xx")
    # when
    with pytest.raises(GatewayError):
        refund_payment(payment_id=payment.pk, reason="x")
    # then: the amount is reserved, nothing refunded yet, and a second refund cannot exceed it
    state = derive_state(amount_vnd=payment.amount_vnd, events=payment.events.all())
    assert (state.refunded_vnd, state.refund_pending_vnd) == (0, 300_000)
    with pytest.raises(RefundNotAllowed):
        refund_payment(payment_id=payment.pk, amount_vnd=1, reason="x")
    # when the gateway is back, reconciliation sends it again
    monkeypatch.setattr("payments.conf.http_session", gateway_http.session_factory)
    reconcile_pending(now=timezone.now(), older_than=dt.timedelta(0))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED


def test_cod_is_paid_when_collected_and_refunded_as_cash(
    orders, django_capture_on_commit_callbacks
):
    # given
    payment = start_payment(order=orders.add("DH0400", 150_000), provider_code="cod")
    assert payment.redirect_url == ""
    assert payment.status == Payment.Status.PENDING
    # when
    with django_capture_on_commit_callbacks(execute=True):
        collect_cod_payment(payment_id=payment.pk, actor="chu1")
    # then
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert orders.paid == [("DH0400", payment.pk)]
    with pytest.raises(InvalidTransition):
        collect_cod_payment(payment_id=payment.pk, actor="chu1")
    event = refund_payment(
        payment_id=payment.pk, amount_vnd=50_000, reason="Trả hàng", actor="chu1"
    )
    assert event.event_type == PaymentEvent.Type.REFUNDED
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED


def test_cod_cancelled_with_the_order(orders):
    payment = start_payment(order=orders.add("DH0401", 150_000), provider_code="cod")
    cancel_payment(payment_id=payment.pk, reason="Khách huỷ")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    with pytest.raises(InvalidTransition):
        collect_cod_payment(payment_id=payment.pk, actor="chu1")


def test_a_paid_order_cannot_be_paid_again(orders):
    order = orders.add("DH0402", 150_000)
    payment = start_payment(order=order, provider_code="cod")
    collect_cod_payment(payment_id=payment.pk, actor="chu1")
    with pytest.raises(OrderNotPayable):
        start_payment(order=order, provider_code="vnpay")


def test_cancelled_order_cannot_start_a_payment(orders):
    order = orders.add("DH0403", 150_000, is_payable=False)
    with pytest.raises(OrderNotPayable):
        start_payment(order=order, provider_code="vnpay")
    assert Payment.objects.count() == 0


def test_gateway_down_at_start_records_the_attempt_as_failed(orders, broken_gateway):
    broken_gateway("timeout")
    with pytest.raises(GatewayError):
        start_payment(order=orders.add("DH0404", 150_000), provider_code="zalopay")
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.FAILED
    assert payment.events.get(event_type="failed").result_code == "gateway_timeout"


def test_reconciliation_settles_a_payment_whose_ipn_was_lost(
    orders, client, gateway_http, monkeypatch, django_capture_on_commit_callbacks
):
    # given: the shopper paid, but the IPN never reached us
    monkeypatch.setattr("payments.sandbox.common.notify", lambda *args, **kwargs: "lost")
    order = orders.add("DH0500", 75_000)
    payment = start_payment(order=order, provider_code="vnpay")
    page = client.get(local_path(payment.redirect_url))
    client.post(
        local_path(payment.redirect_url),
        {"token": page.context["transaction"].token, "choice": "pay"},
    )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    # when
    with django_capture_on_commit_callbacks(execute=True):
        lines = reconcile_pending(now=timezone.now(), older_than=dt.timedelta(0))
    # then
    assert [(line.reference, line.status_before, line.status_after) for line in lines] == [
        (payment.reference, "pending", "paid")
    ]
    payment.refresh_from_db()
    assert payment.events.get(event_type="paid").source == "query"
    assert orders.paid == [("DH0500", payment.pk)]


def test_reconciliation_fails_an_expired_attempt_the_gateway_never_saw(orders, gateway_http):
    payment = start_payment(order=orders.add("DH0501", 75_000), provider_code="vnpay")
    later = timezone.now() + dt.timedelta(hours=1)
    lines = reconcile_pending(now=later)
    assert lines[0].gateway_outcome == "failed"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED


def test_reconciliation_survives_a_gateway_timeout(orders, gateway_http, broken_gateway):
    payment = start_payment(order=orders.add("DH0502", 75_000), provider_code="vnpay")
    broken_gateway("timeout")
    lines = reconcile_pending(now=timezone.now(), older_than=dt.timedelta(0))
    assert lines[0].error == "gateway_timeout"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_reconciliation_ignores_recent_payments(orders, gateway_http):
    start_payment(order=orders.add("DH0503", 75_000), provider_code="vnpay")
    assert reconcile_pending(now=timezone.now()) == []


def test_report_compares_ours_with_the_gateway_and_exports(orders, client, gateway_http):
    # given: one paid, one abandoned, one COD (left out)
    _paid(orders, client, "vnpay", reference="DH0600", amount=120_000)
    start_payment(order=orders.add("DH0601", 60_000), provider_code="momo")
    start_payment(order=orders.add("DH0602", 60_000), provider_code="cod")
    now = timezone.now()
    # when
    rows = reconciliation_report(
        since=now - dt.timedelta(hours=1), until=now + dt.timedelta(hours=1)
    )
    # then
    assert [(r.order_reference, r.our_status, r.gateway_outcome, r.matches) for r in rows] == [
        ("DH0600", "paid", "paid", True),
        ("DH0601", "pending", "pending", True),
    ]
    text = export_reconciliation_csv(rows)
    table = list(csv.reader(io.StringIO(text)))
    assert len(table) == 3
    assert table[1][5] == "120000"
    sheet = load_workbook(io.BytesIO(export_reconciliation_xlsx(rows))).active
    assert sheet.cell(row=2, column=6).value == 120_000
    assert sheet.cell(row=2, column=6).number_format == XLSX_VND_FORMAT
    assert sheet.max_row == 3


def test_status_is_derived_from_events(orders, client, gateway_http):
    payment = _paid(orders, client, "vnpay", reference="DH0700", amount=100_000)
    refund_payment(payment_id=payment.pk, amount_vnd=40_000, reason="x")
    payment.refresh_from_db()
    state = derive_state(amount_vnd=payment.amount_vnd, events=payment.events.all())
    assert (state.status, state.refunded_vnd) == (payment.status, payment.refunded_vnd)
    assert payment.status == "partially_refunded"


def test_sandbox_is_refused_in_production():
    from payments.checks import check_payment_settings

    with override_settings(DEBUG=False, TESTING=False, PAYMENTS_SANDBOX=True):
        ids = [message.id for message in check_payment_settings()]
    assert "payments.E001" in ids


def test_half_configured_gateway_is_reported(settings):
    from payments.checks import check_payment_settings

    settings.PAYMENTS_VNPAY_TMN_CODE = "ABCDEFGH"
    messages = check_payment_settings()
    assert [m.id for m in messages] == ["payments.E003"]
    assert "PAYMENTS_VNPAY_HASH_SECRET" in messages[0].msg
    assert isinstance(messages[0], checks.Error)


def test_without_sandbox_or_credentials_the_method_is_not_offered(orders, settings):
    settings.PAYMENTS_SANDBOX = False
    with pytest.raises(ProviderNotConfigured):
        start_payment(order=orders.add("DH0800", 10_000), provider_code="vnpay")


def test_sandbox_pages_are_404_when_the_sandbox_is_off(client, settings):
    settings.PAYMENTS_SANDBOX = False
    assert client.get(reverse("payments:sandbox_vnpay_pay")).status_code == 404


def test_second_paid_attempt_for_the_same_order_is_refunded(
    orders, client, gateway_http, django_capture_on_commit_callbacks
):
    # given: two tabs, two attempts, both paid
    order = orders.add("DH0900", 80_000)
    first = start_payment(order=order, provider_code="vnpay")
    second = start_payment(order=order, provider_code="momo")
    for payment in (first, second):
        page = client.get(local_path(payment.redirect_url))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                local_path(payment.redirect_url),
                {"token": page.context["transaction"].token, "choice": "pay"},
            )
    # then: the order was paid once, the second payment went back
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("paid", "refunded")
    assert orders.paid == [("DH0900", first.pk)]
    assert selectors.order_payment_state(order_reference="DH0900").net_vnd == 80_000


def test_reconcile_payments_command(orders, gateway_http, capsys):
    start_payment(order=orders.add("DH0901", 75_000), provider_code="momo")
    call_command("reconcile_payments", "--older-than-minutes", "0")
    assert "1 pending payment(s) checked, 0 settled, 0 errors" in capsys.readouterr().out
