"""The URLs printed on labels. Never invents a GTIN: without one, only the short link."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from traceability.gs1 import build_uri


def site_url() -> str:
    return str(getattr(settings, "TRACE_LABEL_HOST", "") or settings.SITE_URL).rstrip("/")


def label_url(
    *, gtin: str, lot: str, serial: str = "", short_code: str = "", host: str = ""
) -> str:
    """The Digital Link (`/01/{gtin14}/10/{lot}[/21/{serial}]`) when the variant has a GTIN,
    otherwise the short link `/t/{serial or lot code}`."""
    stem = (host or site_url()).rstrip("/")
    if gtin:
        qualifiers = [("10", lot)] + ([("21", serial)] if serial else [])
        return build_uri(("01", gtin.zfill(14)), tuple(qualifiers), stem=stem)
    return f"{stem}/t/{serial or short_code}"


def short_url(*, code: str, host: str = "") -> str:
    return f"{(host or site_url()).rstrip('/')}/t/{code}"


def batch_trace_url(batch: Any, *, host: str = "") -> str:
    """The lot's trace URL, as given in the product API."""
    return label_url(gtin=batch.variant.gtin, lot=batch.lot, short_code=batch.short_code, host=host)
