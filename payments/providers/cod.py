"""Cash on delivery: no gateway. Paid when the enterprise records the cash as collected."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from payments.exceptions import SignatureMismatch
from payments.gateways.vnpay import sanitize_txn_ref
from payments.models import Payment
from payments.providers.base import GatewayAnswer, Outcome, Redirect, RefundAnswer


class CodProvider:
    code = "cod"
    label: str | Promise = _("Cash on delivery")
    is_online = False
    min_amount_vnd = 1
    max_amount_vnd: int | None = None

    def is_available(self) -> bool:
        return self.code in settings.PAYMENTS_METHODS

    def make_reference(self, *, order_reference: str, attempt: int, now: dt.datetime) -> str:
        return f"{sanitize_txn_ref(order_reference)[:30]}-COD{attempt}"

    def start(
        self, *, payment: Payment, description: str, ip_address: str, locale: str
    ) -> Redirect | None:
        return None

    def parse_notification(self, *, query: Mapping[str, str], body: bytes) -> GatewayAnswer:
        raise SignatureMismatch

    def parse_return(self, *, query: Mapping[str, str]) -> GatewayAnswer:
        raise SignatureMismatch

    def query(self, *, payment: Payment) -> GatewayAnswer:
        # Nobody to ask: our own records are the truth for cash.
        outcome = Outcome.PAID if payment.is_paid else Outcome.PENDING
        return GatewayAnswer(
            reference=payment.reference, outcome=outcome, amount_vnd=payment.amount_vnd
        )

    def refund(
        self, *, payment: Payment, amount_vnd: int, refund_reference: str, reason: str, actor: str
    ) -> RefundAnswer:
        # Cash is handed back by the enterprise; recording it is all there is to do.
        return RefundAnswer(outcome=Outcome.PAID, message=reason)
