"""ZaloPay v2: create order, callback, query, refund, query refund (HMAC-SHA256)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import requests

from payments.exceptions import GatewayError, GatewayRejected, SignatureMismatch
from payments.gateways.http import Timeout, hmac_hex, int_or_none, post_json, same_signature

logger = logging.getLogger("payments.zalopay")
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def mac(key: str, *values: object) -> str:
    return hmac_hex(key=key, message="|".join(str(v) for v in values), digest="sha256")


def date_prefix(now: dt.datetime) -> str:
    """`yymmdd` of the Vietnam date (at 01:30 in Vietnam the UTC date is still yesterday)."""
    return now.astimezone(VIETNAM).strftime("%y%m%d")


def milliseconds(now: dt.datetime) -> int:
    return int(now.timestamp() * 1000)


@dataclass(frozen=True)
class CreateResult:
    order_url: str
    zp_trans_token: str
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class Callback:
    app_trans_id: str
    amount_vnd: int
    zp_trans_id: str
    data: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class ApiResult:
    return_code: int
    sub_return_code: int | None
    message: str
    amount_vnd: int | None
    zp_trans_id: str
    is_processing: bool
    raw: dict[str, Any] = field(repr=False)


class ZaloPayClient:
    def __init__(
        self,
        *,
        app_id: str,
        key1: str,
        key2: str,
        endpoint: str,
        timeout: Timeout = (5.0, 30.0),
        session: requests.Session | None = None,
    ) -> None:
        self.app_id = str(app_id)
        self.key1 = key1
        self.key2 = key2
        self.endpoint = endpoint.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()

    def create(
        self,
        *,
        app_trans_id: str,
        amount_vnd: int,
        description: str,
        now: dt.datetime,
        app_user: str = "ocop",
        redirect_url: str = "",
        callback_url: str = "",
        items: list[dict[str, Any]] | None = None,
        expire_seconds: int = 900,
    ) -> CreateResult:
        """Create an order; raises GatewayRejected unless return_code is 1."""
        if amount_vnd <= 0:
            raise ValueError("amount must be positive")
        if len(app_trans_id) > 40 or not app_trans_id.startswith(date_prefix(now) + "_"):
            raise ValueError("app_trans_id must start with today's Vietnam date yymmdd_")
        embed_data = json.dumps({"redirecturl": redirect_url} if redirect_url else {})
        item = json.dumps(items or [], ensure_ascii=False)
        app_time = milliseconds(now)
        body: dict[str, Any] = {
            "app_id": int(self.app_id),
            "app_user": app_user[:50],
            "app_trans_id": app_trans_id,
            "app_time": app_time,
            "expire_duration_seconds": expire_seconds,
            "amount": amount_vnd,
            "item": item,
            "embed_data": embed_data,
            "description": description[:256],
            "bank_code": "",
        }
        if callback_url:
            body["callback_url"] = callback_url
        body["mac"] = mac(
            self.key1, self.app_id, app_trans_id, body["app_user"], amount_vnd, app_time,
            embed_data, item,
        )  # fmt: skip
        answer = post_json(self.session, f"{self.endpoint}/v2/create", body, timeout=self.timeout)
        code = int_or_none(answer.get("return_code"))
        if code is None:
            raise GatewayError
        if code != 1 or not answer.get("order_url"):
            raise GatewayRejected(
                answer.get("sub_return_message") or answer.get("return_message"),
                gateway_code=str(answer.get("sub_return_code", code)),
            )
        return CreateResult(
            order_url=str(answer["order_url"]),
            zp_trans_token=str(answer.get("zp_trans_token", "")),
            raw=answer,
        )

    def verify_callback(self, body: bytes) -> Callback:
        """Check `{"data": "...", "mac": "..."}` with key2 over the data string as received."""
        try:
            envelope = json.loads(body.decode("utf-8"))
            data_text = envelope["data"]
            received = envelope["mac"]
        except (UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
            raise SignatureMismatch("not a ZaloPay callback") from error
        if not isinstance(data_text, str) or not isinstance(received, str):
            raise SignatureMismatch("not a ZaloPay callback")
        expected = hmac_hex(key=self.key2, message=data_text, digest="sha256")
        if not same_signature(expected, received):
            logger.warning("ZaloPay callback mac mismatch")
            raise SignatureMismatch
        try:
            data = json.loads(data_text)
        except ValueError as error:
            raise SignatureMismatch("data is not JSON") from error
        amount = int_or_none(data.get("amount")) if isinstance(data, dict) else None
        if amount is None:
            raise SignatureMismatch("amount is not a number")
        return Callback(
            app_trans_id=str(data.get("app_trans_id", "")),
            amount_vnd=amount,
            zp_trans_id=str(data.get("zp_trans_id", "")),
            data=data,
        )

    def query(self, *, app_trans_id: str) -> ApiResult:
        body = {
            "app_id": int(self.app_id),
            "app_trans_id": app_trans_id,
            "mac": mac(self.key1, self.app_id, app_trans_id, self.key1),
        }
        return self._result(
            post_json(self.session, f"{self.endpoint}/v2/query", body, timeout=self.timeout)
        )

    def refund(
        self,
        *,
        m_refund_id: str,
        zp_trans_id: str,
        amount_vnd: int,
        description: str,
        now: dt.datetime,
    ) -> ApiResult:
        timestamp = milliseconds(now)
        body = {
            "app_id": int(self.app_id),
            "m_refund_id": m_refund_id,
            "zp_trans_id": zp_trans_id,
            "amount": amount_vnd,
            "timestamp": timestamp,
            "description": description[:256],
            "mac": mac(
                self.key1, self.app_id, zp_trans_id, amount_vnd, description[:256], timestamp
            ),
        }
        return self._result(
            post_json(self.session, f"{self.endpoint}/v2/refund", body, timeout=self.timeout)
        )

    def query_refund(self, *, m_refund_id: str, now: dt.datetime) -> ApiResult:
        timestamp = milliseconds(now)
        body = {
            "app_id": int(self.app_id),
            "m_refund_id": m_refund_id,
            "timestamp": timestamp,
            "mac": mac(self.key1, self.app_id, m_refund_id, timestamp),
        }
        return self._result(
            post_json(self.session, f"{self.endpoint}/v2/query_refund", body, timeout=self.timeout)
        )

    @staticmethod
    def _result(answer: dict[str, Any]) -> ApiResult:
        code = int_or_none(answer.get("return_code"))
        if code is None:
            raise GatewayError
        return ApiResult(
            return_code=code,
            sub_return_code=int_or_none(answer.get("sub_return_code")),
            message=str(answer.get("sub_return_message") or answer.get("return_message") or ""),
            amount_vnd=int_or_none(answer.get("amount")),
            zp_trans_id=str(answer.get("zp_trans_id") or ""),
            is_processing=bool(answer.get("is_processing")),
            raw=answer,
        )
