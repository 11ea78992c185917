"""Shopper pages: cart, checkout, order confirmation and tracking, guest order lookup."""

from __future__ import annotations

import uuid
from contextlib import suppress

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.network import client_ip
from accounts.phone import format_phone
from marketplace import order_selectors
from marketplace.cart_session import (
    current_cart,
    keep_guest_cart,
    may_see_order,
    remember_order,
)
from marketplace.exceptions import (
    CartLineNotFound,
    CheckoutInvalid,
    InvalidTransition,
    MarketplaceError,
    OrderNotFound,
    TooManyLookups,
)
from marketplace.models import OrderSettings, PaymentMethod, SubOrder
from marketplace.order_forms import (
    AddToCartForm,
    CartQuantityForm,
    CheckoutForm,
    OrderLookupForm,
)
from marketplace.services import cart as cart_services
from marketplace.services import orders as order_services
from payments.exceptions import PaymentError
from payments.services import start_payment


def cart(request: HttpRequest) -> HttpResponse:
    """The cart grouped by enterprise with each group's shipping fee (home-province fee until
    the address is known at checkout)."""
    summary = order_selectors.cart_summary(cart=current_cart(request))
    return render(request, "marketplace/cart.html", {"summary": summary})


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    form = AddToCartForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    if not form.is_valid():
        messages.error(request, _("Choose a quantity of at least 1."))
        return redirect(back or "marketplace:cart")
    variant_id, quantity = form.cleaned_data["variant"], form.cleaned_data["quantity"]
    try:
        cart_obj = current_cart(request, create=True)
        if cart_obj is None:
            # A guest's first add: the cart is made with its line, or not at all.
            cart_obj = cart_services.start_guest_cart(variant_id=variant_id, quantity=quantity)
            keep_guest_cart(request, cart_obj)
        else:
            cart_services.add_to_cart(cart=cart_obj, variant_id=variant_id, quantity=quantity)
    except MarketplaceError as error:
        messages.error(request, error.message)
        return redirect(back or "marketplace:cart")
    messages.success(request, _("Added to your cart."))
    return redirect("marketplace:cart")


@require_POST
def cart_line(request: HttpRequest, line_id: int) -> HttpResponse:
    """Change a line's quantity (0 or the remove button takes it out)."""
    cart_obj = current_cart(request)
    if cart_obj is None:
        return redirect("marketplace:cart")
    if "remove" in request.POST:
        # A second click on "remove" finds the line gone, which is what the shopper wanted.
        with suppress(CartLineNotFound):
            cart_services.remove_cart_line(cart=cart_obj, line_id=line_id)
        return redirect("marketplace:cart")
    form = CartQuantityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a quantity of at least 1."))
        return redirect("marketplace:cart")
    try:
        cart_services.set_cart_quantity(
            cart=cart_obj, line_id=line_id, quantity=form.cleaned_data["quantity"]
        )
    except MarketplaceError as error:
        messages.error(request, error.message)
    return redirect("marketplace:cart")


def checkout(request: HttpRequest) -> HttpResponse:
    """Contact, address and payment method; places the order, then starts the payment.

    The order exists before any money moves: a gateway error leaves it on its page, where the
    shopper can try again or switch to cash on delivery.
    """
    cart_obj = current_cart(request)
    rules = OrderSettings.load(request_or_site=request)
    initial: dict[str, object] = {"idempotency_key": uuid.uuid4().hex}
    if isinstance(request.user, User):
        initial.update(
            name=request.user.get_full_name(),
            phone=format_phone(request.user.phone) if request.user.phone else "",
            email=request.user.email or "",
        )
        address = request.user.addresses.order_by("-is_default", "-created_at").first()
        if address is not None:  # the address of the last order, or the one chosen as default
            initial.update(
                name=address.full_name,
                phone=format_phone(address.phone),
                province_code=address.province_code,
                ward_code=address.ward_code,
                street=address.street,
            )
    form = CheckoutForm(request.POST or None, initial=initial)
    province = None
    if request.method == "POST" and form.is_valid():
        province = form.cleaned_data["province_code"]
        try:
            contact = order_services.clean_contact(
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                province_code=form.cleaned_data["province_code"],
                ward_code=form.cleaned_data["ward_code"],
                street=form.cleaned_data["street"],
                note=form.cleaned_data["note"],
            )
            if cart_obj is None:
                return redirect("marketplace:cart")
            order = order_services.place_order(
                cart=cart_obj,
                contact=contact,
                payment_method=form.cleaned_data["payment_method"],
                user=request.user if request.user.is_authenticated else None,
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except CheckoutInvalid as error:
            for field, message in error.fields.items():
                form.add_error(field if field in form.fields else None, message)
        except MarketplaceError as error:
            form.add_error(None, error.message)
        else:
            remember_order(request, order.code)
            messages.success(
                request,
                _("Thank you! Your order code is %(code)s. Keep it to follow your order.")
                % {"code": order.code},
            )
            return _start_payment(request, order=order, method=order.payment_method)
    elif request.method == "POST" and form.data.get("province_code", "").isdecimal():
        province = int(form.data["province_code"])
    summary = order_selectors.cart_summary(cart=cart_obj, province_code=province, settings=rules)
    if summary.is_empty and request.method == "GET":
        return redirect("marketplace:cart")
    return render(request, "marketplace/checkout.html", {"form": form, "summary": summary})


def _start_payment(request: HttpRequest, *, order: object, method: str) -> HttpResponse:
    code = order.code  # type: ignore[attr-defined]
    try:
        payment = start_payment(
            order=order,  # type: ignore[arg-type]
            provider_code=method,
            ip_address=client_ip(request),
            locale="vi" if request.LANGUAGE_CODE == "vi" else "en",
        )
    except PaymentError as error:
        messages.error(
            request,
            _("Your order %(code)s is saved, but the payment could not start: %(reason)s")
            % {"code": code, "reason": error.shopper_message},
        )
        return redirect("marketplace:order", code=code)
    if payment.redirect_url:
        return redirect(payment.redirect_url)
    return redirect("marketplace:order", code=code)


def order_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The order page (also the confirmation after checkout): for its owner, or a browser
    that placed it or looked it up with its phone number."""
    order = order_selectors.order_detail(code=code)
    if order is None or not may_see_order(request, code=order.code, user_id=order.user_id):
        raise Http404
    sub_orders = list(order.sub_orders.all())
    can_cancel = all(
        part.status in {SubOrder.Status.PLACED, SubOrder.Status.CANCELLED} for part in sub_orders
    ) and any(part.status == SubOrder.Status.PLACED for part in sub_orders)
    can_pay = (
        order.payment_method != PaymentMethod.COD
        and order.payment_status == order.PaymentStatus.PENDING
        and any(part.status != SubOrder.Status.CANCELLED for part in sub_orders)
    )
    return render(
        request,
        "marketplace/order_detail.html",
        {
            "order": order,
            "sub_orders": sub_orders,
            "can_cancel": can_cancel,
            "can_pay": can_pay,
        },
    )


@require_POST
def order_cancel(request: HttpRequest, code: str) -> HttpResponse:
    order = order_selectors.order_detail(code=code)
    if order is None or not may_see_order(request, code=order.code, user_id=order.user_id):
        raise Http404
    try:
        order_services.cancel_order_by_shopper(
            order=order, actor=request.user if request.user.is_authenticated else None
        )
    except InvalidTransition as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your order has been cancelled."))
    return redirect("marketplace:order", code=order.code)


@require_POST
def order_pay(request: HttpRequest, code: str) -> HttpResponse:
    """Try the online payment again, or switch the order to cash on delivery."""
    order = order_selectors.order_detail(code=code)
    if order is None or not may_see_order(request, code=order.code, user_id=order.user_id):
        raise Http404
    method = request.POST.get("method", order.payment_method)
    if method == PaymentMethod.COD and order.payment_method != PaymentMethod.COD:
        try:
            order_services.switch_order_to_cod(order=order)
        except MarketplaceError as error:
            messages.error(request, error.message)
            return redirect("marketplace:order", code=order.code)
        order.refresh_from_db()
    return _start_payment(request, order=order, method=order.payment_method)


def order_lookup(request: HttpRequest) -> HttpResponse:
    """Tra cứu đơn hàng: a guest opens an order with its code and the phone number used."""
    form = OrderLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            order = order_services.find_order(
                code=form.cleaned_data["code"],
                phone=form.cleaned_data["phone"],
                client=client_ip(request),
            )
        except (OrderNotFound, TooManyLookups) as error:
            form.add_error(None, error.message)
        else:
            remember_order(request, order.code)
            return redirect("marketplace:order", code=order.code)
    return render(request, "marketplace/order_lookup.html", {"form": form})


@login_required
def my_orders(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    orders = order_selectors.orders_for_user(user=request.user)
    return render(request, "marketplace/my_orders.html", {"orders": orders})
