"""The VNPay sandbox: pay page (vpcpay.html) and merchant_webapi (querydr, refund)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from payments import conf
from payments.gateways import vnpay as sdk
from payments.models import SandboxTransaction
from payments.sandbox import common

NAME = "VNPay"
REQUIRED = (
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_Amount",
    "vnp_CurrCode",
    "vnp_TxnRef",
    "vnp_OrderInfo",
    "vnp_OrderType",
    "vnp_Locale",
    "vnp_ReturnUrl",
    "vnp_IpAddr",
    "vnp_CreateDate",
    "vnp_ExpireDate",
)
# The shopper's choice → (vnp_ResponseCode, vnp_TransactionStatus).
RESULTS = {
    "pay": ("00", "00"),
    "other_amount": ("00", "00"),
    "cancel": ("24", "02"),
    "fail": ("51", "02"),
}


def _client() -> sdk.VNPayClient:
    config = conf.vnpay_config()
    return sdk.VNPayClient(
        tmn_code=config.tmn_code,
        hash_secret=config.hash_secret,
        payment_url=config.payment_url,
        api_url=config.api_url,
    )


def _check_request(params: dict[str, str], now: dt.datetime) -> str:
    """An error message for a payment request VNPay would refuse, or "" when it is good."""
    client = _client()
    if not sdk.same_signature(client.signature_for(params), params.get("vnp_SecureHash", "")):
        return _("Invalid signature (code 97).")
    if "vnp_SecureHashType" in params:
        return _("vnp_SecureHashType must not be sent in version 2.1.0.")
    missing = [name for name in REQUIRED if not params.get(name)]
    if missing:
        return _("Missing parameters: %(names)s (code 03).") % {"names": ", ".join(missing)}
    if params["vnp_Version"] != sdk.VERSION or params["vnp_Command"] != "pay":
        return _("Unsupported version or command (code 03).")
    if params["vnp_TmnCode"] != client.tmn_code:
        return _("Unknown merchant terminal (code 02).")
    amount = sdk.amount_from_wire(params["vnp_Amount"])
    if amount is None or amount <= 0 or params["vnp_CurrCode"] != "VND":
        return _("Invalid amount or currency (code 03).")
    expires = sdk.parse_date(params["vnp_ExpireDate"])
    if expires is None or sdk.parse_date(params["vnp_CreateDate"]) is None:
        return _("Invalid dates (code 03).")
    if expires < now:
        return _("The payment window has expired (code 11).")
    return ""


@common.sandbox_only
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest) -> HttpResponse:
    """GET: the signed redirect from the merchant; POST: the shopper's choice."""
    if request.method == "POST":
        return _choose(request)
    params = request.GET.dict()
    error = _check_request(params, timezone.now())
    if error:
        return common.error_page(request, NAME, error)
    amount = sdk.amount_from_wire(params["vnp_Amount"]) or 0
    sandbox = SandboxTransaction.objects.filter(
        gateway="vnpay", merchant_reference=params["vnp_TxnRef"]
    ).first()
    if sandbox is None:
        try:
            with transaction.atomic():
                sandbox = SandboxTransaction.objects.create(
                    gateway="vnpay",
                    merchant_reference=params["vnp_TxnRef"],
                    token=common.new_token(),
                    amount_vnd=amount,
                    request={**params, "description": params["vnp_OrderInfo"]},
                )
        except IntegrityError:
            sandbox = SandboxTransaction.objects.get(
                gateway="vnpay", merchant_reference=params["vnp_TxnRef"]
            )
    if sandbox.status != "pending" or sandbox.amount_vnd != amount:
        return common.error_page(request, NAME, _("This transaction already exists (code 01)."))
    return common.pay_page(request, gateway_name=NAME, sandbox=sandbox, action=request.path)


def _choose(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        sandbox = common.locked_pending("vnpay", request.POST.get("token", ""))
        if sandbox is None:
            return common.unusable(request, NAME)
        chosen = common.read_choice(request, sandbox)
        if chosen is None:
            return common.pay_page(request, gateway_name=NAME, sandbox=sandbox, action=request.path)
        choice, amount = chosen
        response_code, status = RESULTS[choice]
        common.finish(
            sandbox,
            status="paid" if status == "00" else "failed",
            amount=amount,
            code=response_code,
        )
        params = result_params(sandbox, amount=amount, response_code=response_code, status=status)
    common.notify(sandbox.pk, "GET", conf.public_url("payments:vnpay_ipn"), params=params)
    return_url = sandbox.request["vnp_ReturnUrl"]
    separator = "&" if "?" in return_url else "?"
    return HttpResponseRedirect(f"{return_url}{separator}{urlencode(params)}")


def result_params(
    sandbox: SandboxTransaction, *, amount: int, response_code: str, status: str
) -> dict[str, str]:
    """The signed parameters of the return and the IPN (the same for both)."""
    finished = sandbox.finished_at or timezone.now()
    params = {
        "vnp_Amount": str(amount * 100),
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": f"VNP{sandbox.transaction_number}" if status == "00" else "",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": sandbox.request["vnp_OrderInfo"],
        "vnp_PayDate": sdk.format_date(finished),
        "vnp_ResponseCode": response_code,
        "vnp_TmnCode": sandbox.request["vnp_TmnCode"],
        "vnp_TransactionNo": sandbox.transaction_number if status == "00" else "0",
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": sandbox.merchant_reference,
    }
    params = {k: v for k, v in params.items() if v != ""}
    params["vnp_SecureHashType"] = "HMACSHA512"  # sent by VNPay, never signed
    params["vnp_SecureHash"] = _client().signature_for(params)
    return params


@csrf_exempt
@common.sandbox_only
@require_POST
def api(request: HttpRequest) -> JsonResponse:
    """merchant_webapi/api/transaction: querydr and refund, checksums both ways."""
    body = common.json_body(request) or {}
    client = _client()
    command = str(body.get("vnp_Command", ""))
    fields = {k: "" if v is None else str(v) for k, v in body.items()}
    if command == "querydr":
        order = [
            "vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef",
            "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo",
        ]  # fmt: skip
        names: tuple[str, ...] = sdk.QUERY_RESPONSE_FIELDS
    elif command == "refund":
        order = ["vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode",
                 "vnp_TransactionType", "vnp_TxnRef", "vnp_Amount", "vnp_TransactionNo",
                 "vnp_TransactionDate", "vnp_CreateBy", "vnp_CreateDate", "vnp_IpAddr",
                 "vnp_OrderInfo"]  # fmt: skip
        names = sdk.REFUND_RESPONSE_FIELDS
    else:
        return _answer(client, {"vnp_ResponseCode": "03", "vnp_Message": "Invalid command"}, ())
    expected = sdk.pipe_checksum([fields.get(name, "") for name in order], client.hash_secret)
    answer: dict[str, Any] = {
        "vnp_ResponseId": common.new_token()[:32],
        "vnp_Command": command,
        "vnp_TmnCode": fields.get("vnp_TmnCode", ""),
        "vnp_TxnRef": fields.get("vnp_TxnRef", ""),
        "vnp_OrderInfo": fields.get("vnp_OrderInfo", ""),
    }
    if not sdk.same_signature(expected, fields.get("vnp_SecureHash", "")):
        return _answer(
            client, {**answer, "vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"}, names
        )
    if fields.get("vnp_TmnCode") != client.tmn_code:
        return _answer(
            client, {**answer, "vnp_ResponseCode": "02", "vnp_Message": "Invalid TmnCode"}, names
        )
    with transaction.atomic():
        sandbox = (
            SandboxTransaction.objects.select_for_update()
            .filter(gateway="vnpay", merchant_reference=fields.get("vnp_TxnRef", ""))
            .first()
        )
        if sandbox is None:
            return _answer(
                client, {**answer, "vnp_ResponseCode": "91", "vnp_Message": "Not found"}, names
            )
        if command == "querydr":
            return _answer(client, {**answer, **_query_fields(sandbox)}, names)
        return _answer(client, {**answer, **_refund(sandbox, fields)}, names)


def _query_fields(sandbox: SandboxTransaction) -> dict[str, str]:
    status = {"paid": "00", "failed": "02"}.get(sandbox.status, "01")
    amount = sandbox.paid_amount_vnd if sandbox.status == "paid" else sandbox.amount_vnd
    return {
        "vnp_ResponseCode": "00",
        "vnp_Message": "QueryDR Success",
        "vnp_Amount": str(amount * 100),
        "vnp_BankCode": "NCB" if sandbox.status == "paid" else "",
        "vnp_PayDate": sdk.format_date(sandbox.finished_at) if sandbox.finished_at else "",
        "vnp_TransactionNo": sandbox.transaction_number or "0",
        "vnp_TransactionType": "01",
        "vnp_TransactionStatus": status,
    }


def _refund(sandbox: SandboxTransaction, fields: dict[str, str]) -> dict[str, str]:
    amount = sdk.amount_from_wire(fields.get("vnp_Amount")) or 0
    base = {
        "vnp_Amount": fields.get("vnp_Amount", ""),
        "vnp_TransactionType": fields.get("vnp_TransactionType", ""),
    }
    if sandbox.status != "paid":
        return {**base, "vnp_ResponseCode": "95", "vnp_Message": "Transaction not successful"}
    if amount <= 0 or sandbox.refunded_vnd + amount > sandbox.paid_amount_vnd:
        return {**base, "vnp_ResponseCode": "03", "vnp_Message": "Invalid amount"}
    request_id = fields.get("vnp_RequestId", "")
    if request_id in sandbox.refunds:
        return {**base, "vnp_ResponseCode": "94", "vnp_Message": "Duplicate request"}
    sandbox.refunds[request_id] = amount
    sandbox.refunded_vnd += amount
    sandbox.save(update_fields=["refunds", "refunded_vnd"])
    return {
        **base,
        "vnp_ResponseCode": "00",
        "vnp_Message": "Refund Success",
        "vnp_BankCode": "NCB",
        "vnp_PayDate": sdk.format_date(timezone.now()),
        "vnp_TransactionNo": sandbox.transaction_number,
        "vnp_TransactionStatus": "05",
    }


def _answer(
    client: sdk.VNPayClient, answer: dict[str, Any], names: tuple[str, ...]
) -> JsonResponse:
    answer["vnp_SecureHash"] = sdk.response_checksum(answer, names, client.hash_secret)
    return JsonResponse(answer)
