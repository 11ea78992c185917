"""Payment providers, in a plain dict keyed by code: no dynamic loading, no plugin chain."""

from __future__ import annotations

from django.conf import settings

from payments.exceptions import UnknownProvider
from payments.providers.base import (
    GatewayAnswer,
    Outcome,
    PaymentProvider,
    Redirect,
    RefundAnswer,
)
from payments.providers.cod import CodProvider
from payments.providers.momo import MoMoProvider
from payments.providers.vnpay import VNPayProvider
from payments.providers.zalopay import ZaloPayProvider

PROVIDERS: dict[str, PaymentProvider] = {
    "cod": CodProvider(),
    "vnpay": VNPayProvider(),
    "momo": MoMoProvider(),
    "zalopay": ZaloPayProvider(),
}


def get_provider(code: str) -> PaymentProvider:
    """The provider registered under `code`; raises UnknownProvider."""
    try:
        return PROVIDERS[code]
    except KeyError:
        raise UnknownProvider from None


def available_providers() -> list[PaymentProvider]:
    """The providers offered at checkout, in PAYMENTS_METHODS order."""
    return [
        PROVIDERS[code]
        for code in settings.PAYMENTS_METHODS
        if code in PROVIDERS and PROVIDERS[code].is_available()
    ]


__all__ = [
    "PROVIDERS",
    "GatewayAnswer",
    "Outcome",
    "PaymentProvider",
    "Redirect",
    "RefundAnswer",
    "available_providers",
    "get_provider",
]
