"""The JSON body of an API refusal, as `config.api.error_response` writes it."""

from __future__ import annotations

from typing import Any


def api_error(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    body: dict[str, Any] = {
        "error": {"code": code, "message": message, "fields": fields or {}},
        "detail": message,
    }
    if fields:
        body["errors"] = fields
    return body
