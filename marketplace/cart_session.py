"""Which cart a request uses: the signed-in shopper's own, or a guest cart kept in the session.

At sign-in the guest cart is merged into the shopper's cart (`user_logged_in`, connected in
`MarketplaceConfig.ready()`: the sign-in views belong to accounts, which must not know carts).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from marketplace.models import Cart
from marketplace.services.cart import merge_carts

SESSION_KEY = "cart_id"
ORDERS_SESSION_KEY = "order_codes"


def current_cart(request: HttpRequest, *, create: bool = False) -> Cart | None:
    """The request's cart, created on demand (one query to read, one more to create)."""
    user = request.user
    if user.is_authenticated:
        cart = Cart.objects.filter(user=user).first()
        if cart is None and create:
            cart, _created = Cart.objects.get_or_create(user=user)
        return cart
    cart_id = request.session.get(SESSION_KEY)
    cart = Cart.objects.filter(pk=cart_id, user__isnull=True).first() if cart_id else None
    if cart is None and create:
        cart = Cart.objects.create()
        request.session[SESSION_KEY] = cart.pk
    return cart


def merge_guest_cart(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Move the guest cart of this session into the user's cart, once, at sign-in."""
    if request is None or not hasattr(request, "session"):
        return
    cart_id = request.session.pop(SESSION_KEY, None)
    if not cart_id:
        return
    guest = Cart.objects.filter(pk=cart_id, user__isnull=True).first()
    if guest is None:
        return
    target, _created = Cart.objects.get_or_create(user=user)
    merge_carts(source=guest, target=target)


def remember_order(request: HttpRequest, code: str) -> None:
    """Let this browser open the order page without signing in (placed or looked up here)."""
    codes = list(request.session.get(ORDERS_SESSION_KEY, []))
    if code not in codes:
        codes = [*codes[-19:], code]
        request.session[ORDERS_SESSION_KEY] = codes


def may_see_order(request: HttpRequest, *, code: str, user_id: int | None) -> bool:
    if user_id is not None and request.user.is_authenticated and request.user.pk == user_id:
        return True
    return code in request.session.get(ORDERS_SESSION_KEY, [])
