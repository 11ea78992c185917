"""Product review and the catalogue's derived columns.

    draft ──submit──▶ pending_review ──publish──▶ published ──archive──▶ archived
      ▲                     └──reject──▶ rejected ──submit──▶ pending_review

Editing a published product (price, name, stock) keeps it published: review is for new
products. Each transition locks the row and writes a ProductEvent.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Min, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from marketplace.exceptions import InvalidTransition
from marketplace.models import Product, ProductEvent, Variant
from marketplace.search.indexing import index_products
from marketplace.signals import catalogue_written
from marketplace.slugs import unique_slug
from marketplace.statemachine import StatusMachine, Transition
from traceability import services as trace_services
from traceability.models import Certificate

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


BADGE_BATCH_SIZE = 1000


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
    """pending_review → published (an officer's decision). The certificates the product shows
    were reviewed with it: those not yet checked count from now on."""
    with transaction.atomic():
        published = MACHINE.apply(product, "publish", actor=officer, reason=reason)[0]
        checked = Certificate.objects.filter(products=published, verified_at__isnull=True)
        if checked.update(verified_at=timezone.now()):
            refresh_ocop_badges(product_ids=[published.pk])
    return published


def reject_product(*, product: Product, officer: User | None, reason: str) -> Product:
    """pending_review → rejected, with the reason the enterprise sees."""
    return MACHINE.apply(product, "reject", actor=officer, reason=reason)[0]


def archive_product(*, product: Product, actor: User | None) -> Product:
    """Take a product off the storefront for good (its orders and trace records stay)."""
    return MACHINE.apply(product, "archive", actor=actor)[0]


def refresh_product_summary(*, product_id: int) -> None:
    """Recompute the lowest price, total stock and OCOP badge of one product."""
    refresh_product_summaries(product_ids=[product_id])


def refresh_product_summaries(*, product_ids: Iterable[int]) -> None:
    """Recompute the lowest price and total stock (from active variants) and the OCOP badge
    of the given products: two UPDATEs whatever their number."""
    ids = list(product_ids)
    active = (
        Variant.objects.filter(product=OuterRef("pk"), is_active=True).order_by().values("product")
    )
    Product.objects.filter(pk__in=ids).update(
        min_price_vnd=Coalesce(Subquery(active.annotate(low=Min("price_vnd")).values("low")), 0),
        total_stock=Coalesce(Subquery(active.annotate(units=Sum("stock")).values("units")), 0),
    )
    refresh_ocop_badges(product_ids=ids)
    # variants are part of what is searched; saving them does not touch the product's entry
    transaction.on_commit(lambda: index_products(ids))


def refresh_ocop_badges(
    *, product_ids: Iterable[int] | None = None, today: datetime.date | None = None
) -> int:
    """Recompute the OCOP badge columns (best valid star level, and until when) of the given
    products or of all of them; returns how many rows changed.

    Called whenever a product's certificates change, and daily for all products, so that a
    lower-rated certificate takes over the day a higher one expires and a certificate issued
    for a future day starts counting on that day. Between two runs the storefront still never
    shows an expired badge: it checks `ocop_badge_until` itself.

    Set-based and flat: one query for the valid certificate links, one pass over the products'
    badge columns, and batched updates of the rows that changed (a correlated subquery per
    product took minutes at 100,000 products).
    """
    day = today or timezone.localdate()
    links = Product.certificates.through.objects.filter(
        certificate__in=Certificate.objects.valid_on(day).filter(kind=Certificate.Kind.OCOP)
    )
    products = Product.objects.all()
    if product_ids is not None:
        ids = list(product_ids)
        links = links.filter(product_id__in=ids)
        products = products.filter(pk__in=ids)
    best: dict[int, tuple[int, datetime.date]] = {}
    for product_id, stars, until in links.values_list(
        "product_id", "certificate__star_level", "certificate__expires_on"
    ):
        if product_id not in best or (stars, until) > best[product_id]:
            best[product_id] = (stars, until)
    changed = []
    for product in products.only("pk", "ocop_badge_stars", "ocop_badge_until").iterator(
        chunk_size=5000
    ):
        stars, until = best.get(product.pk, (None, None))
        if (product.ocop_badge_stars, product.ocop_badge_until) != (stars, until):
            product.ocop_badge_stars, product.ocop_badge_until = stars, until
            changed.append(product)
    Product.objects.bulk_update(
        changed, ["ocop_badge_stars", "ocop_badge_until"], batch_size=BADGE_BATCH_SIZE
    )
    if changed:
        catalogue_written.send(sender=Product)
    return len(changed)


def verify_certificate(*, certificate: Certificate, officer: User | None) -> Certificate:
    """An officer's check of a certificate an enterprise entered or changed (traceability's
    service); the products it covers get the badge it gives, in one transaction."""
    with transaction.atomic():
        verified = trace_services.verify_certificate(certificate=certificate, officer=officer)
        covered = Product.objects.filter(certificates=verified).values_list("pk", flat=True)
        refresh_ocop_badges(product_ids=covered)
    return verified


def revoke_certificate(
    *, certificate: Certificate, officer: User | None, reason: str
) -> Certificate:
    """Revoke a certificate (traceability's service) and take its badges off the products it
    covered, in one transaction."""
    with transaction.atomic():
        revoked = trace_services.revoke_certificate(
            certificate=certificate, officer=officer, reason=reason
        )
        covered = Product.objects.filter(certificates=revoked).values_list("pk", flat=True)
        refresh_ocop_badges(product_ids=covered)
    return revoked
