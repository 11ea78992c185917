"""Reads for the cart, checkout and order pages, each with a pinned number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from marketplace.models import (
    Cart,
    CartLine,
    Enterprise,
    Order,
    OrderLine,
    OrderSettings,
    Product,
    SubOrder,
    SubOrderEvent,
)


@dataclass
class CartItem:
    line: CartLine
    is_available: bool
    problem: str = ""

    @property
    def line_total_vnd(self) -> int:
        return int(self.line.variant.price_vnd * self.line.quantity)


@dataclass
class CartGroup:
    enterprise: Enterprise
    items: list[CartItem] = field(default_factory=list)
    items_vnd: int = 0
    shipping_vnd: int = 0

    @property
    def total_vnd(self) -> int:
        return self.items_vnd + self.shipping_vnd


@dataclass
class CartSummary:
    groups: list[CartGroup]
    items_vnd: int
    shipping_vnd: int
    count: int
    has_problems: bool

    @property
    def total_vnd(self) -> int:
        return self.items_vnd + self.shipping_vnd

    @property
    def is_empty(self) -> bool:
        return not self.groups


def cart_summary(
    *, cart: Cart | None, province_code: int | None = None, settings: OrderSettings | None = None
) -> CartSummary:
    """The cart grouped by enterprise (in the order lines were added) with each group's
    shipping fee for `province_code` (the home province when unknown). Lines no longer on sale
    or beyond stock are flagged, not dropped. Two queries (one when `settings` is given)."""
    if cart is None or cart.pk is None:
        return CartSummary(groups=[], items_vnd=0, shipping_vnd=0, count=0, has_problems=False)
    lines = list(
        CartLine.objects.filter(cart=cart)
        .select_related("variant__product__enterprise")
        .order_by("created_at", "id")
    )
    if not lines:
        return CartSummary(groups=[], items_vnd=0, shipping_vnd=0, count=0, has_problems=False)
    rules = settings or OrderSettings.load()
    groups: dict[int, CartGroup] = {}
    has_problems = False
    for line in lines:
        variant = line.variant
        product = variant.product
        enterprise = product.enterprise
        available = (
            variant.is_active
            and product.status == Product.Status.PUBLISHED
            and enterprise.status == Enterprise.Status.APPROVED
        )
        problem = ""
        if not available:
            problem = _("No longer on sale: remove it to continue.")
        elif variant.stock < line.quantity:
            available = False
            problem = (
                _("Only %(count)s left: lower the quantity.") % {"count": variant.stock}
                if variant.stock
                else _("Out of stock: remove it to continue.")
            )
        has_problems = has_problems or not available
        group = groups.setdefault(enterprise.pk, CartGroup(enterprise=enterprise))
        item = CartItem(line=line, is_available=available, problem=problem)
        group.items.append(item)
        if available:
            group.items_vnd += item.line_total_vnd
    for group in groups.values():
        if group.items_vnd:
            group.shipping_vnd = rules.shipping_fee_vnd(
                items_vnd=group.items_vnd, province_code=province_code
            )
    return CartSummary(
        groups=list(groups.values()),
        items_vnd=sum(group.items_vnd for group in groups.values()),
        shipping_vnd=sum(group.shipping_vnd for group in groups.values()),
        count=sum(line.quantity for line in lines),
        has_problems=has_problems,
    )


def _order_detail_queryset() -> QuerySet[Order]:
    return Order.objects.prefetch_related(
        Prefetch(
            "sub_orders",
            queryset=SubOrder.objects.select_related("enterprise").order_by("id"),
        ),
        Prefetch("sub_orders__lines", queryset=OrderLine.objects.order_by("id")),
        Prefetch("sub_orders__events", queryset=SubOrderEvent.objects.order_by("created_at", "id")),
    )


def order_detail(*, code: str) -> Order | None:
    """An order with its sub-orders, their enterprises, lines and events: four queries."""
    return _order_detail_queryset().filter(code=code).first()


def orders_for_user(*, user: User) -> list[Order]:
    """A signed-in shopper's orders, newest first, with their sub-orders: two queries."""
    return list(
        Order.objects.filter(user=user)
        .prefetch_related(
            Prefetch(
                "sub_orders",
                queryset=SubOrder.objects.select_related("enterprise").order_by("id"),
            )
        )
        .order_by("-created_at", "-id")[:100]
    )
