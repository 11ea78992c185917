"""Payments as an append-only event log.

`Payment` is one attempt to pay one order through one provider (a retry is a new Payment with a
new reference). `PaymentEvent` rows are never changed or deleted; the payment's `status` and
`refunded_vnd` are a cache of `derive_state(events)`, rewritten in the same transaction as each
new event. `PaymentNotification` keeps every raw call a gateway made to us, stored before any
parsing, whatever its outcome.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Provider(models.TextChoices):
    COD = "cod", _("Cash on delivery")
    VNPAY = "vnpay", "VNPay"
    MOMO = "momo", _("MoMo wallet")
    ZALOPAY = "zalopay", "ZaloPay"


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("payment status", "Awaiting payment")
        PAID = "paid", pgettext_lazy("payment status", "Paid")
        FAILED = "failed", pgettext_lazy("payment status", "Not paid")
        CANCELLED = "cancelled", pgettext_lazy("payment status", "Cancelled")
        PARTIALLY_REFUNDED = (
            "partially_refunded",
            pgettext_lazy("payment status", "Partially refunded"),
        )
        REFUNDED = "refunded", pgettext_lazy("payment status", "Refunded")

    order_reference = models.CharField(_("order"), max_length=64, db_index=True)
    provider = models.CharField(_("payment method"), max_length=16, choices=Provider.choices)
    reference = models.CharField(
        _("transaction reference"),
        max_length=40,
        unique=True,
        help_text=_("Our reference at the gateway, new for every attempt."),
    )
    amount_vnd = models.PositiveBigIntegerField(_("amount (đồng)"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    refunded_vnd = models.PositiveBigIntegerField(_("refunded (đồng)"), default=0)
    gateway_transaction_id = models.CharField(
        _("gateway transaction number"), max_length=64, blank=True
    )
    # What we sent to the gateway and need again later (VNPay's vnp_CreateDate for querydr, ...).
    gateway_data = models.JSONField(default=dict, blank=True)
    redirect_url = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="payment_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "pending",
                        "paid",
                        "failed",
                        "cancelled",
                        "partially_refunded",
                        "refunded",
                    ]
                ),
                name="payment_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(provider__in=["cod", "vnpay", "momo", "zalopay"]),
                name="payment_provider_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_vnd__gt=0), name="payment_amount_gt_0"
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_vnd__lte=models.F("amount_vnd")),
                name="payment_refund_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_paid(self) -> bool:
        """Money arrived (even if some or all of it was refunded since)."""
        return self.status in {
            self.Status.PAID,
            self.Status.PARTIALLY_REFUNDED,
            self.Status.REFUNDED,
        }

    @property
    def is_settled(self) -> bool:
        """The gateway's answer is final for this attempt: nothing may move it back."""
        return self.is_paid or self.status == self.Status.CANCELLED

    @property
    def refundable_vnd(self) -> int:
        return self.amount_vnd - self.refunded_vnd if self.is_paid else 0


class PaymentNotification(models.Model):
    """One raw call from a gateway (IPN, callback) or its sandbox, kept before parsing."""

    provider = models.CharField(max_length=16, choices=Provider.choices)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=255)
    query_string = models.TextField(blank=True)
    body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # What we answered (e.g. VNPay's RspCode), filled in once processed.
    outcome = models.CharField(max_length=32, blank=True)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )

    class Meta:
        verbose_name = _("gateway notification")
        verbose_name_plural = _("gateway notifications")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.provider} {self.received_at:%Y-%m-%d %H:%M:%S} {self.outcome}"


class PaymentEvent(models.Model):
    """One fact about a payment. Never updated (except `order_notified_at`), never deleted."""

    class Type(models.TextChoices):
        CREATED = "created", pgettext_lazy("payment event", "Created")
        PAID = "paid", pgettext_lazy("payment event", "Paid")
        FAILED = "failed", pgettext_lazy("payment event", "Failed")
        CANCELLED = "cancelled", pgettext_lazy("payment event", "Cancelled")
        REFUND_REQUESTED = "refund_requested", pgettext_lazy("payment event", "Refund requested")
        REFUNDED = "refunded", pgettext_lazy("payment event", "Refunded")
        REFUND_FAILED = "refund_failed", pgettext_lazy("payment event", "Refund failed")

    class Source(models.TextChoices):
        NOTIFICATION = "notification", pgettext_lazy("payment source", "Gateway notification")
        QUERY = "query", pgettext_lazy("payment source", "Gateway query")
        STAFF = "staff", pgettext_lazy("payment source", "Staff")
        SYSTEM = "system", pgettext_lazy("payment source", "System")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")
    event_type = models.CharField(max_length=20, choices=Type.choices)
    provider = models.CharField(max_length=16, choices=Provider.choices)
    # The idempotency key: our transaction reference for payment results, the refund's own
    # reference for refund events. A replay hits the unique constraint and changes nothing.
    provider_reference = models.CharField(max_length=64)
    amount_vnd = models.PositiveBigIntegerField(default=0)
    gateway_transaction_id = models.CharField(max_length=64, blank=True)
    result_code = models.CharField(max_length=16, blank=True)
    message = models.CharField(max_length=255, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    actor = models.CharField(max_length=150, blank=True)
    raw_payload = models.JSONField(default=dict, blank=True)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    notification = models.ForeignKey(
        PaymentNotification, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    order_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_reference", "event_type"],
                name="payment_event_once",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    event_type__in=[
                        "created",
                        "paid",
                        "failed",
                        "cancelled",
                        "refund_requested",
                        "refunded",
                        "refund_failed",
                    ]
                ),
                name="payment_event_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider_reference} {self.event_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only; afterwards only the delivery stamp may be written."""
        if self.pk is not None and set(kwargs.get("update_fields") or ()) != {"order_notified_at"}:
            raise ValueError("payment events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("payment events are append-only")


@dataclass(frozen=True)
class DerivedState:
    status: str
    refunded_vnd: int
    refund_pending_vnd: int


def derive_state(*, amount_vnd: int, events: Iterable[PaymentEvent]) -> DerivedState:
    """The payment's state, computed from its events alone.

    Paid wins over failed (money that arrived is never forgotten); refunds subtract from a paid
    payment; a refund requested but not yet answered counts as pending, so that two refunds can
    never exceed what was paid.
    """
    paid = failed = cancelled = False
    refunded = 0
    requested: dict[str, int] = {}
    answered: set[str] = set()
    for event in events:
        kind = event.event_type
        if kind == PaymentEvent.Type.PAID:
            paid = True
        elif kind == PaymentEvent.Type.FAILED:
            failed = True
        elif kind == PaymentEvent.Type.CANCELLED:
            cancelled = True
        elif kind == PaymentEvent.Type.REFUND_REQUESTED:
            requested[event.provider_reference] = event.amount_vnd
        elif kind == PaymentEvent.Type.REFUNDED:
            refunded += event.amount_vnd
            answered.add(event.provider_reference)
        elif kind == PaymentEvent.Type.REFUND_FAILED:
            answered.add(event.provider_reference)
    pending = sum(amount for ref, amount in requested.items() if ref not in answered)
    status = Payment.Status.PENDING
    if paid:
        if refunded >= amount_vnd:
            status = Payment.Status.REFUNDED
        elif refunded > 0:
            status = Payment.Status.PARTIALLY_REFUNDED
        else:
            status = Payment.Status.PAID
    elif cancelled:
        status = Payment.Status.CANCELLED
    elif failed:
        status = Payment.Status.FAILED
    return DerivedState(status=str(status), refunded_vnd=refunded, refund_pending_vnd=pending)


class SandboxTransaction(models.Model):
    """The offline sandbox's memory of what "the gateway" was asked and answered.

    Used only when no gateway credentials are configured (development and tests); a system
    check refuses the sandbox in production.
    """

    gateway = models.CharField(max_length=16, choices=Provider.choices)
    merchant_reference = models.CharField(max_length=64)
    token = models.CharField(max_length=64, unique=True)
    amount_vnd = models.PositiveBigIntegerField()
    paid_amount_vnd = models.PositiveBigIntegerField(default=0)
    refunded_vnd = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=16, default="pending")
    result_code = models.CharField(max_length=16, blank=True)
    transaction_number = models.CharField(max_length=64, blank=True)
    request = models.JSONField(default=dict)
    refunds = models.JSONField(default=dict)
    notification_answer = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "merchant_reference"], name="sandbox_transaction_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.merchant_reference}"
