"""One way to call a gateway over HTTP: always a timeout, errors mapped to our taxonomy."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any

import requests

from payments.exceptions import GatewayError, GatewayTimeout

logger = logging.getLogger("payments.gateways")

Timeout = float | tuple[float, float]


def int_or_none(value: object) -> int | None:
    """A gateway's number field as an int (they send some as strings), or None when it is
    missing or not a number."""
    if isinstance(value, bool):
        return None
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def hmac_hex(*, key: str, message: str, digest: str) -> str:
    """Lowercase hex HMAC of `message` under `key`, both encoded as UTF-8."""
    return hmac.new(
        key.encode("utf-8"), message.encode("utf-8"), getattr(hashlib, digest)
    ).hexdigest()


def same_signature(expected: str, received: str) -> bool:
    """Constant-time comparison, accepting either letter case in what we received."""
    return hmac.compare_digest(expected.lower(), (received or "").strip().lower())


def post_json(
    session: requests.Session, url: str, body: dict[str, Any], *, timeout: Timeout
) -> dict[str, Any]:
    """POST `body` as UTF-8 JSON and return the JSON object answered.

    Raises GatewayTimeout when the gateway does not answer in time, GatewayError on connection
    errors, 5xx answers and anything that is not a JSON object (all retryable).
    """
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    try:
        response = session.post(
            url,
            data=data,
            headers={"Content-Type": "application/json; charset=UTF-8"},
            timeout=timeout,
        )
    except requests.Timeout as error:
        raise GatewayTimeout from error
    except requests.RequestException as error:
        raise GatewayError from error
    if response.status_code >= 500:
        logger.warning("gateway %s answered HTTP %s", url, response.status_code)
        raise GatewayError
    try:
        answer = response.json()
    except ValueError as error:
        logger.warning("gateway %s answered non-JSON (HTTP %s)", url, response.status_code)
        raise GatewayError from error
    if not isinstance(answer, dict):
        raise GatewayError
    return answer
