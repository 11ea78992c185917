"""The verbs that change payments. Keyword-only, transactional, validated before saving.

Every change is a new PaymentEvent; `Payment.status` is recomputed from the events in the same
transaction. Order callbacks run after commit (tasks.deliver_payment_event), never inside.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from payments import tasks
from payments.exceptions import (
    AlreadySettled,
    AmountMismatch,
    AmountOutOfRange,
    GatewayError,
    InvalidTransition,
    OrderNotPayable,
    PaymentError,
    PaymentNotFound,
    ProviderNotConfigured,
    RefundNotAllowed,
    SignatureMismatch,
)
from payments.models import Payment, PaymentEvent, PaymentNotification, derive_state
from payments.money import format_vnd
from payments.orders import PayableOrder
from payments.providers import GatewayAnswer, Outcome, get_provider

logger = logging.getLogger("payments")

Type = PaymentEvent.Type
Source = PaymentEvent.Source


class NotificationOutcome(enum.StrEnum):
    """What we tell a gateway about its notification (each view maps it to its protocol)."""

    CONFIRMED = "confirmed"
    INVALID_SIGNATURE = "invalid_signature"
    NOT_FOUND = "not_found"
    AMOUNT_MISMATCH = "amount_mismatch"
    ALREADY_CONFIRMED = "already_confirmed"
    ERROR = "error"


@dataclass(frozen=True)
class NotificationResult:
    outcome: NotificationOutcome
    payment_id: int | None = None
    notification_id: int | None = None


def _refresh_state(payment: Payment) -> None:
    """Rewrite the cached status from the events (the payment row is locked by the caller)."""
    state = derive_state(amount_vnd=payment.amount_vnd, events=payment.events.all())
    payment.status = state.status
    payment.refunded_vnd = state.refunded_vnd


def _append_event(payment: Payment, **fields: Any) -> PaymentEvent:
    """Insert one event; a duplicate (same provider, reference, type) raises AlreadySettled."""
    try:
        with transaction.atomic():
            return PaymentEvent.objects.create(payment=payment, provider=payment.provider, **fields)
    except IntegrityError as error:
        raise AlreadySettled from error


def _deliver_after_commit(event: PaymentEvent) -> None:
    event_id = event.pk
    transaction.on_commit(
        lambda: tasks.deliver_payment_event.enqueue(event_id=event_id), robust=True
    )


# --- Starting a payment ------------------------------------------------------------------------


def check_amount(*, provider_code: str, amount_vnd: int) -> None:
    """Raise AmountOutOfRange, naming the range, when the method does not take `amount_vnd`
    in one payment (a checkout asks before it writes the order); UnknownProvider."""
    provider = get_provider(provider_code)
    low, high = provider.min_amount_vnd, provider.max_amount_vnd
    if low <= amount_vnd and (high is None or amount_vnd <= high):
        return
    values = {"method": provider.label, "low": format_vnd(low), "high": format_vnd(high)}
    if high is None:
        message = _("%(method)s takes payments of %(low)s or more.") % values
    else:
        message = (
            _(
                "%(method)s takes payments from %(low)s to %(high)s. Please choose another "
                "payment method."
            )
            % values
        )
    raise AmountOutOfRange(message)


def start_payment(
    *, order: PayableOrder, provider_code: str, ip_address: str = "", locale: str = "vi"
) -> Payment:
    """Create a new attempt to pay `order` and register it at the gateway.

    Returns the payment; `payment.redirect_url` is where to send the shopper (empty for COD).
    A new reference is made for every attempt. Raises UnknownProvider, ProviderNotConfigured,
    OrderNotPayable (cancelled, nothing owed, or already paid), GatewayError (retryable; the
    attempt is then recorded as failed) or GatewayRejected.
    """
    provider = get_provider(provider_code)
    if not provider.is_available():
        raise ProviderNotConfigured
    amount = order.amount_vnd
    if not order.is_payable or not isinstance(amount, int) or amount <= 0:
        raise OrderNotPayable
    check_amount(provider_code=provider.code, amount_vnd=amount)
    now = timezone.now()
    with transaction.atomic():
        paid = Payment.objects.filter(
            order_reference=order.reference,
            status__in=[Payment.Status.PAID, Payment.Status.PARTIALLY_REFUNDED],
        ).exists()
        if paid:
            raise OrderNotPayable(AlreadySettled.default_message)
        attempt = Payment.objects.filter(order_reference=order.reference).count() + 1
        for offset in range(5):
            reference = provider.make_reference(
                order_reference=order.reference, attempt=attempt + offset, now=now
            )
            try:
                with transaction.atomic():
                    payment = Payment.objects.create(
                        order_reference=order.reference,
                        provider=provider.code,
                        reference=reference,
                        amount_vnd=amount,
                    )
                break
            except IntegrityError:
                continue
        else:
            raise PaymentError
        PaymentEvent.objects.create(
            payment=payment,
            provider=provider.code,
            event_type=Type.CREATED,
            provider_reference=reference,
            amount_vnd=amount,
            source=Source.SYSTEM,
            source_ip=ip_address or None,
        )
    try:
        redirect = provider.start(
            payment=payment, description=order.description, ip_address=ip_address, locale=locale
        )
    except PaymentError as error:
        _record_start_failure(payment=payment, error=error)
        raise
    if redirect is not None:
        payment.redirect_url = redirect.url
        payment.gateway_data = redirect.gateway_data
        payment.save(update_fields=["redirect_url", "gateway_data", "updated_at"])
    return payment


def _record_start_failure(*, payment: Payment, error: PaymentError) -> None:
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        _append_event(
            locked,
            event_type=Type.FAILED,
            provider_reference=locked.reference,
            result_code=getattr(error, "gateway_code", "") or error.code,
            message=error.message[:255],
            source=Source.SYSTEM,
        )
        _refresh_state(locked)
        locked.save(update_fields=["status", "refunded_vnd", "updated_at"])


# --- Gateway results ---------------------------------------------------------------------------


def _settle(
    *,
    provider_code: str,
    answer: GatewayAnswer,
    source: str,
    source_ip: str | None = None,
    notification_id: int | None = None,
) -> Payment:
    if answer.outcome not in {Outcome.PAID, Outcome.FAILED}:
        raise InvalidTransition
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .filter(provider=provider_code, reference=answer.reference)
            .first()
        )
        if payment is None:
            raise PaymentNotFound
        if answer.amount_vnd != payment.amount_vnd:
            raise AmountMismatch
        if answer.outcome == Outcome.PAID and payment.is_paid:
            raise AlreadySettled
        if answer.outcome == Outcome.FAILED and payment.status != Payment.Status.PENDING:
            raise AlreadySettled
        event = _append_event(
            payment,
            event_type=Type.PAID if answer.outcome == Outcome.PAID else Type.FAILED,
            provider_reference=payment.reference,
            amount_vnd=answer.amount_vnd,
            gateway_transaction_id=answer.transaction_id[:64],
            result_code=answer.result_code[:16],
            message=answer.message[:255],
            source=source,
            raw_payload=answer.raw,
            source_ip=source_ip,
            notification_id=notification_id,
        )
        _refresh_state(payment)
        fields = ["status", "refunded_vnd", "updated_at"]
        if answer.outcome == Outcome.PAID:
            payment.paid_at = event.created_at
            payment.gateway_transaction_id = answer.transaction_id[:64]
            fields += ["paid_at", "gateway_transaction_id"]
            _deliver_after_commit(event)
        payment.save(update_fields=fields)
    return payment


def capture_payment(
    *,
    provider_code: str,
    answer: GatewayAnswer,
    source: str = Source.NOTIFICATION,
    source_ip: str | None = None,
    notification_id: int | None = None,
) -> Payment:
    """Record a verified gateway answer: paid (once) or failed (while pending).

    Locks the payment, checks the amount against ours, appends the event and recomputes the
    status. Raises PaymentNotFound, AmountMismatch, AlreadySettled (a replay: nothing changes).
    After commit, a paid payment is handed to the order backend (or refunded when the order
    was cancelled in the meantime).
    """
    return _settle(
        provider_code=provider_code,
        answer=answer,
        source=source,
        source_ip=source_ip,
        notification_id=notification_id,
    )


def _storable(text: str) -> str:
    """Text as PostgreSQL keeps it: NUL, which no text or JSON column accepts, as U+FFFD."""
    return text.replace("\x00", "\ufffd")


def record_notification(
    *,
    provider_code: str,
    method: str,
    path: str,
    query: Mapping[str, str],
    body: bytes,
    headers: Mapping[str, str],
    source_ip: str | None,
    raw_query: str = "",
) -> NotificationResult:
    """Store a gateway's raw call, then verify and apply it. Never raises.

    The raw call is committed first, whatever happens next. The checks run in VNPay's order:
    signature, payment found, amount, not settled yet; then the result (paid or failed) is
    recorded. A replay answers ALREADY_CONFIRMED and writes no event.
    """
    notification = PaymentNotification.objects.create(
        provider=provider_code,
        method=_storable(method)[:8],
        path=_storable(path)[:255],
        query_string=_storable(raw_query or urlencode(query))[:10_000],
        body=_storable(body.decode("utf-8", errors="replace"))[:100_000],
        headers={
            _storable(k): _storable(v)
            for k, v in headers.items()
            if k.lower() not in {"cookie", "authorization"}
        },
        source_ip=source_ip,
    )
    payment_id: int | None = None
    try:
        answer = get_provider(provider_code).parse_notification(query=query, body=body)
        payment = capture_payment(
            provider_code=provider_code,
            answer=answer,
            source=Source.NOTIFICATION,
            source_ip=source_ip,
            notification_id=notification.pk,
        )
        payment_id = payment.pk
        outcome = NotificationOutcome.CONFIRMED
    except SignatureMismatch:
        outcome = NotificationOutcome.INVALID_SIGNATURE
    except PaymentNotFound:
        outcome = NotificationOutcome.NOT_FOUND
    except AmountMismatch:
        outcome = NotificationOutcome.AMOUNT_MISMATCH
    except AlreadySettled:
        outcome = NotificationOutcome.ALREADY_CONFIRMED
    except Exception:
        # The gateway boundary: whatever went wrong, answer "error" (VNPay 99) so that the
        # gateway calls again; the raw call is already stored.
        logger.exception("payment notification %s failed", notification.pk)
        outcome = NotificationOutcome.ERROR
    if payment_id is None and outcome in {
        NotificationOutcome.AMOUNT_MISMATCH,
        NotificationOutcome.ALREADY_CONFIRMED,
    }:
        payment_id = _payment_id_for(provider_code, query, body)
    PaymentNotification.objects.filter(pk=notification.pk).update(
        outcome=outcome.value, payment_id=payment_id
    )
    return NotificationResult(
        outcome=outcome, payment_id=payment_id, notification_id=notification.pk
    )


def _payment_id_for(provider_code: str, query: Mapping[str, str], body: bytes) -> int | None:
    try:
        answer = get_provider(provider_code).parse_notification(query=query, body=body)
    except PaymentError:
        return None
    return (
        Payment.objects.filter(provider=provider_code, reference=answer.reference)
        .values_list("pk", flat=True)
        .first()
    )


# --- Cash on delivery and cancellation ---------------------------------------------------------


def collect_cod_payment(*, payment_id: int, actor: str) -> Payment:
    """The enterprise collected the cash at delivery: the COD payment becomes paid.

    Raises InvalidTransition for anything but a pending COD payment.
    """
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(pk=payment_id).first()
        if payment is None:
            raise PaymentNotFound
        if payment.provider != "cod" or payment.status != Payment.Status.PENDING:
            raise InvalidTransition
        event = _append_event(
            payment,
            event_type=Type.PAID,
            provider_reference=payment.reference,
            amount_vnd=payment.amount_vnd,
            source=Source.STAFF,
            actor=actor[:150],
        )
        _refresh_state(payment)
        payment.paid_at = event.created_at
        payment.save(update_fields=["status", "refunded_vnd", "paid_at", "updated_at"])
        _deliver_after_commit(event)
    return payment


def cancel_payment(*, payment_id: int, reason: str, actor: str = "") -> Payment:
    """Give up a pending payment (COD of a cancelled order, an abandoned online attempt).

    Raises InvalidTransition unless the payment is pending or failed. A paid payment is never
    cancelled: refund it instead.
    """
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(pk=payment_id).first()
        if payment is None:
            raise PaymentNotFound
        if payment.status not in {Payment.Status.PENDING, Payment.Status.FAILED}:
            raise InvalidTransition
        _append_event(
            payment,
            event_type=Type.CANCELLED,
            provider_reference=payment.reference,
            message=reason[:255],
            source=Source.STAFF if actor else Source.SYSTEM,
            actor=actor[:150],
        )
        _refresh_state(payment)
        payment.save(update_fields=["status", "refunded_vnd", "updated_at"])
    return payment


# --- Refunds -----------------------------------------------------------------------------------


def refund_payment(
    *, payment_id: int, amount_vnd: int | None = None, reason: str, actor: str = ""
) -> PaymentEvent:
    """Refund all (amount_vnd=None) or part of a paid payment, through its gateway.

    Runs in two transactions around the gateway call, so that no row lock is held over the
    network: first a `refund_requested` event reserves the amount (two refunds can never exceed
    what was paid), then `refunded` or `refund_failed` records the gateway's answer. Returns the
    last event written. Raises RefundNotAllowed (not paid, nothing left, amount out of range),
    GatewayError (the request stays pending; reconciliation retries it) or GatewayRejected.
    """
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(pk=payment_id).first()
        if payment is None:
            raise PaymentNotFound
        events = list(payment.events.all())
        state = derive_state(amount_vnd=payment.amount_vnd, events=events)
        available = payment.refundable_vnd - state.refund_pending_vnd
        amount = available if amount_vnd is None else amount_vnd
        if not payment.is_paid or available <= 0:
            raise RefundNotAllowed
        if not isinstance(amount, int) or amount <= 0 or amount > available:
            raise RefundNotAllowed
        number = 1 + sum(1 for e in events if e.event_type == Type.REFUND_REQUESTED)
        requested = _append_event(
            payment,
            event_type=Type.REFUND_REQUESTED,
            provider_reference=f"{payment.reference}-R{number}",
            amount_vnd=amount,
            message=reason[:255],
            source=Source.STAFF if actor else Source.SYSTEM,
            actor=actor[:150],
        )
    return send_refund(event_id=requested.pk)


def send_refund(*, event_id: int) -> PaymentEvent:
    """Send (or send again) a requested refund to the gateway and record its answer.

    Safe to run twice: once answered, it returns the answer without calling the gateway.
    """
    requested = PaymentEvent.objects.select_related("payment").get(
        pk=event_id, event_type=Type.REFUND_REQUESTED
    )
    answered = (
        PaymentEvent.objects.filter(
            provider=requested.provider,
            provider_reference=requested.provider_reference,
            event_type__in=[Type.REFUNDED, Type.REFUND_FAILED],
        )
        .order_by("pk")
        .first()
    )
    if answered is not None:
        return answered
    payment = requested.payment
    provider = get_provider(payment.provider)
    try:
        answer = provider.refund(
            payment=payment,
            amount_vnd=requested.amount_vnd,
            refund_reference=requested.provider_reference,
            reason=requested.message,
            actor=requested.actor,
        )
    except GatewayError:
        raise
    except PaymentError as error:
        _record_refund_answer(
            requested=requested,
            event_type=Type.REFUND_FAILED,
            result_code=getattr(error, "gateway_code", "") or error.code,
            message=error.message,
            raw={},
        )
        raise
    if answer.outcome == Outcome.PENDING:
        return requested
    return _record_refund_answer(
        requested=requested,
        event_type=Type.REFUNDED if answer.outcome == Outcome.PAID else Type.REFUND_FAILED,
        result_code=answer.result_code,
        message=answer.message or requested.message,
        raw=answer.raw,
        transaction_id=answer.transaction_id,
    )


def _record_refund_answer(
    *,
    requested: PaymentEvent,
    event_type: str,
    result_code: str,
    message: str,
    raw: dict[str, Any],
    transaction_id: str = "",
) -> PaymentEvent:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=requested.payment_id)
        event = _append_event(
            payment,
            event_type=event_type,
            provider_reference=requested.provider_reference,
            amount_vnd=requested.amount_vnd,
            gateway_transaction_id=transaction_id[:64],
            result_code=result_code[:16],
            message=message[:255],
            source=Source.QUERY if payment.provider != "cod" else Source.STAFF,
            actor=requested.actor,
            raw_payload=raw,
        )
        _refresh_state(payment)
        payment.save(update_fields=["status", "refunded_vnd", "updated_at"])
        if event_type == Type.REFUNDED:
            _deliver_after_commit(event)
    return event
