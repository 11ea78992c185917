"""MoMo (captureWallet v2) as a PaymentProvider."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

from django.conf import settings
from django.utils.functional import Promise

from payments import conf
from payments.exceptions import SignatureMismatch
from payments.gateways import momo as sdk
from payments.gateways.vnpay import sanitize_txn_ref
from payments.models import Payment
from payments.providers.base import GatewayAnswer, Outcome, Redirect, RefundAnswer

NOT_FOUND_CODE = 42


def client() -> sdk.MoMoClient:
    config = conf.momo_config()
    return sdk.MoMoClient(
        partner_code=config.partner_code,
        access_key=config.access_key,
        secret_key=config.secret_key,
        endpoint=config.endpoint,
        timeout=conf.timeout(),
        session=conf.http_session(),
    )


def _outcome(code: int) -> Outcome:
    if code in {0, 9000}:
        return Outcome.PAID
    if code == NOT_FOUND_CODE:
        return Outcome.UNKNOWN
    if code in sdk.PENDING_CODES or (code < 1000 and code not in {98, 99}):
        return Outcome.PENDING
    return Outcome.FAILED


class MoMoProvider:
    code = "momo"
    label: str | Promise = "MoMo"
    is_online = True
    min_amount_vnd = sdk.MIN_AMOUNT_VND
    max_amount_vnd: int | None = sdk.MAX_AMOUNT_VND

    def is_available(self) -> bool:
        if self.code not in settings.PAYMENTS_METHODS:
            return False
        try:
            conf.momo_config()
        except Exception:
            return False
        return True

    def make_reference(self, *, order_reference: str, attempt: int, now: dt.datetime) -> str:
        return f"{sanitize_txn_ref(order_reference).strip('-_')[:34]}-{attempt}"

    def start(
        self, *, payment: Payment, description: str, ip_address: str, locale: str
    ) -> Redirect | None:
        request_id = sdk.new_request_id()
        created = client().create(
            order_id=payment.reference,
            amount_vnd=payment.amount_vnd,
            order_info=description,
            redirect_url=conf.public_url("payments:momo_return"),
            ipn_url=conf.public_url("payments:momo_ipn"),
            lang="en" if locale == "en" else "vi",
            request_id=request_id,
        )
        return Redirect(url=created.pay_url, gateway_data={"requestId": request_id})

    def parse_notification(self, *, query: Mapping[str, str], body: bytes) -> GatewayAnswer:
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise SignatureMismatch("not JSON") from error
        if not isinstance(data, dict):
            raise SignatureMismatch("not a JSON object")
        return self._answer(client().verify(data))

    def parse_return(self, *, query: Mapping[str, str]) -> GatewayAnswer:
        return self._answer(client().verify(dict(query.items())))

    def _answer(self, notification: sdk.Notification) -> GatewayAnswer:
        if notification.partner_code != conf.momo_config().partner_code:
            raise SignatureMismatch("another merchant's notification")
        return GatewayAnswer(
            reference=notification.order_id,
            outcome=Outcome.PAID if notification.is_success else Outcome.FAILED,
            amount_vnd=notification.amount_vnd,
            transaction_id=notification.trans_id if notification.trans_id != "0" else "",
            result_code=str(notification.result_code),
            message=notification.message[:255],
            raw=notification.raw,
        )

    def query(self, *, payment: Payment) -> GatewayAnswer:
        result = client().query(order_id=payment.reference)
        return GatewayAnswer(
            reference=payment.reference,
            outcome=_outcome(result.result_code),
            amount_vnd=result.amount_vnd,
            transaction_id=result.trans_id if result.trans_id not in {"", "0"} else "",
            result_code=str(result.result_code),
            message=result.message[:255],
            raw=result.raw,
        )

    def refund(
        self, *, payment: Payment, amount_vnd: int, refund_reference: str, reason: str, actor: str
    ) -> RefundAnswer:
        result = client().refund(
            refund_order_id=refund_reference,
            amount_vnd=amount_vnd,
            trans_id=payment.gateway_transaction_id,
            description=reason or refund_reference,
        )
        if result.result_code == 0:
            outcome = Outcome.PAID
        elif result.result_code in sdk.PENDING_CODES:
            outcome = Outcome.PENDING
        else:
            outcome = Outcome.FAILED
        return RefundAnswer(
            outcome=outcome,
            transaction_id=result.trans_id,
            result_code=str(result.result_code),
            message=result.message[:255],
            raw=result.raw,
        )
