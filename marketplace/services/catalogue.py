"""Product review and the catalogue's derived columns.

    draft ──submit──▶ pending_review ──publish──▶ published ──archive──▶ archived
      ▲                     └──reject──▶ rejected ──submit──▶ pending_review

Editing a published product (price, name, stock) keeps it published: review is for new
products. Each transition locks the row and writes a ProductEvent.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from marketplace.exceptions import InvalidTransition, ReasonRequired
from marketplace.models import Product, ProductEvent, Variant

Status = Product.Status

PRODUCT_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({Status.DRAFT, Status.REJECTED}), Status.PENDING_REVIEW),
    "publish": (frozenset({Status.PENDING_REVIEW}), Status.PUBLISHED),
    "reject": (frozenset({Status.PENDING_REVIEW}), Status.REJECTED),
    "archive": (frozenset({Status.DRAFT, Status.PUBLISHED, Status.REJECTED}), Status.ARCHIVED),
}


def _transition(*, product: Product, action: str, actor: User | None, reason: str = "") -> Product:
    allowed_from, target = PRODUCT_TRANSITIONS[action]
    reason = (reason or "").strip()
    if action == "reject" and not reason:
        raise ReasonRequired
    with transaction.atomic():
        locked = Product.objects.select_for_update().get(pk=product.pk)
        if locked.status not in allowed_from:
            raise InvalidTransition(
                _("A product that is “%(status)s” cannot be changed this way.")
                % {"status": locked.get_status_display()}
            )
        if action == "submit" and not locked.variants.exists():
            raise InvalidTransition(_("Add at least one variant with a price before review."))
        previous = locked.status
        locked.status = target
        locked.review_reason = reason
        fields = ["status", "review_reason", "updated_at"]
        if target == Status.PUBLISHED and locked.published_at is None:
            locked.published_at = timezone.now()
            fields.append("published_at")
        locked.save(update_fields=fields)
        ProductEvent.objects.create(
            product=locked, from_status=previous, to_status=target, reason=reason, actor=actor
        )
    return locked


def submit_product(*, product: Product, actor: User | None) -> Product:
    """draft/rejected → pending_review. Needs at least one variant."""
    return _transition(product=product, action="submit", actor=actor)


def publish_product(*, product: Product, officer: User | None, reason: str = "") -> Product:
    """pending_review → published (an officer's decision)."""
    return _transition(product=product, action="publish", actor=officer, reason=reason)


def reject_product(*, product: Product, officer: User | None, reason: str) -> Product:
    """pending_review → rejected, with the reason the enterprise sees."""
    return _transition(product=product, action="reject", actor=officer, reason=reason)


def archive_product(*, product: Product, actor: User | None) -> Product:
    """Take a product off the storefront for good (its orders and trace records stay)."""
    return _transition(product=product, action="archive", actor=actor)


def refresh_product_summary(*, product_id: int) -> None:
    """Recompute the lowest price and total stock of a product from its active variants."""
    summary = Variant.objects.filter(product_id=product_id, is_active=True).aggregate(
        min_price=Min("price_vnd"), stock=Sum("stock")
    )
    Product.objects.filter(pk=product_id).update(
        min_price_vnd=summary["min_price"] or 0, total_stock=summary["stock"] or 0
    )
