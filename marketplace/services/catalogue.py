"""Product review and the catalogue's derived columns.

    draft ──submit──▶ pending_review ──publish──▶ published ──archive──▶ archived
      ▲                     └──reject──▶ rejected ──submit──▶ pending_review

Editing a published product (price, name, stock) keeps it published: review is for new
products. Each transition locks the row and writes a ProductEvent.
"""

from __future__ import annotations

from django.db.models import Min, Sum
from django.utils.translation import gettext as _

from accounts.models import User
from marketplace.exceptions import InvalidTransition
from marketplace.models import Product, ProductEvent, Variant
from marketplace.slugs import unique_slug
from marketplace.statemachine import StatusMachine, Transition

Status = Product.Status

PRODUCT_TRANSITIONS = {
    "submit": Transition(frozenset({Status.DRAFT, Status.REJECTED}), Status.PENDING_REVIEW),
    "publish": Transition(frozenset({Status.PENDING_REVIEW}), Status.PUBLISHED),
    "reject": Transition(frozenset({Status.PENDING_REVIEW}), Status.REJECTED, reason_required=True),
    "archive": Transition(
        frozenset({Status.DRAFT, Status.PUBLISHED, Status.REJECTED}), Status.ARCHIVED
    ),
}

MACHINE = StatusMachine(
    model=Product,
    transitions=PRODUCT_TRANSITIONS,
    event_model=ProductEvent,
    event_link="product",
    reason_field="review_reason",
    stamps={Status.PUBLISHED: "published_at"},
    refused=lambda status: (
        _("A product that is “%(status)s” cannot be changed this way.") % {"status": status}
    ),
)


def unique_product_slug(name: str) -> str:
    """A storefront slug for a new product, unique among products."""
    return unique_slug(Product, name, fallback="san-pham")


def _has_variants(product: Product) -> None:
    if not product.variants.exists():
        raise InvalidTransition(_("Add at least one variant with a price before review."))


def submit_product(*, product: Product, actor: User | None) -> Product:
    """draft/rejected → pending_review. Needs at least one variant."""
    return MACHINE.apply(product, "submit", actor=actor, check=_has_variants)[0]


def publish_product(*, product: Product, officer: User | None, reason: str = "") -> Product:
    """pending_review → published (an officer's decision)."""
    return MACHINE.apply(product, "publish", actor=officer, reason=reason)[0]


def reject_product(*, product: Product, officer: User | None, reason: str) -> Product:
    """pending_review → rejected, with the reason the enterprise sees."""
    return MACHINE.apply(product, "reject", actor=officer, reason=reason)[0]


def archive_product(*, product: Product, actor: User | None) -> Product:
    """Take a product off the storefront for good (its orders and trace records stay)."""
    return MACHINE.apply(product, "archive", actor=actor)[0]


def refresh_product_summary(*, product_id: int) -> None:
    """Recompute the lowest price and total stock of a product from its active variants."""
    summary = Variant.objects.filter(product_id=product_id, is_active=True).aggregate(
        min_price=Min("price_vnd"), stock=Sum("stock")
    )
    Product.objects.filter(pk=product_id).update(
        min_price_vnd=summary["min_price"] or 0, total_stock=summary["stock"] or 0
    )
