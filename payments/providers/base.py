"""The one protocol every payment provider implements, and the answers it returns."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.utils.functional import Promise

if TYPE_CHECKING:
    import datetime as dt

    from payments.models import Payment


class Outcome(enum.StrEnum):
    PAID = "paid"
    FAILED = "failed"
    PENDING = "pending"
    UNKNOWN = "unknown"  # the gateway does not know this transaction


@dataclass(frozen=True)
class GatewayAnswer:
    """A verified notification, or the answer to a query, in our terms."""

    reference: str
    outcome: Outcome
    amount_vnd: int | None
    transaction_id: str = ""
    result_code: str = ""
    message: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Redirect:
    """Where to send the shopper, and what to remember of the request."""

    url: str
    gateway_data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefundAnswer:
    outcome: Outcome  # PAID: refunded; PENDING: accepted, still processing; FAILED: refused
    transaction_id: str = ""
    result_code: str = ""
    message: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


class PaymentProvider(Protocol):
    code: str
    label: str | Promise
    is_online: bool
    # What one payment may be, in đồng, as the gateway documents it (None: no upper limit).
    min_amount_vnd: int
    max_amount_vnd: int | None

    def is_available(self) -> bool:
        """Configured (or sandboxed) and enabled in PAYMENTS_METHODS."""

    def make_reference(self, *, order_reference: str, attempt: int, now: dt.datetime) -> str:
        """Our transaction reference for this attempt, in the gateway's allowed alphabet."""

    def start(
        self, *, payment: Payment, description: str, ip_address: str, locale: str
    ) -> Redirect | None:
        """Register the payment at the gateway; None when there is nowhere to send the shopper.

        Raises GatewayError (retryable) or GatewayRejected.
        """

    def parse_notification(self, *, query: Mapping[str, str], body: bytes) -> GatewayAnswer:
        """Verify and read a server-to-server notification; raises SignatureMismatch."""

    def parse_return(self, *, query: Mapping[str, str]) -> GatewayAnswer:
        """Verify and read the browser's return (for display only); raises SignatureMismatch."""

    def query(self, *, payment: Payment) -> GatewayAnswer:
        """Ask the gateway about the payment; raises GatewayError."""

    def refund(
        self, *, payment: Payment, amount_vnd: int, refund_reference: str, reason: str, actor: str
    ) -> RefundAnswer:
        """Refund part or all of a paid payment; raises GatewayError or GatewayRejected."""
