"""Gateway configuration from settings, and the offline sandbox in its place when none is set.

A gateway is "configured" when all its credentials are in the environment. Otherwise, when
PAYMENTS_SANDBOX is on (DEBUG and tests), it points at the local sandbox (payments/sandbox/) with
credentials derived from SECRET_KEY: per installation, never committed, never real-looking.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import requests
from django.conf import settings
from django.urls import reverse

from payments.exceptions import ProviderNotConfigured

SANDBOX_VNPAY_TMN_CODE = "OCOPSBX1"
SANDBOX_MOMO_PARTNER_CODE = "MOMOSANDBOX"
SANDBOX_ZALOPAY_APP_ID = "2600"


def derived_value(purpose: str, length: int = 32) -> str:
    """A stable per-installation value for the sandbox (HMAC of SECRET_KEY)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), purpose.encode(), hashlib.sha256)
    return digest.hexdigest()[:length]


def public_url(name: str, *args: str) -> str:
    """An absolute URL of ours, as the gateways and the shopper's browser reach it."""
    return settings.PAYMENTS_PUBLIC_URL.rstrip("/") + reverse(name, args=args)


def sandbox_enabled() -> bool:
    return bool(settings.PAYMENTS_SANDBOX)


def http_session() -> requests.Session:
    """The session every gateway call goes through (tests route it to the local sandbox)."""
    return requests.Session()


def timeout() -> tuple[float, float]:
    return (5.0, float(settings.PAYMENTS_HTTP_TIMEOUT_SECONDS))


@dataclass(frozen=True)
class VNPayConfig:
    tmn_code: str
    hash_secret: str
    payment_url: str
    api_url: str
    is_sandbox: bool


@dataclass(frozen=True)
class MoMoConfig:
    partner_code: str
    access_key: str
    secret_key: str
    endpoint: str
    is_sandbox: bool


@dataclass(frozen=True)
class ZaloPayConfig:
    app_id: str
    key1: str
    key2: str
    endpoint: str
    is_sandbox: bool


def _all_or_nothing(values: dict[str, str], gateway: str) -> bool:
    present = [name for name, value in values.items() if value]
    if present and len(present) != len(values):
        missing = ", ".join(sorted(set(values) - set(present)))
        raise ProviderNotConfigured(f"{gateway}: missing {missing}")
    return bool(present)


def vnpay_config() -> VNPayConfig:
    """Raises ProviderNotConfigured when neither credentials nor the sandbox are available."""
    values = {
        "PAYMENTS_VNPAY_TMN_CODE": settings.PAYMENTS_VNPAY_TMN_CODE,
        "PAYMENTS_VNPAY_HASH_SECRET": settings.PAYMENTS_VNPAY_HASH_SECRET,
        "PAYMENTS_VNPAY_PAYMENT_URL": settings.PAYMENTS_VNPAY_PAYMENT_URL,
        "PAYMENTS_VNPAY_API_URL": settings.PAYMENTS_VNPAY_API_URL,
    }
    if _all_or_nothing(values, "VNPay"):
        return VNPayConfig(
            tmn_code=settings.PAYMENTS_VNPAY_TMN_CODE,
            hash_secret=settings.PAYMENTS_VNPAY_HASH_SECRET,
            payment_url=settings.PAYMENTS_VNPAY_PAYMENT_URL,
            api_url=settings.PAYMENTS_VNPAY_API_URL,
            is_sandbox=False,
        )
    if not sandbox_enabled():
        raise ProviderNotConfigured("VNPay: no credentials and no sandbox")
    return VNPayConfig(
        tmn_code=SANDBOX_VNPAY_TMN_CODE,
        hash_secret=derived_value("payments-sandbox:vnpay").upper(),
        payment_url=public_url("payments:sandbox_vnpay_pay"),
        api_url=public_url("payments:sandbox_vnpay_api"),
        is_sandbox=True,
    )


def momo_config() -> MoMoConfig:
    values = {
        "PAYMENTS_MOMO_PARTNER_CODE": settings.PAYMENTS_MOMO_PARTNER_CODE,
        "PAYMENTS_MOMO_ACCESS_KEY": settings.PAYMENTS_MOMO_ACCESS_KEY,
        "PAYMENTS_MOMO_SECRET_KEY": settings.PAYMENTS_MOMO_SECRET_KEY,
        "PAYMENTS_MOMO_ENDPOINT": settings.PAYMENTS_MOMO_ENDPOINT,
    }
    if _all_or_nothing(values, "MoMo"):
        return MoMoConfig(
            partner_code=settings.PAYMENTS_MOMO_PARTNER_CODE,
            access_key=settings.PAYMENTS_MOMO_ACCESS_KEY,
            secret_key=settings.PAYMENTS_MOMO_SECRET_KEY,
            endpoint=settings.PAYMENTS_MOMO_ENDPOINT,
            is_sandbox=False,
        )
    if not sandbox_enabled():
        raise ProviderNotConfigured("MoMo: no credentials and no sandbox")
    base = public_url("payments:sandbox_momo_create").removesuffix("/v2/gateway/api/create")
    return MoMoConfig(
        partner_code=SANDBOX_MOMO_PARTNER_CODE,
        access_key=derived_value("payments-sandbox:momo-access", 16),
        secret_key=derived_value("payments-sandbox:momo-secret"),
        endpoint=base,
        is_sandbox=True,
    )


def zalopay_config() -> ZaloPayConfig:
    values = {
        "PAYMENTS_ZALOPAY_APP_ID": settings.PAYMENTS_ZALOPAY_APP_ID,
        "PAYMENTS_ZALOPAY_KEY1": settings.PAYMENTS_ZALOPAY_KEY1,
        "PAYMENTS_ZALOPAY_KEY2": settings.PAYMENTS_ZALOPAY_KEY2,
        "PAYMENTS_ZALOPAY_ENDPOINT": settings.PAYMENTS_ZALOPAY_ENDPOINT,
    }
    if _all_or_nothing(values, "ZaloPay"):
        return ZaloPayConfig(
            app_id=settings.PAYMENTS_ZALOPAY_APP_ID,
            key1=settings.PAYMENTS_ZALOPAY_KEY1,
            key2=settings.PAYMENTS_ZALOPAY_KEY2,
            endpoint=settings.PAYMENTS_ZALOPAY_ENDPOINT,
            is_sandbox=False,
        )
    if not sandbox_enabled():
        raise ProviderNotConfigured("ZaloPay: no credentials and no sandbox")
    base = public_url("payments:sandbox_zalopay_create").removesuffix("/v2/create")
    return ZaloPayConfig(
        app_id=SANDBOX_ZALOPAY_APP_ID,
        key1=derived_value("payments-sandbox:zalopay-key1"),
        key2=derived_value("payments-sandbox:zalopay-key2"),
        endpoint=base,
        is_sandbox=True,
    )
