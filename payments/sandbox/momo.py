"""The MoMo sandbox: create, pay page, IPN, redirect, query and refund (v2 captureWallet)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from payments import conf
from payments.gateways import momo as sdk
from payments.gateways.http import same_signature
from payments.models import SandboxTransaction
from payments.sandbox import common

NAME = "MoMo"
RESULTS = {"pay": 0, "other_amount": 0, "cancel": 1006, "fail": 1001}
MESSAGES = {0: "Successful.", 1006: "Transaction denied by user.", 1001: "Insufficient funds."}


def _config() -> conf.MoMoConfig:
    return conf.momo_config()


def _signed_by_merchant(body: dict[str, Any], names: tuple[str, ...]) -> bool:
    config = _config()
    expected = sdk.sign({**body, "accessKey": config.access_key}, names, config.secret_key)
    return body.get("partnerCode") == config.partner_code and same_signature(
        expected, str(body.get("signature", ""))
    )


def _now_ms() -> int:
    return int(time.time() * 1000)


def _reply(body: dict[str, Any], code: int, message: str, **extra: Any) -> JsonResponse:
    return JsonResponse(
        {
            "partnerCode": body.get("partnerCode", ""),
            "requestId": body.get("requestId", ""),
            "orderId": body.get("orderId", ""),
            "responseTime": _now_ms(),
            "resultCode": code,
            "message": message,
            **extra,
        }
    )


@csrf_exempt
@common.sandbox_only
@require_POST
def create(request: HttpRequest) -> JsonResponse:
    body = common.json_body(request) or {}
    if not _signed_by_merchant(body, sdk.CREATE_FIELDS):
        return _reply(body, 13, "Merchant authentication failed.")
    amount = body.get("amount")
    if not isinstance(amount, int) or not sdk.MIN_AMOUNT_VND <= amount <= sdk.MAX_AMOUNT_VND:
        return _reply(body, 22, "Amount out of range.")
    order_id = str(body.get("orderId", ""))
    if not sdk.ORDER_ID.match(order_id) or body.get("requestType") != "captureWallet":
        return _reply(body, 20, "Bad request format.")
    with transaction.atomic():
        if SandboxTransaction.objects.filter(gateway="momo", merchant_reference=order_id).exists():
            return _reply(body, 41, "Duplicated orderId.")
        sandbox = SandboxTransaction.objects.create(
            gateway="momo",
            merchant_reference=order_id,
            token=common.new_token(),
            amount_vnd=amount,
            request={**body, "description": body.get("orderInfo", "")},
        )
    pay_url = conf.public_url("payments:sandbox_momo_pay", sandbox.token)
    return _reply(body, 0, "Successful.", amount=amount, payUrl=pay_url, deeplink="", qrCodeUrl="")


@common.sandbox_only
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        sandbox = SandboxTransaction.objects.filter(
            gateway="momo", token=token, status="pending"
        ).first()
        if sandbox is None:
            return common.unusable(request, NAME)
        return common.pay_page(request, gateway_name=NAME, sandbox=sandbox, action=request.path)
    with transaction.atomic():
        sandbox = common.locked_pending("momo", token)
        if sandbox is None:
            return common.unusable(request, NAME)
        chosen = common.read_choice(request, sandbox)
        if chosen is None:
            return common.pay_page(request, gateway_name=NAME, sandbox=sandbox, action=request.path)
        choice, amount = chosen
        code = RESULTS[choice]
        common.finish(
            sandbox, status="paid" if code == 0 else "failed", amount=amount, code=str(code)
        )
        result = result_fields(sandbox, amount=amount, code=code)
    common.notify(sandbox.pk, "POST", sandbox.request["ipnUrl"], json=result)
    redirect_url = sandbox.request.get("redirectUrl") or "/"
    separator = "&" if "?" in redirect_url else "?"
    return HttpResponseRedirect(f"{redirect_url}{separator}{urlencode(result)}")


def result_fields(sandbox: SandboxTransaction, *, amount: int, code: int) -> dict[str, Any]:
    """The IPN body (also the redirect's query), signed as MoMo signs it."""
    config = _config()
    fields: dict[str, Any] = {
        "partnerCode": config.partner_code,
        "orderId": sandbox.merchant_reference,
        "requestId": sandbox.request.get("requestId", ""),
        "amount": amount,
        "orderInfo": sandbox.request.get("orderInfo", ""),
        "orderType": "momo_wallet",
        "transId": int(sandbox.transaction_number),
        "resultCode": code,
        "message": MESSAGES[code],
        "payType": "webApp",
        "responseTime": _now_ms(),
        "extraData": sandbox.request.get("extraData", ""),
    }
    fields["signature"] = sdk.sign(
        {**fields, "accessKey": config.access_key}, sdk.IPN_FIELDS, config.secret_key
    )
    return fields


@csrf_exempt
@common.sandbox_only
@require_POST
def query(request: HttpRequest) -> JsonResponse:
    body = common.json_body(request) or {}
    if not _signed_by_merchant(body, sdk.QUERY_FIELDS):
        return _reply(body, 13, "Merchant authentication failed.")
    sandbox = SandboxTransaction.objects.filter(
        gateway="momo", merchant_reference=str(body.get("orderId", ""))
    ).first()
    if sandbox is None:
        return _reply(body, 42, "Invalid orderId or orderId is not found.")
    if sandbox.status == "pending":
        return _reply(body, 1000, "Transaction initiated.", amount=sandbox.amount_vnd, transId=0)
    amount = sandbox.paid_amount_vnd if sandbox.status == "paid" else sandbox.amount_vnd
    code = int(sandbox.result_code or 99)
    return _reply(
        body, code, MESSAGES.get(code, ""), amount=amount, transId=int(sandbox.transaction_number)
    )


@csrf_exempt
@common.sandbox_only
@require_POST
def refund(request: HttpRequest) -> JsonResponse:
    body = common.json_body(request) or {}
    if not _signed_by_merchant(body, sdk.REFUND_FIELDS):
        return _reply(body, 13, "Merchant authentication failed.")
    amount = body.get("amount")
    with transaction.atomic():
        sandbox = (
            SandboxTransaction.objects.select_for_update()
            .filter(gateway="momo", transaction_number=str(body.get("transId", "")))
            .first()
        )
        if sandbox is None or sandbox.status != "paid":
            return _reply(body, 1088, "Original transaction cannot be refunded.")
        refund_id = str(body.get("orderId", ""))
        if refund_id in sandbox.refunds:
            return _reply(body, 0, "Successful.", amount=sandbox.refunds[refund_id]["amount"],
                          transId=sandbox.refunds[refund_id]["transId"])  # fmt: skip
        if not isinstance(amount, int) or amount <= 0:
            return _reply(body, 21, "Invalid amount.")
        if sandbox.refunded_vnd + amount > sandbox.paid_amount_vnd:
            return _reply(body, 1081, "Refund rejected: amount too high.")
        trans_id = int(common.transaction_number())
        sandbox.refunds[refund_id] = {"amount": amount, "transId": trans_id}
        sandbox.refunded_vnd += amount
        sandbox.save(update_fields=["refunds", "refunded_vnd"])
    return _reply(body, 0, "Successful.", amount=amount, transId=trans_id)
