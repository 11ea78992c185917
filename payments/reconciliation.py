"""Reconciliation: settle what the gateways know and we do not, and compare both for officers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from payments import services, tasks
from payments.exceptions import AlreadySettled, AmountMismatch, PaymentError
from payments.models import Payment, PaymentEvent, Provider
from payments.money import XLSX_VND_FORMAT
from payments.providers import GatewayAnswer, Outcome, get_provider
from payments.sheets import sheet_row

logger = logging.getLogger("payments.reconciliation")


@dataclass(frozen=True)
class ReconcileLine:
    payment_id: int
    reference: str
    status_before: str
    status_after: str
    gateway_outcome: str
    error: str = ""


def reconcile_pending(
    *, now: dt.datetime, older_than: dt.timedelta | None = None, limit: int = 500
) -> list[ReconcileLine]:
    """Ask the gateway about online payments pending for longer than `older_than`.

    Paid or failed answers are recorded exactly as a notification would be (source `query`).
    A payment the gateway never heard of is marked failed once its link has expired. Also sends
    again refunds left pending by a gateway error, and order callbacks that did not go through.
    Gateway errors are logged per payment and do not stop the run.
    """
    if older_than is None:
        older_than = dt.timedelta(minutes=settings.PAYMENTS_RECONCILE_AFTER_MINUTES)
    expired_before = now - dt.timedelta(minutes=settings.PAYMENTS_EXPIRE_MINUTES) - older_than
    pending = (
        Payment.objects.filter(status=Payment.Status.PENDING, created_at__lte=now - older_than)
        .exclude(provider="cod")
        .order_by("created_at", "pk")[:limit]
    )
    lines = []
    for payment in pending:
        lines.append(_reconcile_one(payment, expired_before=expired_before))
    _retry_refunds(before=now - older_than)
    _redeliver(before=now - older_than)
    return lines


def _reconcile_one(payment: Payment, *, expired_before: dt.datetime) -> ReconcileLine:
    before = payment.status
    try:
        answer = get_provider(payment.provider).query(payment=payment)
    except PaymentError as error:
        logger.warning("query of %s failed: %s", payment.reference, error.code)
        return ReconcileLine(payment.pk, payment.reference, before, before, "", error.code)
    if answer.outcome == Outcome.UNKNOWN and payment.created_at <= expired_before:
        answer = GatewayAnswer(
            reference=payment.reference,
            outcome=Outcome.FAILED,
            amount_vnd=payment.amount_vnd,
            result_code=answer.result_code or "expired",
            message="expired, unknown at the gateway",
            raw=answer.raw,
        )
    problem = ""
    after = before
    if answer.outcome in {Outcome.PAID, Outcome.FAILED}:
        try:
            answer = GatewayAnswer(
                reference=payment.reference,
                outcome=answer.outcome,
                amount_vnd=answer.amount_vnd,
                transaction_id=answer.transaction_id,
                result_code=answer.result_code,
                message=answer.message,
                raw=answer.raw,
            )
            after = services.capture_payment(
                provider_code=payment.provider, answer=answer, source=PaymentEvent.Source.QUERY
            ).status
        except AlreadySettled:
            payment.refresh_from_db(fields=["status"])
            after = payment.status
        except AmountMismatch:
            logger.error("gateway amount differs for %s: %s", payment.reference, answer.amount_vnd)
            problem = AmountMismatch.code
    return ReconcileLine(
        payment.pk, payment.reference, before, after, answer.outcome.value, problem
    )


def _retry_refunds(*, before: dt.datetime) -> None:
    answered = PaymentEvent.objects.filter(
        event_type__in=[PaymentEvent.Type.REFUNDED, PaymentEvent.Type.REFUND_FAILED]
    ).values("provider_reference")
    waiting = PaymentEvent.objects.filter(
        event_type=PaymentEvent.Type.REFUND_REQUESTED, created_at__lte=before
    ).exclude(provider_reference__in=answered)
    for event_id in waiting.values_list("pk", flat=True):
        try:
            services.send_refund(event_id=event_id)
        except PaymentError as error:
            logger.warning("refund %s still not sent: %s", event_id, error.code)


def _redeliver(*, before: dt.datetime) -> None:
    undelivered = PaymentEvent.objects.filter(
        event_type__in=[PaymentEvent.Type.PAID, PaymentEvent.Type.REFUNDED],
        order_notified_at__isnull=True,
        created_at__lte=before,
    ).values_list("pk", flat=True)
    for event_id in undelivered:
        tasks.deliver_payment_event.enqueue(event_id=event_id)


# --- The officers' report ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReconciliationRow:
    reference: str
    order_reference: str
    provider: str
    created_at: dt.datetime
    our_status: str
    our_amount_vnd: int
    our_refunded_vnd: int
    gateway_outcome: str
    gateway_amount_vnd: int | None
    gateway_transaction_id: str
    matches: bool
    note: str

    @property
    def provider_label(self) -> str:
        return str(Provider(self.provider).label)

    @property
    def status_label(self) -> str:
        return str(Payment.Status(self.our_status).label)

    @property
    def gateway_label(self) -> str:
        return _gateway_label(self.gateway_outcome)


def reconciliation_report(
    *, since: dt.datetime, until: dt.datetime, query_gateway: bool = True
) -> list[ReconciliationRow]:
    """Our online payments created in [since, until) beside what each gateway says of them.

    `matches` is true when both agree on paid or not paid, and on the amount when paid. COD is
    left out (there is no gateway to compare with). With `query_gateway=False` only our side
    is filled in (the gateway columns are empty and `matches` is false).
    """
    rows = []
    payments = (
        Payment.objects.filter(created_at__gte=since, created_at__lt=until)
        .exclude(provider="cod")
        .order_by("created_at", "pk")
    )
    for payment in payments:
        outcome, amount, transaction_id, note = "", None, "", ""
        if query_gateway:
            try:
                answer = get_provider(payment.provider).query(payment=payment)
                outcome, amount = answer.outcome.value, answer.amount_vnd
                transaction_id = answer.transaction_id
            except PaymentError as error:
                note = error.code
        ours_paid = payment.is_paid
        theirs_paid = outcome == Outcome.PAID
        matches = bool(outcome) and ours_paid == theirs_paid
        if matches and ours_paid and amount != payment.amount_vnd:
            matches, note = False, AmountMismatch.code
        rows.append(
            ReconciliationRow(
                reference=payment.reference,
                order_reference=payment.order_reference,
                provider=payment.provider,
                created_at=payment.created_at,
                our_status=payment.status,
                our_amount_vnd=payment.amount_vnd,
                our_refunded_vnd=payment.refunded_vnd,
                gateway_outcome=outcome,
                gateway_amount_vnd=amount,
                gateway_transaction_id=transaction_id,
                matches=matches,
                note=note,
            )
        )
    return rows


def _headers() -> list[str]:
    return [
        _("Transaction reference"),
        _("Order"),
        _("Payment method"),
        _("Created at"),
        _("Our status"),
        _("Our amount (đồng)"),
        _("Refunded (đồng)"),
        _("Gateway says"),
        _("Gateway amount (đồng)"),
        _("Gateway transaction number"),
        _("Matches"),
        _("Note"),
    ]


def _gateway_label(outcome: str) -> str:
    labels = {
        Outcome.PAID.value: Payment.Status.PAID.label,
        Outcome.FAILED.value: Payment.Status.FAILED.label,
        Outcome.PENDING.value: Payment.Status.PENDING.label,
        Outcome.UNKNOWN.value: _("Unknown to the gateway"),
    }
    return str(labels.get(outcome, ""))


def _values(row: ReconciliationRow) -> list[object]:
    local = timezone.localtime(row.created_at).replace(tzinfo=None)
    return [
        row.reference,
        row.order_reference,
        row.provider_label,
        local,
        row.status_label,
        row.our_amount_vnd,
        row.our_refunded_vnd,
        row.gateway_label,
        row.gateway_amount_vnd,
        row.gateway_transaction_id,
        _("yes") if row.matches else _("no"),
        row.note,
    ]


def export_reconciliation_csv(rows: Iterable[ReconciliationRow]) -> str:
    """The report as CSV text (times in Vietnam time, amounts in whole đồng)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_headers())
    for row in rows:
        values = sheet_row(_values(row))
        values[3] = f"{values[3]:%Y-%m-%d %H:%M:%S}"
        writer.writerow(["" if value is None else value for value in values])
    return buffer.getvalue()


def export_reconciliation_xlsx(rows: Iterable[ReconciliationRow]) -> bytes:
    """The report as an XLSX workbook."""
    # Imported here: openpyxl weighs about 18 MB, which a web worker needs only for this.
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Reconciliation")[:31]
    sheet.append(_headers())
    for row in rows:
        sheet.append(sheet_row(_values(row)))
    for cell in sheet["D"][1:]:
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    for column in ("F", "G", "I"):
        for cell in sheet[column][1:]:
            cell.number_format = XLSX_VND_FORMAT
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
