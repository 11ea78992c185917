"""Carts, orders and their sub-orders (one per enterprise), with shipping and COD-risk settings.

An `Order` is what the shopper placed at checkout and pays once; each enterprise fulfils its own
`SubOrder`, which moves through its status machine (`marketplace/services/orders.py`). Lines
keep a snapshot of what was sold (name, pack, unit price, GTIN) so later catalogue edits never
change an order.
"""

from __future__ import annotations

from typing import ClassVar

from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import StreamField

from accounts.divisions import province_choices, province_name, ward_name
from accounts.phone import format_phone
from marketplace.models.catalogue import Variant
from marketplace.models.enterprises import Enterprise
from marketplace.models.events import StatusEvent


class Cart(models.Model):
    """A shopper's cart: one per signed-in user, or anonymous and kept by id in the session."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cart",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cart")

    def __str__(self) -> str:
        return f"cart {self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cart line")
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["cart", "variant"], name="cart_line_unique_variant"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="cart_line_qty_min"),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} × {self.quantity}"


class PaymentMethod(models.TextChoices):
    COD = "cod", _("Cash on delivery")
    VNPAY = "vnpay", "VNPay"
    MOMO = "momo", "MoMo"
    ZALOPAY = "zalopay", "ZaloPay"


class Order(models.Model):
    """One checkout: the shopper's contact and address, what they owe, and how they pay."""

    class PaymentStatus(models.TextChoices):
        PENDING = "pending", pgettext_lazy("payment status", "Not paid yet")
        PAID = "paid", pgettext_lazy("payment status", "Paid")
        REFUNDED = "refunded", pgettext_lazy("payment status", "Refunded")

    code = models.CharField(_("order code"), max_length=20, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    name = models.CharField(_("full name"), max_length=120)
    phone = models.CharField(_("phone number"), max_length=16, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    province_code = models.PositiveIntegerField(_("province"))
    ward_code = models.PositiveIntegerField(_("ward"))
    street = models.CharField(_("street address"), max_length=200)
    note = models.TextField(_("delivery note"), blank=True, max_length=500)
    payment_method = models.CharField(
        _("payment method"), max_length=16, choices=PaymentMethod.choices
    )
    payment_status = models.CharField(
        _("payment"),
        max_length=16,
        choices=PaymentStatus.choices,
        default=PaymentStatus.PENDING,
    )
    items_vnd = models.PositiveBigIntegerField(_("goods (đồng)"))
    shipping_vnd = models.PositiveBigIntegerField(_("shipping (đồng)"))
    total_vnd = models.PositiveBigIntegerField(_("total (đồng)"))
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, editable=False)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(payment_method__in=["cod", "vnpay", "momo", "zalopay"]),
                name="order_payment_method_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(payment_status__in=["pending", "paid", "refunded"]),
                name="order_payment_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(total_vnd=models.F("items_vnd") + models.F("shipping_vnd")),
                name="order_total_adds_up",
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="order_idempotency_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    # payments.orders.PayableOrder
    @property
    def reference(self) -> str:
        return self.code

    @property
    def amount_vnd(self) -> int:
        return int(self.total_vnd)

    @property
    def description(self) -> str:
        return f"Thanh toan don hang {self.code}"

    @property
    def is_payable(self) -> bool:
        return (
            self.payment_status == self.PaymentStatus.PENDING
            and self.sub_orders.exclude(status=SubOrder.Status.CANCELLED).exists()
        )

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)

    @property
    def address(self) -> str:
        return ", ".join(
            part
            for part in (self.street, ward_name(self.ward_code), province_name(self.province_code))
            if part
        )

    OVERALL_STATUSES = (
        "placed",
        "in_progress",
        "delivered",
        "completed",
        "delivery_failed",
        "cancelled",
    )

    @property
    def overall_status(self) -> str:
        """The whole order's progress in one word, from its parts' statuses (reads
        `sub_orders.all()`: prefetch them). "placed" until an enterprise acts, "in_progress"
        while parts move, then "delivered" or "completed" when every part that was not
        cancelled got there, "delivery_failed" when every such part was refused or returned,
        and "cancelled" when every part was."""
        Status = SubOrder.Status
        live = {part.status for part in self.sub_orders.all()} - {Status.CANCELLED}
        if not live:
            return "cancelled"
        for status, members in (
            ("placed", {Status.PLACED}),
            ("completed", {Status.COMPLETED}),
            ("delivered", {Status.DELIVERED, Status.COMPLETED}),
            ("delivery_failed", {Status.DELIVERY_FAILED, Status.RETURNED}),
        ):
            if live <= members:
                return status
        return "in_progress"


class SubOrder(models.Model):
    """The part of an order one enterprise fulfils, with its own status and shipping fee."""

    class Status(models.TextChoices):
        PLACED = "placed", pgettext_lazy("order status", "Placed")
        CONFIRMED = "confirmed", pgettext_lazy("order status", "Confirmed")
        SHIPPED = "shipped", pgettext_lazy("order status", "Shipped")
        DELIVERED = "delivered", pgettext_lazy("order status", "Delivered")
        COMPLETED = "completed", pgettext_lazy("order status", "Completed")
        CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")
        DELIVERY_FAILED = "delivery_failed", pgettext_lazy("order status", "Delivery failed")
        RETURNED = "returned", pgettext_lazy("order status", "Returned to the seller")

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="sub_orders"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="sub_orders",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLACED
    )
    status_reason = models.TextField(_("reason of the last change"), blank=True)
    items_vnd = models.PositiveBigIntegerField(_("goods (đồng)"))
    shipping_vnd = models.PositiveBigIntegerField(_("shipping (đồng)"))
    stock_returned_at = models.DateTimeField(null=True, blank=True, editable=False)
    # set when a cancelled part's money was refunded (or the unpaid order's payments cancelled)
    payment_settled_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("placed at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sub-order")
        verbose_name_plural = _("sub-orders")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["enterprise", "status", "-created_at"], name="suborder_queue"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "placed",
                        "confirmed",
                        "shipped",
                        "delivered",
                        "completed",
                        "cancelled",
                        "delivery_failed",
                        "returned",
                    ]
                ),
                name="suborder_status_valid",
            ),
            models.UniqueConstraint(fields=["order", "enterprise"], name="suborder_one_per_seller"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.enterprise_id}"

    @property
    def total_vnd(self) -> int:
        return int(self.items_vnd + self.shipping_vnd)

    def lines_text(self) -> str:
        return "; ".join(
            f"{line.product_name} – {line.variant_name} × {line.quantity}"
            + (f" ({_('lot')} {line.batch.lot})" if line.batch_id and line.batch else "")
            for line in self.lines.select_related("batch")
        )

    lines_text.short_description = _("products")  # type: ignore[attr-defined]

    def delivery_text(self) -> str:
        order = self.order
        return f"{order.name} · {order.phone_display} · {order.address}"

    delivery_text.short_description = _("deliver to")  # type: ignore[attr-defined]


class OrderLine(models.Model):
    """One variant sold in a sub-order, as it was at checkout."""

    sub_order = models.ForeignKey(SubOrder, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        Variant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    product_name = models.CharField(_("product"), max_length=200)
    variant_name = models.CharField(_("pack"), max_length=120)
    sku = models.CharField(_("SKU"), max_length=64)
    gtin = models.CharField(_("GTIN (barcode)"), max_length=14, blank=True)
    unit_price_vnd = models.PositiveBigIntegerField(_("unit price (đồng)"))
    quantity = models.PositiveIntegerField(_("quantity"))
    line_total_vnd = models.PositiveBigIntegerField(_("amount (đồng)"))
    # The lot the packs were taken from, allocated when the part ships (services.orders): the
    # link from a lot forward to the orders, for a recall.
    batch = models.ForeignKey(
        "traceability.Batch",
        verbose_name=_("lot"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("order line")
        ordering: ClassVar[list[str]] = ["id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="order_line_qty_min"),
            models.CheckConstraint(
                condition=models.Q(
                    line_total_vnd=models.F("unit_price_vnd") * models.F("quantity")
                ),
                name="order_line_total_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} – {self.variant_name} × {self.quantity}"


class SubOrderEvent(StatusEvent):
    """One row per status change of a sub-order (the first one is its placement)."""

    subject_field = "sub_order"
    sub_order = models.ForeignKey(SubOrder, on_delete=models.CASCADE, related_name="events")
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta(StatusEvent.Meta):
        verbose_name = _("sub-order event")


class CodRefusal(models.Model):
    """A cash-on-delivery parcel refused at the door, counted against the phone number."""

    phone = models.CharField(max_length=16, db_index=True)
    sub_order = models.OneToOneField(SubOrder, on_delete=models.CASCADE, related_name="refusal")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("refused COD delivery")

    def __str__(self) -> str:
        return self.phone


def _province_choices() -> list[tuple[str, str]]:
    return [(str(code), name) for code, name in province_choices()]


class ShippingZoneBlock(blocks.StructBlock):
    """A group of provinces delivered at one fee (carriers price by zone: the home province,
    the region, the far end of the country)."""

    name = blocks.CharBlock(label=_("name"), max_length=80, help_text=_("For example: Miền Bắc"))
    provinces = blocks.MultipleChoiceBlock(
        label=_("provinces"), choices=_province_choices, widget=forms.CheckboxSelectMultiple
    )
    fee_vnd = blocks.IntegerBlock(label=_("fee per enterprise parcel (đồng)"), min_value=0)

    class Meta:
        icon = "site"
        label = _("shipping zone")


@register_setting(icon="list-ul")
class OrderSettings(BaseGenericSetting):
    """Shipping fees and order rules, set by officers in Settings → Orders and shipping."""

    home_zone_fee_vnd: models.PositiveBigIntegerField[int, int] = models.PositiveBigIntegerField(
        _("shipping fee inside the home province (đồng)"),
        default=20_000,
        help_text=_("Charged once per enterprise in the cart."),
    )
    other_zone_fee_vnd: models.PositiveBigIntegerField[int, int] = models.PositiveBigIntegerField(
        _("shipping fee to other provinces (đồng)"),
        default=35_000,
        help_text=_("Charged once per enterprise in the cart."),
    )
    free_shipping_above_vnd: models.PositiveBigIntegerField[int, int] = (
        models.PositiveBigIntegerField(
            _("free shipping from (đồng)"),
            default=500_000,
            help_text=_("An enterprise's goods worth at least this ship free. 0 turns it off."),
        )
    )
    shipping_zones = StreamField(
        [("zone", ShippingZoneBlock())],
        verbose_name=_("shipping zones"),
        blank=True,
        help_text=_(
            "Provinces with a fee of their own; the first zone listing a province applies. "
            "Other provinces pay the fee to other provinces above."
        ),
    )
    cod_refusal_limit: models.PositiveSmallIntegerField[int, int] = (
        models.PositiveSmallIntegerField(
            _("COD refusals before cash on delivery is refused"),
            default=2,
            help_text=_("0 turns the limit off."),
        )
    )
    confirm_reminder_hours: models.PositiveSmallIntegerField[int, int] = (
        models.PositiveSmallIntegerField(
            _("remind the enterprise after (hours unconfirmed)"), default=12
        )
    )
    auto_cancel_hours: models.PositiveSmallIntegerField[int, int] = (
        models.PositiveSmallIntegerField(
            _("cancel automatically after (hours unconfirmed)"), default=48
        )
    )

    panels: ClassVar[list[object]] = [
        MultiFieldPanel(
            [
                FieldPanel("home_zone_fee_vnd"),
                FieldPanel("other_zone_fee_vnd"),
                FieldPanel("free_shipping_above_vnd"),
                FieldPanel("shipping_zones"),
            ],
            heading=_("Shipping"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("cod_refusal_limit"),
                FieldPanel("confirm_reminder_hours"),
                FieldPanel("auto_cancel_hours"),
            ],
            heading=_("Orders"),
        ),
    ]

    class Meta:
        verbose_name = _("orders and shipping")

    def shipping_fee_vnd(self, *, items_vnd: int, province_code: int | None) -> int:
        """The fee for one enterprise's parcel: free above the threshold, else the home
        province's fee (also when the province is not known yet), else the fee of the first
        shipping zone listing the province, else the fee to other provinces. No query: the
        zones are stored on this row."""
        if self.free_shipping_above_vnd and items_vnd >= self.free_shipping_above_vnd:
            return 0
        if province_code is None or province_code == int(settings.HOME_PROVINCE_CODE):
            return int(self.home_zone_fee_vnd)
        for zone in self.shipping_zones:
            if str(province_code) in zone.value["provinces"]:
                return int(zone.value["fee_vnd"])
        return int(self.other_zone_fee_vnd)
