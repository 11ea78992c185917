"""System checks: gateway settings complete, and no sandbox in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from payments import conf
from payments.exceptions import ProviderNotConfigured
from payments.providers import PROVIDERS


@checks.register(checks.Tags.security, deploy=False)
def check_payment_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    if settings.PAYMENTS_SANDBOX and not (settings.DEBUG or settings.TESTING):
        errors.append(
            checks.Error(
                "PAYMENTS_SANDBOX is on outside DEBUG: the offline gateway sandbox accepts "
                "any payment.",
                hint="Unset PAYMENTS_SANDBOX and set each gateway's credentials.",
                id="payments.E001",
            )
        )
    unknown = [code for code in settings.PAYMENTS_METHODS if code not in PROVIDERS]
    if unknown:
        errors.append(
            checks.Error(
                f"PAYMENTS_METHODS names unknown methods: {', '.join(unknown)}",
                hint=f"Choose among {', '.join(PROVIDERS)}.",
                id="payments.E002",
            )
        )
    for code, read in (
        ("vnpay", conf.vnpay_config),
        ("momo", conf.momo_config),
        ("zalopay", conf.zalopay_config),
    ):
        if code not in settings.PAYMENTS_METHODS:
            continue
        try:
            config = read()
        except ProviderNotConfigured as error:
            errors.append(
                checks.Error(
                    f"Payment method {code} is enabled but not configured ({error.message}).",
                    hint="Set all of its PAYMENTS_* variables, or remove it from PAYMENTS_METHODS.",
                    id="payments.E003",
                )
            )
            continue
        urls = [value for key, value in vars(config).items() if key.endswith(("url", "endpoint"))]
        if not config.is_sandbox and any(not url.startswith("https://") for url in urls):
            errors.append(
                checks.Error(
                    f"Payment method {code}: gateway URLs must use https.", id="payments.E004"
                )
            )
    return errors
