"""Read paths of the storefront. Each returns rows with everything its page needs, so that a
page costs the same number of queries whatever the catalogue's size."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import IntegerField, Max, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from marketplace.models import Category, Enterprise, Product, Variant
from traceability.models import Certificate

SORTS = {
    "newest": ("-published_at", "-id"),
    "price_asc": ("min_price_vnd", "id"),
    "price_desc": ("-min_price_vnd", "-id"),
    "best_selling": ("-sold_count", "-id"),
}


@dataclass(frozen=True)
class CatalogueFilters:
    category: Category | None = None
    min_stars: int | None = None
    ward_code: int | None = None
    enterprise_kind: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool = False
    enterprise: Enterprise | None = None
    sort: str = "newest"


def ocop_stars_subquery(day: datetime.date) -> Subquery:
    """The highest star level among the product's OCOP certificates valid on `day`."""
    return Subquery(
        Certificate.objects.valid_on(day)
        .filter(kind=Certificate.Kind.OCOP, products=OuterRef("pk"))
        .values("products")
        .annotate(stars=Max("star_level"))
        .values("stars")[:1],
        output_field=IntegerField(),
    )


def storefront_products(filters: CatalogueFilters | None = None) -> QuerySet[Product]:
    """Published products of approved enterprises, filtered and sorted, each annotated with
    `ocop_stars` (None unless a valid OCOP certificate covers it). One query per page."""
    filters = filters or CatalogueFilters()
    today = timezone.localdate()
    products = (
        Product.objects.on_storefront()
        .select_related("enterprise", "main_image", "category")
        .annotate(ocop_stars=ocop_stars_subquery(today))
    )
    if filters.category is not None:
        products = products.filter(
            category__path__startswith=filters.category.path,
            category__depth__gte=filters.category.depth,
        )
    if filters.min_stars:
        products = products.filter(ocop_stars__gte=filters.min_stars)
    if filters.ward_code:
        products = products.filter(origin_ward_code=filters.ward_code)
    if filters.enterprise_kind:
        products = products.filter(enterprise__kind=filters.enterprise_kind)
    if filters.enterprise is not None:
        products = products.filter(enterprise=filters.enterprise)
    if filters.min_price is not None:
        products = products.filter(min_price_vnd__gte=filters.min_price)
    if filters.max_price is not None:
        products = products.filter(min_price_vnd__lte=filters.max_price)
    if filters.in_stock:
        products = products.filter(total_stock__gt=0)
    return products.order_by(*SORTS.get(filters.sort, SORTS["newest"]))


def storefront_product(*, slug: str) -> Product | None:
    """One storefront product with its variants, images and valid certificates (4 queries)."""
    today = timezone.localdate()
    return (
        storefront_products()
        .prefetch_related(
            Prefetch(
                "variants",
                queryset=Variant.objects.filter(is_active=True).order_by("sort_order", "id"),
            ),
            Prefetch(
                "images", queryset=Product.images.rel.related_model.objects.select_related("image")
            ),
            Prefetch(
                "certificates",
                queryset=Certificate.objects.valid_on(today).order_by("kind"),
                to_attr="valid_certificates",
            ),
        )
        .filter(slug=slug)
        .first()
    )


def category_tree() -> list[Category]:
    return list(Category.get_tree())
