"""The only thing payments knows about orders: this protocol, filled in by the marketplace.

The marketplace registers one `OrderBackend` at start-up (in its AppConfig.ready):

    from payments.orders import register_order_backend
    register_order_backend(MarketplaceOrders())

Payments never imports the marketplace (import-linter checks it). The callbacks run after the
payment's transaction has committed, from a task that is safe to run twice (see tasks.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from payments.exceptions import OrdersNotConnected

if TYPE_CHECKING:
    from payments.models import Payment


@runtime_checkable
class PayableOrder(Protocol):
    """What payments needs to know about an order."""

    @property
    def reference(self) -> str:
        """The order's code, stable and unique (e.g. `DH2611230001`)."""

    @property
    def amount_vnd(self) -> int:
        """What the shopper owes, in đồng (shipping included)."""

    @property
    def description(self) -> str:
        """One line shown at the gateway (Vietnamese allowed: each gateway cleans it)."""

    @property
    def is_payable(self) -> bool:
        """False once the order is cancelled: money arriving then is refunded."""


class OrderBackend(Protocol):
    """The marketplace's side of the protocol."""

    def get_order(self, reference: str) -> PayableOrder | None:
        """The order with this reference, or None."""

    def order_paid(self, *, reference: str, payment: Payment) -> None:
        """Money for the order has arrived (called once per paid payment, after commit)."""

    def order_refunded(self, *, reference: str, payment: Payment, amount_vnd: int) -> None:
        """`amount_vnd` was refunded to the shopper (called once per refund, after commit)."""

    def order_url(self, reference: str) -> str:
        """Where the shopper sees the order, retries a payment or switches to COD."""


_backend: OrderBackend | None = None


def register_order_backend(backend: OrderBackend | None) -> None:
    """Connect payments to the orders (None disconnects: tests use it)."""
    global _backend
    _backend = backend


def order_backend() -> OrderBackend:
    """The registered backend; raises OrdersNotConnected when there is none."""
    if _backend is None:
        raise OrdersNotConnected
    return _backend
