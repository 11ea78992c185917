"""ZaloPay (v2 create order) as a PaymentProvider."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise

from payments import conf
from payments.exceptions import SignatureMismatch
from payments.gateways import zalopay as sdk
from payments.gateways.vnpay import sanitize_order_info, sanitize_txn_ref
from payments.models import Payment
from payments.providers.base import GatewayAnswer, Outcome, Redirect, RefundAnswer


def client() -> sdk.ZaloPayClient:
    config = conf.zalopay_config()
    return sdk.ZaloPayClient(
        app_id=config.app_id,
        key1=config.key1,
        key2=config.key2,
        endpoint=config.endpoint,
        timeout=conf.timeout(),
        session=conf.http_session(),
    )


class ZaloPayProvider:
    code = "zalopay"
    label: str | Promise = "ZaloPay"
    is_online = True
    min_amount_vnd = 1
    max_amount_vnd: int | None = None

    def is_available(self) -> bool:
        if self.code not in settings.PAYMENTS_METHODS:
            return False
        try:
            conf.zalopay_config()
        except Exception:
            return False
        return True

    def make_reference(self, *, order_reference: str, attempt: int, now: dt.datetime) -> str:
        return f"{sdk.date_prefix(now)}_{sanitize_txn_ref(order_reference)[:28]}-{attempt}"

    def start(
        self, *, payment: Payment, description: str, ip_address: str, locale: str
    ) -> Redirect | None:
        now = timezone.now()
        created = client().create(
            app_trans_id=payment.reference,
            amount_vnd=payment.amount_vnd,
            description=sanitize_order_info(description)[:256] or payment.reference,
            now=now,
            redirect_url=conf.public_url("payments:zalopay_return"),
            callback_url=conf.public_url("payments:zalopay_callback"),
            expire_seconds=settings.PAYMENTS_EXPIRE_MINUTES * 60,
        )
        return Redirect(
            url=created.order_url, gateway_data={"zp_trans_token": created.zp_trans_token}
        )

    def parse_notification(self, *, query: Mapping[str, str], body: bytes) -> GatewayAnswer:
        callback = client().verify_callback(body)
        if str(callback.data.get("app_id", "")) != conf.zalopay_config().app_id:
            raise SignatureMismatch("another app's callback")
        # ZaloPay calls back only for successful payments.
        return GatewayAnswer(
            reference=callback.app_trans_id,
            outcome=Outcome.PAID,
            amount_vnd=callback.amount_vnd,
            transaction_id=callback.zp_trans_id,
            result_code="1",
            raw=callback.data,
        )

    def parse_return(self, *, query: Mapping[str, str]) -> GatewayAnswer:
        # The redirect's checksum input order is unverified: never trusted (spec 3.7).
        raise SignatureMismatch

    def query(self, *, payment: Payment) -> GatewayAnswer:
        result = client().query(app_trans_id=payment.reference)
        if result.return_code == 1:
            outcome = Outcome.PAID
        elif result.return_code == 2:
            outcome = Outcome.FAILED
        else:
            outcome = Outcome.PENDING
        return GatewayAnswer(
            reference=payment.reference,
            outcome=outcome,
            amount_vnd=result.amount_vnd,
            transaction_id=result.zp_trans_id if result.zp_trans_id not in {"", "0"} else "",
            result_code=str(result.sub_return_code or result.return_code),
            message=result.message[:255],
            raw=result.raw,
        )

    def refund(
        self, *, payment: Payment, amount_vnd: int, refund_reference: str, reason: str, actor: str
    ) -> RefundAnswer:
        now = timezone.now()
        config = conf.zalopay_config()
        suffix = sanitize_txn_ref(refund_reference).replace("-", "")[-20:]
        result = client().refund(
            m_refund_id=f"{sdk.date_prefix(now)}_{config.app_id}_{suffix}",
            zp_trans_id=payment.gateway_transaction_id,
            amount_vnd=amount_vnd,
            description=sanitize_order_info(reason or f"Hoan tien {refund_reference}"),
            now=now,
        )
        outcome = {1: Outcome.PAID, 3: Outcome.PENDING}.get(result.return_code, Outcome.FAILED)
        return RefundAnswer(
            outcome=outcome,
            result_code=str(result.sub_return_code or result.return_code),
            message=result.message[:255],
            raw=result.raw,
        )
