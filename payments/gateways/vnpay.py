"""VNPay 2.1.0: payment URL, return/IPN verification, querydr and refund.

client = VNPayClient(tmn_code=..., hash_secret=..., payment_url=..., api_url=...)
url = client.build_payment_url(txn_ref="DH1-1", amount_vnd=180_000, ...).url
result = client.verify(request.GET)          # raises SignatureMismatch
answer = client.query(txn_ref=..., transaction_date=...)
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

import requests

from payments.exceptions import GatewayError, GatewayRejected, SignatureMismatch
from payments.gateways.http import Timeout, hmac_hex, post_json, same_signature

logger = logging.getLogger("payments.vnpay")

VERSION = "2.1.0"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"
UNSIGNED = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})

QUERY_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)
REFUND_RESPONSE_FIELDS = QUERY_RESPONSE_FIELDS[:13]

_ORDER_INFO_OUTSIDE = re.compile(r"[^A-Za-z0-9 .,:#/_-]")
_TXN_REF_OUTSIDE = re.compile(r"[^A-Za-z0-9_-]")


def strip_diacritics(text: str) -> str:
    """`Đặt cọc` → `Dat coc`: đ/Đ replaced, then NFD with the combining marks removed."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if unicodedata.category(char) != "Mn")


def sanitize_order_info(text: str) -> str:
    """The spec's cleaner for `vnp_OrderInfo` (1.4), applied before signing."""
    cleaned = _ORDER_INFO_OUTSIDE.sub(" ", strip_diacritics(text))
    return " ".join(cleaned.split())[:255]


def sanitize_txn_ref(text: str) -> str:
    """Only `[A-Za-z0-9_-]`, at most 100 characters."""
    return _TXN_REF_OUTSIDE.sub("", strip_diacritics(text))[:100]


def canonical_query(params: Mapping[str, object]) -> str:
    """Sorted `name=quote_plus(value)` pairs joined with `&`: the query string and signed data."""
    return "&".join(f"{name}={quote_plus(str(params[name]))}" for name in sorted(params))


def sign(data: str, hash_secret: str) -> str:
    return hmac_hex(key=hash_secret, message=data, digest="sha512")


def format_date(moment: dt.datetime) -> str:
    """An aware instant as `yyyyMMddHHmmss` in Vietnam time."""
    if moment.tzinfo is None:
        raise ValueError("VNPay dates need an aware datetime")
    return moment.astimezone(VIETNAM).strftime(DATE_FORMAT)


def parse_date(text: str) -> dt.datetime | None:
    """`yyyyMMddHHmmss` in Vietnam time as an aware UTC instant (None when unreadable)."""
    try:
        local = dt.datetime.strptime(text, DATE_FORMAT).replace(tzinfo=VIETNAM)
    except (TypeError, ValueError):
        return None
    return local.astimezone(dt.UTC)


def signed_fields(params: Mapping[str, str]) -> dict[str, str]:
    """The `vnp_*` parameters that are signed (tracking parameters and the hash left out)."""
    return {k: v for k, v in params.items() if k.startswith("vnp_") and k not in UNSIGNED}


def pipe_checksum(values: list[str], hash_secret: str) -> str:
    return sign("|".join(values), hash_secret)


def request_id() -> str:
    """A fresh vnp_RequestId (32 hex characters, unique within the day)."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class PaymentUrl:
    url: str
    txn_ref: str
    create_date: str
    expire_date: str
    params: dict[str, str]


@dataclass(frozen=True)
class PaymentResult:
    """A verified return or IPN."""

    txn_ref: str
    amount_vnd: int
    response_code: str
    transaction_status: str
    transaction_no: str
    bank_code: str
    pay_date: str
    order_info: str
    tmn_code: str
    raw: dict[str, str] = field(repr=False)

    @property
    def is_success(self) -> bool:
        return self.response_code == "00" and self.transaction_status == "00"


@dataclass(frozen=True)
class ApiResult:
    """A querydr or refund answer."""

    response_code: str
    message: str
    txn_ref: str
    amount_vnd: int | None
    transaction_status: str
    transaction_no: str
    transaction_type: str
    pay_date: str
    is_checksum_valid: bool
    raw: dict[str, Any] = field(repr=False)

    @property
    def is_paid(self) -> bool:
        return self.response_code == "00" and self.transaction_status == "00"


def amount_from_wire(raw: object) -> int | None:
    try:
        hundredths = int(str(raw))
    except (TypeError, ValueError):
        return None
    if hundredths < 0 or hundredths % 100:
        return None
    return hundredths // 100


class VNPayClient:
    """A VNPay merchant terminal. Every HTTP call has `timeout` (connect, read) seconds."""

    def __init__(
        self,
        *,
        tmn_code: str,
        hash_secret: str,
        payment_url: str,
        api_url: str,
        timeout: Timeout = (5.0, 30.0),
        session: requests.Session | None = None,
        strict_response_checksum: bool = True,
    ) -> None:
        self.tmn_code = tmn_code
        self.hash_secret = hash_secret
        self.payment_url = payment_url
        self.api_url = api_url
        self.timeout = timeout
        self.session = session or requests.Session()
        self.strict_response_checksum = strict_response_checksum

    # --- Payment URL -------------------------------------------------------------------------

    def build_payment_url(
        self,
        *,
        txn_ref: str,
        amount_vnd: int,
        order_info: str,
        return_url: str,
        ip_address: str,
        created_at: dt.datetime,
        expire_minutes: int = 15,
        locale: str = "vn",
        bank_code: str = "",
        order_type: str = "other",
    ) -> PaymentUrl:
        """The signed URL to send the shopper's browser to (API 2.1.0, HMAC-SHA512).

        Raises ValueError for an amount that is not a positive whole number of đồng or a
        reference that is empty once cleaned.
        """
        if not isinstance(amount_vnd, int) or isinstance(amount_vnd, bool) or amount_vnd <= 0:
            raise ValueError("amount_vnd must be a positive int of đồng")
        clean_ref = sanitize_txn_ref(txn_ref)
        if not clean_ref:
            raise ValueError("txn_ref is empty once cleaned")
        create_date = format_date(created_at)
        expire_date = format_date(created_at + dt.timedelta(minutes=expire_minutes))
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(amount_vnd * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": clean_ref,
            "vnp_OrderInfo": sanitize_order_info(order_info) or clean_ref,
            "vnp_OrderType": order_type,
            "vnp_Locale": "en" if locale == "en" else "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": ip_address,
            "vnp_CreateDate": create_date,
            "vnp_ExpireDate": expire_date,
            "vnp_BankCode": bank_code,
        }
        params = {k: v for k, v in params.items() if v != ""}
        signed = canonical_query(params)
        url = f"{self.payment_url}?{signed}&vnp_SecureHash={sign(signed, self.hash_secret)}"
        return PaymentUrl(
            url=url,
            txn_ref=clean_ref,
            create_date=create_date,
            expire_date=expire_date,
            params=params,
        )

    # --- Return and IPN ----------------------------------------------------------------------

    def signature_for(self, params: Mapping[str, str]) -> str:
        return sign(canonical_query(signed_fields(params)), self.hash_secret)

    def verify(self, params: Mapping[str, str]) -> PaymentResult:
        """Check a return or IPN query (decoded, e.g. `request.GET`); raise SignatureMismatch."""
        flat = {k: str(params.get(k, "")) for k in params}
        received = flat.get("vnp_SecureHash", "")
        if not received or not same_signature(self.signature_for(flat), received):
            logger.warning("VNPay signature mismatch for %s", canonical_query(signed_fields(flat)))
            raise SignatureMismatch
        amount = amount_from_wire(flat.get("vnp_Amount"))
        if amount is None:
            raise SignatureMismatch("vnp_Amount is not a whole number of đồng")
        return PaymentResult(
            txn_ref=flat.get("vnp_TxnRef", ""),
            amount_vnd=amount,
            response_code=flat.get("vnp_ResponseCode", ""),
            transaction_status=flat.get("vnp_TransactionStatus", ""),
            transaction_no=flat.get("vnp_TransactionNo", ""),
            bank_code=flat.get("vnp_BankCode", ""),
            pay_date=flat.get("vnp_PayDate", ""),
            order_info=flat.get("vnp_OrderInfo", ""),
            tmn_code=flat.get("vnp_TmnCode", ""),
            raw=flat,
        )

    # --- querydr and refund ------------------------------------------------------------------

    def query(
        self,
        *,
        txn_ref: str,
        transaction_date: str,
        now: dt.datetime,
        ip_address: str,
        order_info: str = "",
        transaction_no: str = "",
        request_id_value: str = "",
    ) -> ApiResult:
        """querydr: what VNPay knows about `txn_ref` (paid, not paid, unknown)."""
        body = {
            "vnp_RequestId": request_id_value or request_id(),
            "vnp_Version": VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": txn_ref,
            "vnp_OrderInfo": sanitize_order_info(order_info or f"Truy van {txn_ref}"),
            "vnp_TransactionDate": transaction_date,
            "vnp_CreateDate": format_date(now),
            "vnp_IpAddr": ip_address,
        }
        if transaction_no:
            body["vnp_TransactionNo"] = transaction_no
        body["vnp_SecureHash"] = pipe_checksum(
            [
                body["vnp_RequestId"],
                body["vnp_Version"],
                body["vnp_Command"],
                body["vnp_TmnCode"],
                body["vnp_TxnRef"],
                body["vnp_TransactionDate"],
                body["vnp_CreateDate"],
                body["vnp_IpAddr"],
                body["vnp_OrderInfo"],
            ],
            self.hash_secret,
        )
        return self._api_result(post_json(self.session, self.api_url, body, timeout=self.timeout))

    def refund(
        self,
        *,
        txn_ref: str,
        amount_vnd: int,
        is_full: bool,
        transaction_no: str,
        transaction_date: str,
        created_by: str,
        now: dt.datetime,
        ip_address: str,
        order_info: str = "",
        request_id_value: str = "",
    ) -> ApiResult:
        """refund: full (`02`) or partial (`03`). Raises GatewayRejected unless accepted (00)."""
        if amount_vnd <= 0:
            raise ValueError("refund amount must be positive")
        body = {
            "vnp_RequestId": request_id_value or request_id(),
            "vnp_Version": VERSION,
            "vnp_Command": "refund",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TransactionType": "02" if is_full else "03",
            "vnp_TxnRef": txn_ref,
            "vnp_Amount": str(amount_vnd * 100),
            "vnp_OrderInfo": sanitize_order_info(order_info or f"Hoan tien {txn_ref}"),
            "vnp_TransactionNo": transaction_no or "0",
            "vnp_TransactionDate": transaction_date,
            "vnp_CreateBy": created_by or "system",
            "vnp_CreateDate": format_date(now),
            "vnp_IpAddr": ip_address,
        }
        body["vnp_SecureHash"] = pipe_checksum(
            [
                body["vnp_RequestId"],
                body["vnp_Version"],
                body["vnp_Command"],
                body["vnp_TmnCode"],
                body["vnp_TransactionType"],
                body["vnp_TxnRef"],
                body["vnp_Amount"],
                body["vnp_TransactionNo"],
                body["vnp_TransactionDate"],
                body["vnp_CreateBy"],
                body["vnp_CreateDate"],
                body["vnp_IpAddr"],
                body["vnp_OrderInfo"],
            ],
            self.hash_secret,
        )
        result = self._api_result(
            post_json(self.session, self.api_url, body, timeout=self.timeout),
            fields=REFUND_RESPONSE_FIELDS,
        )
        if result.response_code != "00":
            raise GatewayRejected(result.message, gateway_code=result.response_code)
        return result

    def _api_result(
        self, answer: dict[str, Any], fields: tuple[str, ...] = QUERY_RESPONSE_FIELDS
    ) -> ApiResult:
        values = ["" if answer.get(name) is None else str(answer.get(name)) for name in fields]
        expected = pipe_checksum(values, self.hash_secret)
        valid = same_signature(expected, str(answer.get("vnp_SecureHash", "")))
        if not valid:
            logger.warning("VNPay API answer checksum mismatch: %s", answer)
            if self.strict_response_checksum:
                raise SignatureMismatch
        code = str(answer.get("vnp_ResponseCode", ""))
        if not code:
            raise GatewayError
        return ApiResult(
            response_code=code,
            message=str(answer.get("vnp_Message", "")),
            txn_ref=str(answer.get("vnp_TxnRef", "")),
            amount_vnd=amount_from_wire(answer.get("vnp_Amount"))
            if answer.get("vnp_Amount")
            else None,
            transaction_status=str(answer.get("vnp_TransactionStatus", "")),
            transaction_no=str(answer.get("vnp_TransactionNo", "")),
            transaction_type=str(answer.get("vnp_TransactionType", "")),
            pay_date=str(answer.get("vnp_PayDate", "")),
            is_checksum_valid=valid,
            raw=answer,
        )


def response_checksum(answer: Mapping[str, object], fields: tuple[str, ...], secret: str) -> str:
    """The checksum of a querydr (15 fields) or refund (13 fields) answer (the sandbox signs)."""
    values = ["" if answer.get(name) is None else str(answer.get(name)) for name in fields]
    return pipe_checksum(values, secret)
