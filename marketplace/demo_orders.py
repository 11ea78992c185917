"""Demo orders: shoppers' orders in every state over the last twelve months (idempotent).

Orders are placed and moved through the same services as real ones, then their dates are
spread over the year. Their notifications are marked as sent so that seeding mails nobody.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import User
from marketplace.exceptions import MarketplaceError
from marketplace.models import Cart, CartLine, Order, Product, SubOrder, SubOrderEvent, Variant
from marketplace.services import orders as services

SEED = 6
SHOPPERS = [
    ("Nguyễn Thị Hoa", "0987 654 321", 5503),
    ("Trần Văn Minh", "0912 555 014", 5503),
    ("Lê Thu Trang", "0978 120 334", 5503),
    ("Phạm Quốc Huy", "0903 456 789", 5503),
]
# the path each demo sub-order takes after placement, by weight
PATHS: list[tuple[tuple[str, ...], int]] = [
    (("confirm", "ship", "deliver", "complete"), 10),
    (("confirm", "ship", "deliver"), 3),
    (("confirm", "ship"), 2),
    (("confirm",), 2),
    ((), 2),
    (("cancel",), 2),
    (("confirm", "ship", "fail_delivery"), 1),
    (("confirm", "ship", "fail_delivery", "return"), 1),
]


@dataclass
class DemoOrders:
    orders: int = 0


def seed_orders(*, count: int = 60, actor: User | None = None) -> DemoOrders:
    """Place `count` demo orders unless orders exist already; returns how many were made."""
    result = DemoOrders()
    if Order.objects.exists():
        return result
    rng = random.Random(SEED)  # noqa: S311 (demo data, not security)
    on_sale = list(
        Variant.objects.filter(
            is_active=True,
            stock__gte=5,
            product__status=Product.Status.PUBLISHED,
            product__enterprise__status="approved",
        ).order_by("id")[:40]
    )
    if not on_sale:
        return result
    now = timezone.now()
    paths = [path for path, weight in PATHS for _ in range(weight)]
    for index in range(count):
        name, phone, ward = SHOPPERS[index % len(SHOPPERS)]
        if index >= len(SHOPPERS):  # mostly distinct shoppers, a few who come back
            phone = f"0914 {index:03d} {rng.randint(100, 999)}"
        cart = Cart.objects.create()
        for variant in rng.sample(on_sale, k=min(len(on_sale), rng.randint(1, 3))):
            CartLine.objects.create(cart=cart, variant=variant, quantity=rng.randint(1, 2))
        try:
            order = services.place_order(
                cart=cart,
                contact=services.clean_contact(
                    name=name,
                    phone=phone,
                    province_code=19,
                    ward_code=ward,
                    street=f"{10 + index} đường Tân Cương",
                ),
                payment_method="cod",
            )
        except MarketplaceError:
            cart.delete()
            continue
        cart.delete()
        placed_at = now - datetime.timedelta(days=rng.randint(0, 364), hours=rng.randint(0, 12))
        for part in order.sub_orders.all():
            for action in rng.choice(paths):
                _apply(part.pk, action, actor)
        Order.objects.filter(pk=order.pk).update(created_at=placed_at)
        SubOrder.objects.filter(order=order).update(created_at=placed_at)
        events = SubOrderEvent.objects.filter(sub_order__order=order).order_by("sub_order", "id")
        previous, step = None, 0
        for event in events:
            step = step + 1 if event.sub_order_id == previous else 0
            previous = event.sub_order_id
            SubOrderEvent.objects.filter(pk=event.pk).update(
                created_at=placed_at + datetime.timedelta(hours=20 * step), notified_at=now
            )
        result.orders += 1
    return result


def _apply(sub_order_id: int, action: str, actor: User | None) -> None:
    if action == "confirm":
        services.confirm_sub_order(sub_order_id=sub_order_id, actor=actor)
    elif action == "ship":
        services.ship_sub_order(sub_order_id=sub_order_id, actor=actor)
    elif action == "deliver":
        services.deliver_sub_order(sub_order_id=sub_order_id, actor=actor)
    elif action == "complete":
        services.complete_sub_order(sub_order_id=sub_order_id, actor=actor)
    elif action == "cancel":
        services.cancel_sub_order(sub_order_id=sub_order_id, actor=actor, reason="Khách đổi ý")
    elif action == "fail_delivery":
        services.fail_sub_order_delivery(
            sub_order_id=sub_order_id, actor=actor, reason="Khách từ chối nhận"
        )
    elif action == "return":
        services.return_sub_order(sub_order_id=sub_order_id, actor=actor)
