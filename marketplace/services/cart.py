"""The shopper's cart: lines per variant, quantities limited by stock, merged at sign-in.

The cart only remembers variants and quantities; prices, fees and availability are always read
from the catalogue (see `marketplace.selectors.cart_summary`) and checked again, under lock, when
the order is placed. Cart writes are committed without waiting for the disk
(accounts/transactions.py): a database crash may lose the last fraction of a second of them.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.transactions import asynchronous_commit
from marketplace.exceptions import (
    CartLineNotFound,
    InvalidQuantity,
    OutOfStock,
    ProductUnavailable,
)
from marketplace.models import Cart, CartLine, Product, Variant
from marketplace.models.enterprises import Enterprise

MAX_QUANTITY = 999


def _sellable_variant(variant_id: int) -> Variant:
    variant = (
        Variant.objects.select_related("product")
        .filter(
            pk=variant_id,
            is_active=True,
            product__status=Product.Status.PUBLISHED,
            product__enterprise__status=Enterprise.Status.APPROVED,
        )
        .first()
    )
    if variant is None:
        raise ProductUnavailable
    return variant


def _check_quantity(variant: Variant, quantity: int) -> None:
    if quantity < 1 or quantity > MAX_QUANTITY:
        raise InvalidQuantity
    if quantity > variant.stock:
        if variant.stock == 0:
            raise OutOfStock(
                _("%(product)s – %(variant)s is out of stock.")
                % {"product": variant.product.name, "variant": variant.name}
            )
        raise OutOfStock(
            _("Only %(count)s left of %(product)s – %(variant)s.")
            % {"count": variant.stock, "product": variant.product.name, "variant": variant.name}
        )


@asynchronous_commit()
def start_guest_cart(*, variant_id: int, quantity: int = 1) -> Cart:
    """A new guest cart holding `quantity` units of a variant: a visitor's first "add to cart".
    Checked as `add_to_cart` checks, before anything is written: on ProductUnavailable,
    InvalidQuantity or OutOfStock no cart is created. One transaction: the variant, the cart,
    its line (there is no line to look for in a cart made just now)."""
    if quantity < 1:
        raise InvalidQuantity
    variant = _sellable_variant(variant_id)
    _check_quantity(variant, quantity)
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, variant=variant, quantity=quantity)
    return cart


@asynchronous_commit()
def add_to_cart(*, cart: Cart, variant_id: int, quantity: int = 1) -> CartLine:
    """Add `quantity` units of a variant (on top of what the cart already holds).

    Raises ProductUnavailable (not on sale), InvalidQuantity (below 1) or OutOfStock (the cart
    would hold more than is left); nothing changes then.
    """
    if quantity < 1:
        raise InvalidQuantity
    variant = _sellable_variant(variant_id)
    line = CartLine.objects.select_for_update().filter(cart=cart, variant=variant).first()
    total = quantity + (line.quantity if line else 0)
    _check_quantity(variant, total)
    if line is None:
        line = CartLine.objects.create(cart=cart, variant=variant, quantity=total)
    else:
        line.quantity = total
        line.save(update_fields=["quantity"])
    return line


@asynchronous_commit()
def set_cart_quantity(*, cart: Cart, line_id: int, quantity: int) -> CartLine | None:
    """Set a line's quantity; 0 removes it (returns None). Raises InvalidQuantity,
    ProductUnavailable or OutOfStock and changes nothing then. A line of another cart is
    treated as missing (CartLineNotFound)."""
    line = CartLine.objects.select_for_update().filter(cart=cart, pk=line_id).first()
    if line is None:
        raise CartLineNotFound
    if quantity == 0:
        line.delete()
        return None
    if quantity < 0:
        raise InvalidQuantity
    variant = _sellable_variant(line.variant_id)
    _check_quantity(variant, quantity)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    return line


@asynchronous_commit()
def remove_cart_line(*, cart: Cart, line_id: int) -> None:
    """Remove a line of this cart. Raises CartLineNotFound for a line of another cart (left
    alone) or one already removed."""
    deleted, _rows = CartLine.objects.filter(cart=cart, pk=line_id).delete()
    if not deleted:
        raise CartLineNotFound


@asynchronous_commit()
def merge_carts(*, source: Cart, target: Cart) -> Cart:
    """Move the lines of a guest cart into a signed-in shopper's cart and delete the guest cart.

    Quantities of the same variant add up, capped at what is in stock; lines no longer on sale
    are dropped. Returns the target cart.
    """
    if source.pk == target.pk:
        return target
    existing = {line.variant_id: line for line in target.lines.select_for_update()}
    for line in source.lines.select_related("variant"):
        stock = line.variant.stock
        current = existing.get(line.variant_id)
        wanted = line.quantity + (current.quantity if current else 0)
        quantity = min(wanted, stock, MAX_QUANTITY)
        if current is not None:
            if quantity >= 1:
                CartLine.objects.filter(pk=current.pk).update(quantity=quantity)
        elif quantity >= 1:
            CartLine.objects.create(cart=target, variant_id=line.variant_id, quantity=quantity)
    source.delete()
    return target
