"""Which cart a request uses: the signed-in shopper's own, or a guest cart kept in the session.

At sign-in the guest cart is merged into the shopper's cart, and the guest orders this browser
opened with the account's phone become the account's (`user_logged_in`, connected in
`MarketplaceConfig.ready()`: the sign-in views belong to accounts, which must not know carts).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Sum
from django.http import HttpRequest

from marketplace.models import Cart, CartLine, Order
from marketplace.services.cart import merge_carts

SESSION_KEY = "cart_id"
ORDERS_SESSION_KEY = "order_codes"


def current_cart(request: HttpRequest, *, create: bool = False) -> Cart | None:
    """The request's cart (one query): the signed-in shopper's, created on demand when
    `create`, or the guest cart the session names. A guest's cart is made with its first line
    (`cart.start_guest_cart`), then remembered with `keep_guest_cart`."""
    user = request.user
    if user.is_authenticated:
        cart = Cart.objects.filter(user=user).first()
        if cart is None and create:
            cart, _created = Cart.objects.get_or_create(user=user)
        return cart
    cart_id = request.session.get(SESSION_KEY)
    return Cart.objects.filter(pk=cart_id, user__isnull=True).first() if cart_id else None


def keep_guest_cart(request: HttpRequest, cart: Cart) -> None:
    """Remember a guest's cart in the session."""
    request.session[SESSION_KEY] = cart.pk


def cart_item_count(request: HttpRequest) -> int:
    """How many items the request's cart holds, for the header's badge: no query for a guest
    without a cart, one otherwise."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        lines = CartLine.objects.filter(cart__user=user)
    else:
        session = getattr(request, "session", None)
        cart_id = session.get(SESSION_KEY) if session is not None else None
        if not cart_id:
            return 0
        lines = CartLine.objects.filter(cart_id=cart_id, cart__user__isnull=True)
    return int(lines.aggregate(items=Sum("quantity"))["items"] or 0)


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


def claim_guest_orders(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """At sign-in (and right after registering), the orders this browser placed or looked up
    as a guest with the account's phone number become the account's: "My orders" lists them
    (journey 4). Opening them here already took the code and the phone, so nothing is given
    away; orders placed with another number stay where they are."""
    if request is None or not hasattr(request, "session") or not getattr(user, "phone", ""):
        return
    codes = request.session.get(ORDERS_SESSION_KEY, [])
    if codes:
        Order.objects.filter(code__in=codes, user__isnull=True, phone=user.phone).update(user=user)


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
