"""Errors of the marketplace, each with a stable code for the API and logs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class MarketplaceError(Exception):
    code = "marketplace_error"
    default_message = _("The request could not be completed.")

    def __init__(self, message: str | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class InvalidTransition(MarketplaceError):
    """A status change that the state machine does not allow from the current state."""

    code = "invalid_transition"
    default_message = _("This change is not allowed in the current state.")


class NotAMember(MarketplaceError):
    code = "not_a_member"
    default_message = _("You do not belong to this enterprise.")


class ReasonRequired(MarketplaceError):
    code = "reason_required"
    default_message = _("Please give a reason.")


class InvitationUnusable(MarketplaceError):
    code = "invitation_unusable"
    default_message = _("This invitation link is no longer valid. Ask the owner for a new one.")


class ImportFileError(MarketplaceError):
    """A catalogue import file that cannot be read as a table, or whose header is wrong."""

    code = "import_file_invalid"
    default_message = _("This file cannot be imported.")


class CartEmpty(MarketplaceError):
    code = "cart_empty"
    default_message = _("Your cart is empty.")


class CartLineNotFound(MarketplaceError):
    """A cart line id that is not in this cart (removed already, or another shopper's)."""

    code = "cart_line_not_found"
    default_message = _("This line is not in your cart.")


class InvalidQuantity(MarketplaceError):
    code = "invalid_quantity"
    default_message = _("Choose a quantity of at least 1.")


class ProductUnavailable(MarketplaceError):
    """A product in the cart was unpublished, its pack taken off sale, or its seller suspended."""

    code = "product_unavailable"
    default_message = _("This product is no longer on sale.")


class OutOfStock(MarketplaceError):
    """Fewer units are left than the shopper asked for (nothing was reserved)."""

    code = "out_of_stock"
    default_message = _("Not enough left in stock.")


class CheckoutInvalid(MarketplaceError):
    """Contact or address details that cannot be used; `fields` maps a field to its message."""

    code = "checkout_invalid"
    default_message = _("Please correct the highlighted details.")

    def __init__(self, message: str | None = None, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


class CodNotAllowed(MarketplaceError):
    """Too many cash-on-delivery parcels were refused at the door for this phone number."""

    code = "cod_not_allowed"
    default_message = _(
        "Cash on delivery is not available for this phone number because earlier parcels were "
        "refused at the door. Please pay online."
    )


class OrderNotFound(MarketplaceError):
    code = "order_not_found"
    default_message = _("No order matches this code and phone number.")


class TooManyLookups(MarketplaceError):
    code = "too_many_lookups"
    default_message = _("Too many tries with a wrong code or phone. Please try again later.")
