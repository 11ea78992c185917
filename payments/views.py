"""Gateway endpoints: notifications (the only thing that marks paid) and browser returns.

Notification views store the raw call, then answer in each gateway's own protocol. Return views
verify what they can and only show a result: they never change a payment.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts import network
from payments import selectors
from payments.exceptions import PaymentError, SignatureMismatch
from payments.models import Payment
from payments.providers import Outcome, get_provider
from payments.services import NotificationOutcome, record_notification

# Our transaction references, whatever the gateway: letters, digits, '-' and '_'.
REFERENCE = re.compile(r"[A-Za-z0-9_-]{1,40}")

VNPAY_REPLIES = {
    NotificationOutcome.CONFIRMED: ("00", "Confirm Success"),
    NotificationOutcome.NOT_FOUND: ("01", "Order not found"),
    NotificationOutcome.ALREADY_CONFIRMED: ("02", "Order already confirmed"),
    NotificationOutcome.AMOUNT_MISMATCH: ("04", "invalid amount"),
    NotificationOutcome.INVALID_SIGNATURE: ("97", "Invalid signature"),
    NotificationOutcome.ERROR: ("99", "Unknow error"),
}

_ZALOPAY_REPLIES = {
    NotificationOutcome.CONFIRMED: (1, "success"),
    NotificationOutcome.ALREADY_CONFIRMED: (1, "success"),
    NotificationOutcome.INVALID_SIGNATURE: (-1, "mac not equal"),
    NotificationOutcome.NOT_FOUND: (0, "order not found"),
    NotificationOutcome.AMOUNT_MISMATCH: (0, "invalid amount"),
    NotificationOutcome.ERROR: (0, "error"),
}


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address (accounts.network.client_ip), None when unknown."""
    return network.client_ip(request) or None


def _record(request: HttpRequest, provider_code: str) -> NotificationOutcome:
    headers = dict(request.headers.items())
    result = record_notification(
        provider_code=provider_code,
        method=request.method or "",
        path=request.path,
        query=request.GET.dict(),
        body=request.body,
        headers=headers,
        source_ip=client_ip(request),
        raw_query=request.META.get("QUERY_STRING", ""),
    )
    return result.outcome


@require_GET
def vnpay_ipn(request: HttpRequest) -> JsonResponse:
    """VNPay's IPN (GET): `{"RspCode", "Message"}` with the checks in the spec's order."""
    code, message = VNPAY_REPLIES[_record(request, "vnpay")]
    return JsonResponse({"RspCode": code, "Message": message})


@csrf_exempt
@require_POST
def momo_ipn(request: HttpRequest) -> HttpResponse:
    """MoMo's IPN (POST JSON): 204 once stored (or already stored), 400 when refused."""
    outcome = _record(request, "momo")
    if outcome in {NotificationOutcome.CONFIRMED, NotificationOutcome.ALREADY_CONFIRMED}:
        return HttpResponse(status=204)
    if outcome == NotificationOutcome.ERROR:
        return HttpResponse(status=500)
    return HttpResponse(status=400)


@csrf_exempt
@require_POST
def zalopay_callback(request: HttpRequest) -> JsonResponse:
    """ZaloPay's callback (POST JSON): `{"return_code", "return_message"}`."""
    code, message = _ZALOPAY_REPLIES[_record(request, "zalopay")]
    return JsonResponse({"return_code": code, "return_message": message})


# --- Browser returns ---------------------------------------------------------------------------


def _result_page(
    request: HttpRequest,
    *,
    payment: Payment | None,
    signature_ok: bool,
    gateway_outcome: Outcome | None,
    result_code: str = "",
) -> HttpResponse:
    if not signature_ok:
        state = "invalid"
    elif payment is None:
        state = "unknown"
    elif payment.is_paid:
        state = "paid"
    elif payment.status == Payment.Status.PENDING and gateway_outcome in {Outcome.PAID, None}:
        state = "confirming"
    elif result_code in {"24", "1006"}:
        state = "cancelled"
    else:
        state = "failed"
    context = {
        "state": state,
        "payment": payment,
        "order_url": selectors.order_url(payment.order_reference) if payment else "",
    }
    return render(
        request, "payments/result.html", context, status=400 if state == "invalid" else 200
    )


def _gateway_return(request: HttpRequest, provider_code: str) -> HttpResponse:
    try:
        answer = get_provider(provider_code).parse_return(query=request.GET.dict())
    except SignatureMismatch:
        return _result_page(request, payment=None, signature_ok=False, gateway_outcome=None)
    except PaymentError:
        return _result_page(request, payment=None, signature_ok=True, gateway_outcome=None)
    payment = selectors.payment_by_reference(provider=provider_code, reference=answer.reference)
    return _result_page(
        request,
        payment=payment,
        signature_ok=True,
        gateway_outcome=answer.outcome,
        result_code=answer.result_code,
    )


@require_GET
def vnpay_return(request: HttpRequest) -> HttpResponse:
    return _gateway_return(request, "vnpay")


@require_GET
def momo_return(request: HttpRequest) -> HttpResponse:
    return _gateway_return(request, "momo")


@require_GET
def zalopay_return(request: HttpRequest) -> HttpResponse:
    """ZaloPay's redirect checksum is unverified (spec 3.7): our own record decides.

    Its `status` only chooses the message while we wait (a forger could only mislead himself).
    """
    reference = request.GET.get("apptransid", "")[:40]
    if not REFERENCE.fullmatch(reference):  # not one of ours (a NUL would not even compare)
        reference = ""
    payment = selectors.payment_by_reference(provider="zalopay", reference=reference)
    said_paid = request.GET.get("status", "1") == "1"
    return _result_page(
        request,
        payment=payment,
        signature_ok=True,
        gateway_outcome=Outcome.PAID if said_paid else Outcome.FAILED,
    )
