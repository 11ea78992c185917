"""MoMo "all-in-one" gateway v2, requestType=captureWallet: create, IPN, query, refund.

Signatures are HMAC-SHA256 (secretKey) over `name=value` pairs in alphabetical order of name,
raw values (no URL-encoding), joined with `&`; accessKey is always signed.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from payments.exceptions import GatewayError, GatewayRejected, SignatureMismatch
from payments.gateways.http import Timeout, hmac_hex, int_or_none, post_json, same_signature

logger = logging.getLogger("payments.momo")

CREATE_FIELDS = (
    "accessKey",
    "amount",
    "extraData",
    "ipnUrl",
    "orderId",
    "orderInfo",
    "partnerCode",
    "redirectUrl",
    "requestId",
    "requestType",
)
IPN_FIELDS = (
    "accessKey",
    "amount",
    "extraData",
    "message",
    "orderId",
    "orderInfo",
    "orderType",
    "partnerCode",
    "payType",
    "requestId",
    "responseTime",
    "resultCode",
    "transId",
)
QUERY_FIELDS = ("accessKey", "orderId", "partnerCode", "requestId")
REFUND_FIELDS = (
    "accessKey",
    "amount",
    "description",
    "orderId",
    "partnerCode",
    "requestId",
    "transId",
)
MIN_AMOUNT_VND = 1_000
MAX_AMOUNT_VND = 50_000_000
ORDER_ID = re.compile(r"^[0-9a-zA-Z]([-_.]*[0-9a-zA-Z]+)*$")
# resultCode values that are not final: ask again later.
PENDING_CODES = frozenset({1000, 7000, 7002, 8000})


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def signed_string(values: Mapping[str, object], names: tuple[str, ...]) -> str:
    return "&".join(f"{name}={_text(values.get(name))}" for name in names)


def sign(values: Mapping[str, object], names: tuple[str, ...], secret_key: str) -> str:
    return hmac_hex(key=secret_key, message=signed_string(values, names), digest="sha256")


def new_request_id() -> str:
    return secrets.token_hex(16)


@dataclass(frozen=True)
class CreateResult:
    pay_url: str
    result_code: int
    message: str
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class Notification:
    order_id: str
    request_id: str
    amount_vnd: int
    trans_id: str
    result_code: int
    message: str
    partner_code: str
    raw: dict[str, Any] = field(repr=False)

    @property
    def is_success(self) -> bool:
        # 9000 is "authorized": with the default autoCapture=true it is a success.
        return self.result_code in {0, 9000}


@dataclass(frozen=True)
class ApiResult:
    result_code: int
    message: str
    amount_vnd: int | None
    trans_id: str
    raw: dict[str, Any] = field(repr=False)


class MoMoClient:
    def __init__(
        self,
        *,
        partner_code: str,
        access_key: str,
        secret_key: str,
        endpoint: str,
        timeout: Timeout = (5.0, 30.0),
        session: requests.Session | None = None,
    ) -> None:
        self.partner_code = partner_code
        self.access_key = access_key
        self.secret_key = secret_key
        self.endpoint = endpoint.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()

    def _signed(self, body: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
        body["signature"] = sign({**body, "accessKey": self.access_key}, names, self.secret_key)
        return body

    def create(
        self,
        *,
        order_id: str,
        amount_vnd: int,
        order_info: str,
        redirect_url: str,
        ipn_url: str,
        extra_data: str = "",
        lang: str = "vi",
        request_id: str = "",
    ) -> CreateResult:
        """captureWallet create; raises GatewayRejected unless resultCode is 0."""
        if not MIN_AMOUNT_VND <= amount_vnd <= MAX_AMOUNT_VND:
            raise ValueError("MoMo wallet payments are between 1,000 and 50,000,000 đồng")
        if not ORDER_ID.match(order_id):
            raise ValueError("orderId has characters MoMo refuses")
        body = self._signed(
            {
                "partnerCode": self.partner_code,
                "requestId": request_id or new_request_id(),
                "amount": amount_vnd,
                "orderId": order_id,
                "orderInfo": order_info[:255],
                "redirectUrl": redirect_url,
                "ipnUrl": ipn_url,
                "requestType": "captureWallet",
                "extraData": extra_data,
                "lang": "en" if lang == "en" else "vi",
            },
            CREATE_FIELDS,
        )
        answer = post_json(
            self.session, f"{self.endpoint}/v2/gateway/api/create", body, timeout=self.timeout
        )
        code = int_or_none(answer.get("resultCode"))
        if code is None:
            raise GatewayError
        if code != 0 or not answer.get("payUrl"):
            raise GatewayRejected(answer.get("message"), gateway_code=str(code))
        return CreateResult(
            pay_url=str(answer["payUrl"]),
            result_code=code,
            message=str(answer.get("message", "")),
            raw=answer,
        )

    def verify(self, data: Mapping[str, Any]) -> Notification:
        """Check an IPN body (parsed JSON) or redirect query; raises SignatureMismatch."""
        expected = sign({**data, "accessKey": self.access_key}, IPN_FIELDS, self.secret_key)
        if not same_signature(expected, str(data.get("signature", ""))):
            logger.warning("MoMo signature mismatch for %s", data.get("orderId"))
            raise SignatureMismatch
        amount, code = int_or_none(data.get("amount")), int_or_none(data.get("resultCode"))
        if amount is None or code is None:
            raise SignatureMismatch("amount or resultCode is not a number")
        return Notification(
            order_id=_text(data.get("orderId")),
            request_id=_text(data.get("requestId")),
            amount_vnd=amount,
            trans_id=_text(data.get("transId")),
            result_code=code,
            message=_text(data.get("message")),
            partner_code=_text(data.get("partnerCode")),
            raw=dict(data),
        )

    def query(self, *, order_id: str, request_id: str = "", lang: str = "vi") -> ApiResult:
        body = self._signed(
            {
                "partnerCode": self.partner_code,
                "requestId": request_id or new_request_id(),
                "orderId": order_id,
                "lang": lang,
            },
            QUERY_FIELDS,
        )
        return self._result(
            post_json(
                self.session, f"{self.endpoint}/v2/gateway/api/query", body, timeout=self.timeout
            )
        )

    def refund(
        self,
        *,
        refund_order_id: str,
        amount_vnd: int,
        trans_id: str,
        description: str,
        request_id: str = "",
        lang: str = "vi",
    ) -> ApiResult:
        """Refund `amount_vnd` of MoMo transaction `trans_id` under a new orderId."""
        body = self._signed(
            {
                "partnerCode": self.partner_code,
                "orderId": refund_order_id,
                "requestId": request_id or new_request_id(),
                "amount": amount_vnd,
                "transId": trans_id,
                "lang": lang,
                "description": description[:255],
            },
            REFUND_FIELDS,
        )
        return self._result(
            post_json(
                self.session, f"{self.endpoint}/v2/gateway/api/refund", body, timeout=self.timeout
            )
        )

    @staticmethod
    def _result(answer: dict[str, Any]) -> ApiResult:
        code = int_or_none(answer.get("resultCode"))
        if code is None:
            raise GatewayError
        return ApiResult(
            result_code=code,
            message=_text(answer.get("message")),
            amount_vnd=int_or_none(answer.get("amount")),
            trans_id=_text(answer.get("transId")),
            raw=answer,
        )


def dumps(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")
