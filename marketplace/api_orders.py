"""The storefront's cart, checkout and order API, for the site's own scripts and mobile apps.

The same services as the HTML pages (`services.cart`, `services.orders`, `payments.services`):
the server prices everything, so a client never sends a price or a total.

Whose cart: a client without a session creates a guest cart with `POST /cart/` and sends the
token it gets back in the `X-Cart-Token` header; the token is the cart's id signed with the
site's secret, so it cannot be forged or pointed at another cart, and it reaches guest carts only.
A signed-in shopper's session uses their own cart without a token; then, as for any form of the
site, changes need the CSRF token (the session cookie alone must not let another site write).

Errors have the shape documented in `config.api`, with the services' stable codes
(`out_of_stock`, `cod_not_allowed`, ...).
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from accounts.network import client_ip
from accounts.phone import normalize_phone
from marketplace import order_selectors
from marketplace.api import Error
from marketplace.exceptions import (
    CartEmpty,
    CartLineNotFound,
    CheckoutInvalid,
    MarketplaceError,
    OrderNotFound,
)
from marketplace.models import Cart, Order, PaymentMethod, SubOrder
from marketplace.order_forms import payment_method_choices
from marketplace.order_selectors import CartSummary
from marketplace.services import cart as cart_services
from marketplace.services import orders as order_services
from payments.exceptions import PaymentError
from payments.models import Payment
from payments.selectors import payments_for_order
from payments.services import start_payment

router = Router(tags=["cart and orders"])

CART_HEADER = "X-Cart-Token"
_SIGNING_SALT = "marketplace.api.cart-token"


class CartNotFound(MarketplaceError):
    """An X-Cart-Token that names no guest cart (forged, or the cart became an order)."""

    code = "cart_not_found"
    default_message = gettext_lazy(
        "This cart does not exist any more. Create a new one with POST /api/v1/cart/."
    )


class CartTokenRequired(MarketplaceError):
    code = "cart_token_required"
    default_message = gettext_lazy(
        "Send the cart's token in the X-Cart-Token header, or sign in to use your cart."
    )


def cart_token(cart: Cart) -> str:
    return signing.dumps(cart.pk, salt=_SIGNING_SALT)


def _csrf_refusal(request: HttpRequest) -> HttpResponse | None:
    """Django's own CSRF check, which ninja's operations skip (they are CSRF-exempt views)."""
    middleware = CsrfViewMiddleware(lambda _request: HttpResponse())
    request.csrf_processing_done = False  # type: ignore[attr-defined]
    middleware.process_request(request)
    return middleware.process_view(request, lambda _request: HttpResponse(), (), {})


def _request_cart(request: HttpRequest, *, create: bool = False) -> Cart | None:
    """The guest cart named by the X-Cart-Token header, else the signed-in shopper's cart
    (created on demand when `create`). Raises CartNotFound for a token that names no guest
    cart, CartTokenRequired without token or session, and a 403 when a session-authenticated
    change lacks its CSRF token."""
    token = request.headers.get(CART_HEADER, "").strip()
    if token:
        try:
            cart_id = signing.loads(token, salt=_SIGNING_SALT)
        except signing.BadSignature as error:
            raise CartNotFound from error
        cart = Cart.objects.filter(pk=cart_id, user__isnull=True).first()
        if cart is None:
            raise CartNotFound
        return cart
    if not request.user.is_authenticated:
        raise CartTokenRequired
    if request.method not in {"GET", "HEAD", "OPTIONS"} and _csrf_refusal(request) is not None:
        raise HttpError(403, _("The CSRF token is missing or wrong: reload the page."))
    cart = Cart.objects.filter(user=request.user).first()
    if cart is None and create:
        cart, _created = Cart.objects.get_or_create(user=request.user)
    return cart


# --- Schemas ----------------------------------------------------------------------------------


class SellerOut(Schema):
    name: str
    slug: str


class CartLineOut(Schema):
    id: int
    variant: int = Field(description="The variant's id, as in the product's `variants`.")
    product: str
    product_slug: str
    variant_name: str
    sku: str
    quantity: int
    unit_price_vnd: int
    line_total_vnd: int
    available: bool
    problem: str = Field(description="Why the line cannot be bought as it is, or empty.")


class CartGroupOut(Schema):
    enterprise: SellerOut
    lines: list[CartLineOut]
    items_vnd: int
    shipping_vnd: int
    total_vnd: int


class CartOut(Schema):
    token: str | None = Field(
        description="The guest cart's token (send it as X-Cart-Token), null for a shopper's "
        "own cart."
    )
    groups: list[CartGroupOut] = Field(description="The lines by enterprise, each shipped apart.")
    count: int = Field(description="Items in the cart.")
    items_vnd: int
    shipping_vnd: int
    total_vnd: int
    has_problems: bool = Field(description="True when a line must change before checkout.")


class LineIn(Schema):
    variant: int
    quantity: int = 1


class QuantityIn(Schema):
    quantity: int = Field(description="The new quantity; 0 removes the line.")


class CheckoutIn(Schema):
    name: str
    phone: str
    email: str = ""
    province_code: int
    ward_code: int
    street: str
    note: str = ""
    payment_method: Literal["cod", "vnpay", "momo", "zalopay"]


class CheckoutOut(Schema):
    order_code: str
    total_vnd: int
    payment_url: str | None = Field(
        description="Where to send the shopper to pay; null for cash on delivery."
    )
    payment_error: str | None = Field(
        description="Why the online payment could not start (the order is placed anyway: "
        "retry from the order, or switch it to cash on delivery)."
    )


class OrderLineOut(Schema):
    product_name: str
    variant_name: str
    sku: str
    gtin: str
    unit_price_vnd: int
    quantity: int
    line_total_vnd: int


class SubOrderOut(Schema):
    enterprise: SellerOut
    status: str = Field(json_schema_extra={"enum": [*SubOrder.Status.values]})
    items_vnd: int
    shipping_vnd: int
    lines: list[OrderLineOut]


class OrderOut(Schema):
    code: str
    status: str = Field(
        description="The whole order's progress, from its parts' statuses.",
        json_schema_extra={"enum": list(Order.OVERALL_STATUSES)},
    )
    payment_method: str = Field(json_schema_extra={"enum": [*PaymentMethod.values]})
    payment_status: str = Field(json_schema_extra={"enum": [*Order.PaymentStatus.values]})
    items_vnd: int
    shipping_vnd: int
    total_vnd: int
    created_at: datetime.datetime
    sub_orders: list[SubOrderOut]

    @staticmethod
    def resolve_status(order: Order) -> str:
        return order.overall_status


def _cart_out(summary: CartSummary, *, token: str | None) -> dict[str, Any]:
    return {
        "token": token,
        "groups": [
            {
                "enterprise": group.enterprise,
                "lines": [
                    {
                        "id": item.line.pk,
                        "variant": item.line.variant_id,
                        "product": item.line.variant.product.name,
                        "product_slug": item.line.variant.product.slug,
                        "variant_name": item.line.variant.name,
                        "sku": item.line.variant.sku,
                        "quantity": item.line.quantity,
                        "unit_price_vnd": item.line.variant.price_vnd,
                        "line_total_vnd": item.line_total_vnd,
                        "available": item.is_available,
                        "problem": item.problem,
                    }
                    for item in group.items
                ],
                "items_vnd": group.items_vnd,
                "shipping_vnd": group.shipping_vnd,
                "total_vnd": group.total_vnd,
            }
            for group in summary.groups
        ],
        "count": summary.count,
        "items_vnd": summary.items_vnd,
        "shipping_vnd": summary.shipping_vnd,
        "total_vnd": summary.total_vnd,
        "has_problems": summary.has_problems,
    }


def _answer_cart(cart: Cart | None, province_code: int | None = None) -> dict[str, Any]:
    """The cart as CartOut (two queries: its lines with their products, and the fee rules)."""
    token = cart_token(cart) if cart is not None and cart.user_id is None else None
    summary = order_selectors.cart_summary(cart=cart, province_code=province_code)
    return _cart_out(summary, token=token)


# --- Cart -------------------------------------------------------------------------------------

CART_ERRORS = {400: Error, 403: Error, 404: Error, 409: Error}


@router.post(
    "/cart/",
    response={201: CartOut},
    summary="Create a guest cart",
    description="Returns an empty cart and its `token`: send it as `X-Cart-Token` afterwards.",
)
def create_cart(request: HttpRequest) -> Status[dict[str, Any]]:
    cart = Cart.objects.create()
    return Status(201, _cart_out(order_selectors.cart_summary(cart=cart), token=cart_token(cart)))


@router.get(
    "/cart/",
    response={200: CartOut, **CART_ERRORS},
    summary="Read the cart",
    description=(
        "The lines grouped by enterprise with each group's shipping fee, for `province_code` "
        "(a vietnam-provinces code) when given, else for the home province. Lines no longer "
        "on sale or beyond stock are flagged, not dropped."
    ),
)
def read_cart(request: HttpRequest, province_code: int | None = None) -> dict[str, Any]:
    return _answer_cart(_request_cart(request), province_code)


@router.post(
    "/cart/lines/",
    response={201: CartOut, **CART_ERRORS},
    summary="Add a variant to the cart",
    description=(
        "Adds `quantity` units on top of what the cart holds. 409 `out_of_stock` when the cart "
        "would hold more than is left, 409 `product_unavailable` when it is not on sale."
    ),
)
def add_line(request: HttpRequest, line: LineIn) -> Status[dict[str, Any]]:
    cart = _request_cart(request, create=True)
    assert cart is not None
    cart_services.add_to_cart(cart=cart, variant_id=line.variant, quantity=line.quantity)
    return Status(201, _answer_cart(cart))


@router.patch(
    "/cart/lines/{line_id}/",
    response={200: CartOut, **CART_ERRORS},
    summary="Change a line's quantity",
)
def change_line(request: HttpRequest, line_id: int, change: QuantityIn) -> dict[str, Any]:
    cart = _request_cart(request)
    if cart is None:
        raise CartLineNotFound
    cart_services.set_cart_quantity(cart=cart, line_id=line_id, quantity=change.quantity)
    return _answer_cart(cart)


@router.delete(
    "/cart/lines/{line_id}/",
    response={200: CartOut, **CART_ERRORS},
    summary="Remove a line",
)
def remove_line(request: HttpRequest, line_id: int) -> dict[str, Any]:
    cart = _request_cart(request)
    if cart is None:
        raise CartLineNotFound
    cart_services.remove_cart_line(cart=cart, line_id=line_id)
    return _answer_cart(cart)


# --- Checkout and orders ----------------------------------------------------------------------


def _waiting_payment_url(order: Order) -> str | None:
    """The gateway address of the order's newest attempt still awaiting payment, if any."""
    for payment in payments_for_order(order_reference=order.code):
        if payment.status == Payment.Status.PENDING and payment.redirect_url:
            return payment.redirect_url
    return None


@router.post(
    "/checkout/",
    response={201: CheckoutOut, **CART_ERRORS},
    summary="Place the order",
    description=(
        "Turns the cart into one order, with one part per enterprise, and reserves the stock. "
        "Prices and fees are the server's. For an e-wallet, `payment_url` is where to send the "
        "shopper. With an `Idempotency-Key` header, a retried request answers the same order "
        "and places nothing more."
    ),
)
def checkout(request: HttpRequest, details: CheckoutIn) -> Status[dict[str, Any]]:
    cart = _request_cart(request)
    key = request.headers.get("Idempotency-Key", "").strip()[:80]
    if details.payment_method not in dict(payment_method_choices()):
        raise CheckoutInvalid(fields={"payment_method": _("Choose a payment method.")})
    earlier = order_services.earlier_order(cart=cart, idempotency_key=key) if cart else None
    if earlier is not None:
        return Status(201, _checkout_out(earlier, _waiting_payment_url(earlier), None))
    contact = order_services.clean_contact(
        name=details.name,
        phone=details.phone,
        email=details.email,
        province_code=details.province_code,
        ward_code=details.ward_code,
        street=details.street,
        note=details.note,
    )
    if cart is None:
        raise CartEmpty
    order = order_services.place_order(
        cart=cart,
        contact=contact,
        payment_method=details.payment_method,
        user=request.user if request.user.is_authenticated else None,
        idempotency_key=key,
    )
    try:
        payment = start_payment(
            order=order,
            provider_code=order.payment_method,
            ip_address=client_ip(request),
            locale="vi" if request.LANGUAGE_CODE == "vi" else "en",
        )
    except PaymentError as error:
        return Status(201, _checkout_out(order, None, error.shopper_message))
    return Status(201, _checkout_out(order, payment.redirect_url or None, None))


def _checkout_out(order: Order, payment_url: str | None, problem: str | None) -> dict[str, Any]:
    return {
        "order_code": order.code,
        "total_vnd": order.total_vnd,
        "payment_url": payment_url,
        "payment_error": problem,
    }


@router.get(
    "/orders/{slug:code}/",
    response={200: OrderOut, **CART_ERRORS, 429: Error},
    summary="Follow an order",
    description=(
        "The order with the phone number it was placed with (`phone`, any spelling), or, "
        "without it, as its signed-in owner. A wrong code and a wrong phone get the same 404; "
        "after 10 of them from one address in 15 minutes, 429 `too_many_lookups`."
    ),
)
def read_order(request: HttpRequest, code: str, phone: str = "") -> Order:
    client = client_ip(request) if phone else ""  # an owner signed in is not guessing
    order_services.check_lookups_allowed(client=client)
    order = order_selectors.order_detail(code=code.strip().upper())
    if order is None or not _may_read(request, order, phone):
        order_services.note_failed_lookup(client=client)
        raise OrderNotFound
    return order


def _may_read(request: HttpRequest, order: Order, phone: str) -> bool:
    if phone:
        try:
            return normalize_phone(phone) == order.phone
        except ValidationError:
            return False
    return request.user.is_authenticated and order.user_id == request.user.pk
