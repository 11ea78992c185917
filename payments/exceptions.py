"""Errors of the payments app, each with a stable code for logs, the API and tests.

PaymentError
├── GatewayError (retryable: timeout, connection refused, 5xx, unreadable answer)
│   └── GatewayTimeout
├── GatewayRejected (the gateway answered with an error code: do not retry blindly)
├── PaymentDeclined (the shopper's payment did not go through: shown to the shopper)
├── SignatureMismatch (alias InvalidSignature: forged or altered data)
├── AmountMismatch, PaymentNotFound, AlreadySettled, InvalidTransition
├── RefundNotAllowed, OrderNotPayable
└── ProviderNotConfigured, UnknownProvider, OrdersNotConnected
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class PaymentError(Exception):
    code = "payment_error"
    retryable = False
    default_message = _("The payment could not be processed.")

    def __init__(self, message: object = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)

    @property
    def shopper_message(self) -> str:
        """What to tell the shopper: our own words, in their language."""
        return self.message


class GatewayError(PaymentError):
    """The gateway could not be reached or answered nonsense: safe to try again later."""

    code = "gateway_error"
    retryable = True
    default_message = _("The payment gateway is not responding. Please try again in a moment.")


class GatewayTimeout(GatewayError):
    code = "gateway_timeout"


class GatewayRejected(PaymentError):
    """The gateway answered, with an error code (kept in `gateway_code`)."""

    code = "gateway_rejected"
    default_message = _("The payment gateway refused the request.")

    def __init__(self, message: object = None, *, gateway_code: str = "") -> None:
        self.gateway_code = gateway_code
        super().__init__(message)

    @property
    def shopper_message(self) -> str:
        # The gateway's own text (kept in the payment's events) is not in the shopper's
        # language for every gateway, and is written for merchants.
        return str(self.default_message)


class PaymentDeclined(PaymentError):
    code = "payment_declined"
    default_message = _("The payment was not completed.")


class SignatureMismatch(PaymentError):
    code = "invalid_signature"
    default_message = _("The payment data has an invalid signature.")


InvalidSignature = SignatureMismatch


class AmountMismatch(PaymentError):
    code = "amount_mismatch"
    default_message = _("The amount paid does not match the amount of the order.")


class PaymentNotFound(PaymentError):
    code = "payment_not_found"
    default_message = _("This payment was not found.")


class AlreadySettled(PaymentError):
    code = "already_settled"
    default_message = _("This payment has already been confirmed.")


class InvalidTransition(PaymentError):
    code = "invalid_transition"
    default_message = _("This change is not allowed in the payment's current state.")


class RefundNotAllowed(PaymentError):
    code = "refund_not_allowed"
    default_message = _("This refund is not possible.")


class OrderNotPayable(PaymentError):
    code = "order_not_payable"
    default_message = _("This order cannot be paid any more.")


class AmountOutOfRange(PaymentError):
    """The amount is outside what the method accepts for one payment (MoMo's wallet: 1.000 ₫
    to 50.000.000 ₫). Nothing is sent to the gateway."""

    code = "amount_out_of_range"
    default_message = _("This payment method does not accept this amount.")


class ProviderNotConfigured(PaymentError):
    code = "provider_not_configured"
    default_message = _("This payment method is not available at the moment.")


class UnknownProvider(PaymentError):
    code = "unknown_provider"
    default_message = _("This payment method does not exist.")


class OrdersNotConnected(PaymentError):
    code = "orders_not_connected"
    default_message = _("Payments are not connected to any orders.")
