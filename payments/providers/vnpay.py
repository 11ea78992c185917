"""VNPay as a PaymentProvider, on the SDK in payments/gateways/vnpay.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise

from payments import conf
from payments.exceptions import GatewayRejected, SignatureMismatch
from payments.gateways import vnpay as sdk
from payments.models import Payment
from payments.providers.base import GatewayAnswer, Outcome, Redirect, RefundAnswer

# vnp_ResponseCode values of a finished, unsuccessful payment (return and IPN).
_PENDING_STATUSES = {"01"}


def client() -> sdk.VNPayClient:
    config = conf.vnpay_config()
    return sdk.VNPayClient(
        tmn_code=config.tmn_code,
        hash_secret=config.hash_secret,
        payment_url=config.payment_url,
        api_url=config.api_url,
        timeout=conf.timeout(),
        session=conf.http_session(),
        strict_response_checksum=settings.PAYMENTS_VNPAY_STRICT_RESPONSE_CHECKSUM,
    )


def _answer(result: sdk.PaymentResult) -> GatewayAnswer:
    return GatewayAnswer(
        reference=result.txn_ref,
        outcome=Outcome.PAID if result.is_success else Outcome.FAILED,
        amount_vnd=result.amount_vnd,
        transaction_id="" if result.transaction_no == "0" else result.transaction_no,
        result_code=result.response_code,
        message=result.transaction_status,
        raw=result.raw,
    )


class VNPayProvider:
    code = "vnpay"
    label: str | Promise = "VNPay"
    is_online = True
    min_amount_vnd = 1
    max_amount_vnd: int | None = None

    def is_available(self) -> bool:
        if self.code not in settings.PAYMENTS_METHODS:
            return False
        try:
            conf.vnpay_config()
        except Exception:
            return False
        return True

    def make_reference(self, *, order_reference: str, attempt: int, now: dt.datetime) -> str:
        return f"{sdk.sanitize_txn_ref(order_reference)[:34]}-{attempt}"

    def start(
        self, *, payment: Payment, description: str, ip_address: str, locale: str
    ) -> Redirect | None:
        built = client().build_payment_url(
            txn_ref=payment.reference,
            amount_vnd=payment.amount_vnd,
            order_info=description,
            return_url=conf.public_url("payments:vnpay_return"),
            ip_address=ip_address or settings.PAYMENTS_SERVER_IP,
            created_at=timezone.now(),
            expire_minutes=settings.PAYMENTS_EXPIRE_MINUTES,
            locale="en" if locale == "en" else "vn",
        )
        return Redirect(
            url=built.url,
            gateway_data={
                "vnp_CreateDate": built.create_date,
                "vnp_ExpireDate": built.expire_date,
                "vnp_OrderInfo": built.params["vnp_OrderInfo"],
            },
        )

    def parse_notification(self, *, query: Mapping[str, str], body: bytes) -> GatewayAnswer:
        vnpay = client()
        result = vnpay.verify(query)
        if result.tmn_code != vnpay.tmn_code:
            raise SignatureMismatch("another terminal's notification")
        return _answer(result)

    def parse_return(self, *, query: Mapping[str, str]) -> GatewayAnswer:
        return _answer(client().verify(query))

    def query(self, *, payment: Payment) -> GatewayAnswer:
        result = client().query(
            txn_ref=payment.reference,
            transaction_date=payment.gateway_data.get("vnp_CreateDate", ""),
            now=timezone.now(),
            ip_address=settings.PAYMENTS_SERVER_IP,
            order_info=f"Truy van giao dich {payment.reference}",
            transaction_no=payment.gateway_transaction_id,
        )
        if result.response_code == "91":
            outcome = Outcome.UNKNOWN
        elif result.response_code != "00":
            outcome = Outcome.PENDING  # the query itself failed: ask again later
        elif result.transaction_status == "00":
            outcome = Outcome.PAID
        elif result.transaction_status in _PENDING_STATUSES:
            outcome = Outcome.PENDING
        else:
            outcome = Outcome.FAILED
        return GatewayAnswer(
            reference=payment.reference,
            outcome=outcome,
            amount_vnd=result.amount_vnd,
            transaction_id=result.transaction_no if result.transaction_no != "0" else "",
            result_code=result.transaction_status or result.response_code,
            message=result.message,
            raw=result.raw,
        )

    def refund(
        self, *, payment: Payment, amount_vnd: int, refund_reference: str, reason: str, actor: str
    ) -> RefundAnswer:
        try:
            result = client().refund(
                txn_ref=payment.reference,
                amount_vnd=amount_vnd,
                is_full=amount_vnd == payment.amount_vnd,
                transaction_no=payment.gateway_transaction_id,
                transaction_date=payment.gateway_data.get("vnp_CreateDate", ""),
                created_by=actor,
                now=timezone.now(),
                ip_address=settings.PAYMENTS_SERVER_IP,
                order_info=f"Hoan tien {refund_reference} {reason}",
            )
        except GatewayRejected as error:
            if error.gateway_code == "94":  # a refund for it is already being processed
                return RefundAnswer(
                    outcome=Outcome.PENDING, result_code="94", message=error.message
                )
            raise
        return RefundAnswer(
            outcome=Outcome.PAID,
            transaction_id=result.transaction_no,
            result_code=result.response_code,
            message=result.message,
            raw=result.raw,
        )
