"""Helpers for the cart and order tests: a filled cart and a valid checkout contact."""

from __future__ import annotations

from marketplace.models import Cart, CartLine, Variant
from marketplace.services.orders import Contact, clean_contact


def contact(**overrides: object) -> Contact:
    data: dict[str, object] = {
        "name": "Nguyễn Thị Hoa",
        "phone": "0987 654 321",
        "email": "hoa@example.vn",
        "province_code": 19,
        "ward_code": 5503,
        "street": "12 đường Tân Cương",
        "note": "Gọi trước khi giao",
    }
    data.update(overrides)
    return clean_contact(**data)  # type: ignore[arg-type]


def cart_with(*lines: tuple[Variant, int], user: object | None = None) -> Cart:
    cart = Cart.objects.create(user=user)
    for variant, quantity in lines:
        CartLine.objects.create(cart=cart, variant=variant, quantity=quantity)
    return cart
