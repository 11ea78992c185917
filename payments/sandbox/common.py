"""What the three sandbox gateways share."""

from __future__ import annotations

import functools
import json
import logging
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from payments import conf
from payments.models import SandboxTransaction

logger = logging.getLogger("payments.sandbox")

View = TypeVar("View", bound=Callable[..., HttpResponse])

CHOICES = {"pay", "cancel", "fail", "other_amount"}


def sandbox_only(view: View) -> View:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not conf.sandbox_enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def new_token() -> str:
    return secrets.token_urlsafe(24)


def transaction_number() -> str:
    return str(10_000_000 + secrets.randbelow(89_999_999))


def json_body(request: HttpRequest) -> dict[str, Any] | None:
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def error_page(request: HttpRequest, gateway_name: str, message: str) -> HttpResponse:
    context = {"gateway_name": gateway_name, "error": message}
    return render(request, "payments/sandbox/pay.html", context, status=400)


def pay_page(
    request: HttpRequest, *, gateway_name: str, sandbox: SandboxTransaction, action: str
) -> HttpResponse:
    context = {
        "gateway_name": gateway_name,
        "transaction": sandbox,
        "description": sandbox.request.get("description", ""),
        "action": action,
    }
    return render(request, "payments/sandbox/pay.html", context)


def read_choice(request: HttpRequest, sandbox: SandboxTransaction) -> tuple[str, int] | None:
    """The shopper's button and the amount "paid" (None when the form is not usable)."""
    choice = request.POST.get("choice", "")
    if choice not in CHOICES:
        return None
    amount = sandbox.amount_vnd
    if choice == "other_amount":
        try:
            amount = int(request.POST.get("amount", ""))
        except ValueError:
            return None
        if amount <= 0:
            return None
    return choice, amount


def locked_pending(gateway: str, token: str) -> SandboxTransaction | None:
    return (
        SandboxTransaction.objects.select_for_update()
        .filter(gateway=gateway, token=token, status="pending")
        .first()
    )


def finish(sandbox: SandboxTransaction, *, status: str, amount: int, code: str) -> None:
    sandbox.status = status
    sandbox.paid_amount_vnd = amount if status == "paid" else 0
    sandbox.result_code = code
    sandbox.transaction_number = sandbox.transaction_number or transaction_number()
    sandbox.finished_at = timezone.now()
    sandbox.save()


def notify(sandbox_id: int, method: str, url: str, **kwargs: Any) -> str:
    """Call the merchant's notification URL, server to server, and keep its answer.

    Runs after the sandbox's own transaction has committed, as a real gateway would call.
    """
    try:
        response = conf.http_session().request(method, url, timeout=conf.timeout(), **kwargs)
        answer = f"{response.status_code} {response.text[:500]}"
    except requests.RequestException as error:
        logger.warning("sandbox notification to %s failed: %s", url, error)
        answer = f"error {error.__class__.__name__}"
    SandboxTransaction.objects.filter(pk=sandbox_id).update(notification_answer=answer)
    return answer


def unusable(request: HttpRequest, gateway_name: str) -> HttpResponse:
    return error_page(
        request, gateway_name, _("This payment has already been completed or does not exist.")
    )


atomic = transaction.atomic
