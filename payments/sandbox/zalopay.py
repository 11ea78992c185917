"""The ZaloPay sandbox: create, pay page, callback (success only), query, refund."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from payments import conf
from payments.gateways import zalopay as sdk
from payments.gateways.http import hmac_hex, same_signature
from payments.models import SandboxTransaction
from payments.sandbox import common

NAME = "ZaloPay"


def _config() -> conf.ZaloPayConfig:
    return conf.zalopay_config()


def _body(request: HttpRequest) -> dict[str, Any]:
    """JSON or form body (ZaloPay accepts both)."""
    data = common.json_body(request)
    if data is None:
        data = request.POST.dict()
    return data


def _fail(sub_code: int, message: str) -> JsonResponse:
    return JsonResponse(
        {
            "return_code": 2,
            "return_message": "FAIL",
            "sub_return_code": sub_code,
            "sub_return_message": message,
        }
    )


@csrf_exempt
@common.sandbox_only
@require_POST
def create(request: HttpRequest) -> JsonResponse:
    body = _body(request)
    config = _config()
    names = ("app_id", "app_trans_id", "app_user", "amount", "app_time", "embed_data", "item")
    values = [str(body.get(name, "")) for name in names]
    expected = sdk.mac(config.key1, *values)
    if values[0] != config.app_id or not same_signature(expected, str(body.get("mac", ""))):
        return _fail(-402, "Wrong app_id or mac")
    app_trans_id = values[1]
    if not app_trans_id.startswith(sdk.date_prefix(timezone.now()) + "_"):
        return _fail(-401, "app_trans_id must start with today's yymmdd")
    try:
        amount = int(values[3])
        embed_data = json.loads(values[5])
    except ValueError:
        return _fail(-401, "Bad parameters")
    if amount <= 0 or not isinstance(embed_data, dict):
        return _fail(-401, "Bad parameters")
    with transaction.atomic():
        if SandboxTransaction.objects.filter(
            gateway="zalopay", merchant_reference=app_trans_id
        ).exists():
            return _fail(-68, "Duplicate app_trans_id")
        sandbox = SandboxTransaction.objects.create(
            gateway="zalopay",
            merchant_reference=app_trans_id,
            token=common.new_token(),
            amount_vnd=amount,
            request={**body, "redirecturl": embed_data.get("redirecturl", "")},
        )
    return JsonResponse(
        {
            "return_code": 1,
            "return_message": "Giao dịch thành công",
            "sub_return_code": 1,
            "sub_return_message": "Giao dịch thành công",
            "order_url": conf.public_url("payments:sandbox_zalopay_pay", sandbox.token),
            "zp_trans_token": sandbox.token,
        }
    )


@common.sandbox_only
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        sandbox = SandboxTransaction.objects.filter(
            gateway="zalopay", token=token, status="pending"
        ).first()
        if sandbox is None:
            return common.unusable(request, NAME)
        return common.pay_page(request, gateway_name=NAME, sandbox=sandbox, action=request.path)
    with transaction.atomic():
        sandbox = common.locked_pending("zalopay", token)
        if sandbox is None:
            return common.unusable(request, NAME)
        chosen = common.read_choice(request, sandbox)
        if chosen is None:
            return common.pay_page(request, gateway_name=NAME, sandbox=sandbox, action=request.path)
        choice, amount = chosen
        paid = choice in {"pay", "other_amount"}
        common.finish(sandbox, status="paid" if paid else "failed", amount=amount,
                      code="1" if paid else "-49")  # fmt: skip
    if paid:
        data = callback_data(sandbox, amount=amount)
        envelope = {
            "data": data,
            "mac": hmac_hex(key=_config().key2, message=data, digest="sha256"),
            "type": 1,
        }
        callback_url = sandbox.request.get("callback_url") or conf.public_url(
            "payments:zalopay_callback"
        )
        common.notify(sandbox.pk, "POST", callback_url, json=envelope)
    redirect_url = sandbox.request.get("redirecturl") or "/"
    query = {
        "appid": _config().app_id,
        "apptransid": sandbox.merchant_reference,
        "pmcid": "38",
        "bankcode": "",
        "amount": amount,
        "discountamount": 0,
        "status": 1 if paid else -49,
    }
    separator = "&" if "?" in redirect_url else "?"
    return HttpResponseRedirect(f"{redirect_url}{separator}{urlencode(query)}")


def callback_data(sandbox: SandboxTransaction, *, amount: int) -> str:
    request = sandbox.request
    return json.dumps(
        {
            "app_id": int(_config().app_id),
            "app_trans_id": sandbox.merchant_reference,
            "app_time": int(request.get("app_time", 0)),
            "app_user": request.get("app_user", ""),
            "amount": amount,
            "embed_data": request.get("embed_data", "{}"),
            "item": request.get("item", "[]"),
            "zp_trans_id": int(sandbox.transaction_number),
            "server_time": int(time.time() * 1000),
            "channel": 38,
            "merchant_user_id": "sandbox",
            "user_fee_amount": 0,
            "discount_amount": 0,
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


@csrf_exempt
@common.sandbox_only
@require_POST
def query(request: HttpRequest) -> JsonResponse:
    body = _body(request)
    config = _config()
    app_trans_id = str(body.get("app_trans_id", ""))
    expected = sdk.mac(config.key1, str(body.get("app_id", "")), app_trans_id, config.key1)
    if not same_signature(expected, str(body.get("mac", ""))):
        return _fail(-402, "Wrong mac")
    sandbox = SandboxTransaction.objects.filter(
        gateway="zalopay", merchant_reference=app_trans_id
    ).first()
    if sandbox is None:
        return _fail(-54, "Order not found or expired")
    code = {"paid": 1, "failed": 2}.get(sandbox.status, 3)
    return JsonResponse(
        {
            "return_code": code,
            "return_message": sandbox.status,
            "sub_return_code": code,
            "is_processing": code == 3,
            "amount": sandbox.paid_amount_vnd if code == 1 else sandbox.amount_vnd,
            "zp_trans_id": int(sandbox.transaction_number) if sandbox.transaction_number else 0,
        }
    )


@csrf_exempt
@common.sandbox_only
@require_POST
def refund(request: HttpRequest) -> JsonResponse:
    body = _body(request)
    config = _config()
    values = [str(body.get(name, "")) for name in
              ("app_id", "zp_trans_id", "amount", "description", "timestamp")]  # fmt: skip
    if not same_signature(sdk.mac(config.key1, *values), str(body.get("mac", ""))):
        return _fail(-402, "Wrong mac")
    refund_id = str(body.get("m_refund_id", ""))
    if not refund_id.startswith(f"{sdk.date_prefix(timezone.now())}_{config.app_id}_"):
        return _fail(-401, "m_refund_id must be yymmdd_appid_xxx")
    try:
        amount = int(values[2])
    except ValueError:
        return _fail(-401, "Bad amount")
    with transaction.atomic():
        sandbox = (
            SandboxTransaction.objects.select_for_update()
            .filter(gateway="zalopay", transaction_number=values[1], status="paid")
            .first()
        )
        if sandbox is None:
            return _fail(-101, "Transaction not found")
        if refund_id not in sandbox.refunds:
            if amount <= 0 or sandbox.refunded_vnd + amount > sandbox.paid_amount_vnd:
                return _fail(-13, "Refund amount exceeds the payment")
            sandbox.refunds[refund_id] = amount
            sandbox.refunded_vnd += amount
            sandbox.save(update_fields=["refunds", "refunded_vnd"])
    return JsonResponse(
        {"return_code": 1, "return_message": "SUCCESS", "refund_id": common.transaction_number()}
    )


@csrf_exempt
@common.sandbox_only
@require_POST
def query_refund(request: HttpRequest) -> JsonResponse:
    body = _body(request)
    config = _config()
    values = [str(body.get(name, "")) for name in ("app_id", "m_refund_id", "timestamp")]
    if not same_signature(sdk.mac(config.key1, *values), str(body.get("mac", ""))):
        return _fail(-402, "Wrong mac")
    found = SandboxTransaction.objects.filter(
        gateway="zalopay", refunds__has_key=values[1]
    ).exists()
    return JsonResponse(
        {"return_code": 1 if found else 2, "return_message": "SUCCESS" if found else "FAIL"}
    )
