"""Read paths of the storefront. Each returns rows with everything its page needs, so that a
page costs the same number of queries whatever the catalogue's size."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import (
    Case,
    F,
    IntegerField,
    Prefetch,
    QuerySet,
    When,
    prefetch_related_objects,
)
from django.utils import timezone
from wagtail.images import get_image_model

from accounts.generations import generation, renew
from marketplace.models import Category, Enterprise, Product, ProductImage, Variant
from traceability.links import batch_trace_url
from traceability.models import Certificate
from traceability.selectors import published_batches_by_variant

# Rendition specs used by the storefront's templates and the API; prefetched with the rows so
# that images never cost a query each.
CARD_IMAGE = "fill-400x400"
GALLERY_IMAGE = "fill-600x600"
RELATED_PRODUCTS = 4
RECENT_LOTS = 3

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


def filters_key(filters: CatalogueFilters, *, with_order: bool = True) -> str:
    """The filters as text (models by their ids) with the day, since OCOP badges expire: the
    part of a cache key that says which products a set of filters lists (and in which order,
    unless `with_order` is False: a count is the same in every order)."""
    chosen = [
        (field.name, getattr(value, "pk", value))
        for field in dataclasses.fields(filters)
        if (value := getattr(filters, field.name)) is not None
        and (with_order or field.name != "sort")
    ]
    return repr((chosen, timezone.localdate().isoformat()))


def ocop_stars_today(day: datetime.date) -> Case:
    """The product's OCOP stars while its badge is still valid on `day`, else None: read from
    the badge columns kept by services.refresh_ocop_badges, without a subquery."""
    return Case(
        When(ocop_badge_until__gte=day, then=F("ocop_badge_stars")),
        default=None,
        output_field=IntegerField(),
    )


def _renditions(path: str, *specs: str) -> Prefetch:
    """Prefetch the renditions of the image at `path` for `specs` (one query for the page)."""
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec__in=specs)
    return Prefetch(f"{path}__renditions", queryset=renditions, to_attr="prefetched_renditions")


def _on_storefront() -> QuerySet[Product]:
    return (
        Product.objects.on_storefront()
        .select_related("enterprise", "main_image", "category")
        .annotate(ocop_stars=ocop_stars_today(timezone.localdate()))
    )


def _card_fields() -> tuple[str, ...]:
    """The columns a product card shows and its grid's cache key reads
    (`page_cache._card_row`): the product's own, its enterprise's name, and every column of
    its main image (a rendition made anew needs the file and the focal point)."""
    image_fields = (field.name for field in get_image_model()._meta.concrete_fields)
    return (
        "slug",
        "name",
        "min_price_vnd",
        "total_stock",
        "enterprise__name",
        *(f"main_image__{name}" for name in image_fields),
    )


def storefront_products(
    filters: CatalogueFilters | None = None, *, cards: bool = False
) -> QuerySet[Product]:
    """Published products of approved enterprises, filtered and sorted, each annotated with
    `ocop_stars` (None unless a valid OCOP certificate covers it). One query per page, plus
    one for the card images' renditions when any product has an image.

    With `cards`, for pages that only show the products as cards in a cached grid: the rows
    hold only what a card shows (about 25 columns of three tables instead of 60 of four, which
    Django compiles in half the time and PostgreSQL sends in a fraction of the bytes), and the
    renditions are read only when a grid is rendered anew (`page_cache.product_grid`)."""
    filters = filters or CatalogueFilters()
    products = _on_storefront()
    if cards:
        products = products.select_related(None).select_related("enterprise", "main_image")
        products = products.only(*_card_fields())
    else:
        products = products.prefetch_related(_renditions("main_image", CARD_IMAGE))
    if filters.category is not None:
        # By the ids of the category and its descendants, not by a join on the tree's path:
        # with the join PostgreSQL cannot tell how few products a small category holds, and
        # may walk the whole catalogue in price order looking for them (71 ms at 100,000
        # products for a category with none to show, 3.5 ms by ids). A leaf is its own id;
        # a category with children costs one small query for theirs.
        within = [filters.category.pk]
        if filters.category.numchild:
            within = list(Category.get_tree(filters.category).values_list("id", flat=True))
        products = products.filter(category_id__in=within)
    if filters.min_stars:
        products = products.filter(
            ocop_badge_stars__gte=filters.min_stars,
            ocop_badge_until__gte=timezone.localdate(),
        )
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
    """One storefront product with its enterprise, category, main image and active variants:
    two queries. `complete_product` reads the rest of its page."""
    product = _on_storefront().filter(slug=slug).first()
    if product is not None:
        prefetch_related_objects(
            [product],
            Prefetch(
                "variants",
                queryset=Variant.objects.filter(is_active=True).order_by("sort_order", "id"),
            ),
        )
    return product


def complete_product(product: Product) -> None:
    """Read what the product page shows beyond `storefront_product`: the gallery (with
    renditions) and valid certificates, three queries plus one per kind of image present."""
    prefetch_related_objects(
        [product],
        _renditions("main_image", CARD_IMAGE, GALLERY_IMAGE),
        Prefetch("images", queryset=ProductImage.objects.select_related("image")),
        _renditions("images__image", GALLERY_IMAGE),
        Prefetch(
            "certificates",
            queryset=Certificate.objects.valid_on(timezone.localdate()).order_by("kind"),
            to_attr="valid_certificates",
        ),
    )


def related_products(product: Product) -> list[Product]:
    """A few other storefront products of the same category, best-selling first, as cards
    (one query; their images' renditions are read when their grid is rendered)."""
    return list(
        storefront_products(
            CatalogueFilters(category=product.category, sort="best_selling"), cards=True
        ).exclude(pk=product.pk)[:RELATED_PRODUCTS]
    )


def category_tree() -> list[Category]:
    """Every category in tree order (for the search's facets), kept in the cache until a
    category is saved or deleted (at once in this worker, within CATEGORIES_SECONDS in the
    others with the per-process cache)."""
    key = f"marketplace:category-tree:{categories_generation()}"
    tree: list[Category] | None = cache.get(key)
    if tree is None:
        tree = list(Category.get_tree())
        cache.set(key, tree, CATEGORIES_SECONDS)
    return tree


CATEGORIES_SECONDS = 300
CATEGORIES_GENERATION = "marketplace:categories:generation"


def categories_generation() -> str:
    """A token renewed whenever a category is saved or deleted (`forget_categories`): part of
    the key of whatever shows the category tree."""
    return generation(CATEGORIES_GENERATION)


def forget_categories(**kwargs: Any) -> None:
    """Signal receiver: a category was saved or deleted."""
    renew(CATEGORIES_GENERATION)


@dataclass(frozen=True)
class Lot:
    """A published lot of one of the product's packs, with the address its labels point to."""

    code: str
    variant_name: str
    production_date: datetime.date
    trace_url: str


def recent_lots(product: Product, *, limit: int = RECENT_LOTS) -> list[Lot]:
    """The product's newest published lots, for "where it comes from" on its page (one query;
    the variants are the page's prefetched ones)."""
    variants = {variant.pk: variant for variant in product.variants.all()}
    batches = published_batches_by_variant(list(variants))
    lots = [batch for variant_batches in batches.values() for batch in variant_batches]
    lots.sort(key=lambda batch: (batch.production_date, batch.pk), reverse=True)
    return [
        Lot(
            batch.lot,
            variants[batch.variant_id].name,
            batch.production_date,
            batch_trace_url(batch),
        )
        for batch in lots[:limit]
    ]
