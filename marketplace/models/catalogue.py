"""The catalogue: categories (a tree), products with variants (SKUs) and images."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumValidationError
from treebeard.mp_tree import MP_Node
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from accounts.divisions import validate_ward_code, ward_name
from marketplace.models.enterprises import Enterprise
from marketplace.models.events import StatusEvent
from marketplace.search.text import both_spellings, fold, normalize


def validate_gtin(value: str) -> None:
    """A GTIN-8, -12, -13 or -14 with a correct check digit."""
    try:
        number = ean.validate(value)
    except StdnumValidationError as error:
        raise ValidationError(
            _("This GTIN (barcode number) is not valid: check its length and last digit."),
            code="invalid_gtin",
        ) from error
    if len(number) not in (8, 12, 13, 14):
        raise ValidationError(_("A GTIN has 8, 12, 13 or 14 digits."), code="invalid_gtin")


class Category(MP_Node):
    """A node of the category tree. Top-level nodes are the six OCOP product groups."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    ocop_group = models.PositiveSmallIntegerField(
        _("OCOP product group"), null=True, blank=True, help_text=_("1 to 6, under Decision 148.")
    )
    description = models.TextField(_("description"), blank=True)

    node_order_by: ClassVar[list[str]] = ["name"]

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


@lru_cache(maxsize=1024)
def category_trail(path: str) -> str:
    """The names of a category and its parents, for the search index (cached: one query per
    category while indexing many products; a renamed category shows after a restart)."""
    step = Category.steplen
    paths = [path[:end] for end in range(step, len(path) + 1, step)]
    return " ".join(
        Category.objects.filter(path__in=paths).order_by("depth").values_list("name", flat=True)
    )


class ProductQuerySet(SearchableQuerySetMixin, models.QuerySet["Product"]):
    def on_storefront(self) -> ProductQuerySet:
        """Published products of approved enterprises: what shoppers may see and buy."""
        return self.filter(
            status=Product.Status.PUBLISHED, enterprise__status=Enterprise.Status.APPROVED
        )


class Product(index.Indexed, ClusterableModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING_REVIEW = "pending_review", _("Waiting for review")
        PUBLISHED = "published", pgettext_lazy("product status", "Published")
        REJECTED = "rejected", _("Rejected")
        ARCHIVED = "archived", _("Archived")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="products"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("name"), max_length=200)
    # The name in both spellings (canonical and folded), kept by save() and by the search
    # index's upkeep (marketplace/search/indexing.py), for the name-first ranking on PostgreSQL.
    search_text = models.TextField(editable=False, blank=True, default="")
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    description = RichTextField(
        _("description"), blank=True, features=["h3", "bold", "italic", "ol", "ul", "link"]
    )
    origin_ward_code = models.PositiveIntegerField(
        _("origin ward or commune"), validators=[validate_ward_code]
    )
    main_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("main image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    certificates = models.ManyToManyField(
        "traceability.Certificate",
        verbose_name=_("certificates"),
        blank=True,
        related_name="products",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    review_reason = models.TextField(_("reason of the last review"), blank=True)
    # Kept by the catalogue services so that filters and sorts use plain indexed columns.
    min_price_vnd = models.PositiveBigIntegerField(_("lowest price (đồng)"), default=0)
    total_stock = models.PositiveIntegerField(_("stock"), default=0)
    sold_count = models.PositiveIntegerField(_("units sold"), default=0)
    # The best star level among the OCOP certificates valid when last refreshed, and the day
    # that certificate expires: the storefront shows and filters the badge only while
    # `ocop_badge_until` is not past, so an expired badge disappears without any job running.
    ocop_badge_stars = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    ocop_badge_until = models.DateField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    # What the default search engine indexes: each text twice, in its canonical spelling (so
    # that a query typed with the right diacritics ranks first) and folded (so that one typed
    # without them, or with the tone on another vowel, still matches). See marketplace/search.
    search_fields: ClassVar[list[index.BaseField]] = [
        index.SearchField("search_name", boost=8),
        index.SearchField("search_name_folded", boost=5),
        index.AutocompleteField("search_name_folded"),
        index.SearchField("search_variants", boost=3),
        index.SearchField("search_context", boost=2),
        index.SearchField("search_description", boost=1),
        index.FilterField("status"),
        index.FilterField("enterprise"),
    ]

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering: ClassVar[list[str]] = ["-published_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            # The storefront's orders over all categories, for published products only. Not
            # led by the status: PostgreSQL costs the rows an index scan fetches by how its
            # first column follows the table's order, and a status (four values, mostly in
            # order) made these look far cheaper to walk than a category's own index; a big
            # category sorted by price then walked the whole catalogue in price order for its
            # 24 products (45 ms at 100,000 products; docs/decisions.md, "Category pages").
            models.Index(
                fields=["-published_at", "-id"],
                name="product_newest",
                condition=models.Q(status="published"),
            ),
            models.Index(
                fields=["min_price_vnd", "id"],
                name="product_price",
                condition=models.Q(status="published"),
            ),
            models.Index(
                fields=["-sold_count", "-id"],
                name="product_best_selling",
                condition=models.Q(status="published"),
            ),
            # A category's page in each of its orders: the rows come in the page's order and
            # the other filters are checked on the way, instead of every product of the
            # category being read and sorted (see docs/decisions.md, "Category pages").
            models.Index(
                fields=["category", "status", "-published_at", "-id"], name="product_category"
            ),
            models.Index(
                fields=["category", "status", "min_price_vnd", "id"], name="product_category_price"
            ),
            models.Index(
                fields=["category", "status", "-sold_count", "-id"],
                name="product_category_selling",
            ),
            models.Index(fields=["enterprise", "status"], name="product_enterprise"),
            models.Index(fields=["origin_ward_code", "status"], name="product_origin"),
            models.Index(
                fields=["status", "ocop_badge_stars", "ocop_badge_until"], name="product_ocop"
            ),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["draft", "pending_review", "published", "rejected", "archived"]
                ),
                name="product_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def origin_ward_name(self) -> str:
        return ward_name(self.origin_ward_code)

    origin_ward_name.fget.short_description = _("origin ward or commune")  # type: ignore[attr-defined]

    @classmethod
    def get_indexed_objects(cls) -> models.QuerySet[Product]:
        return cls.objects.select_related("enterprise", "category").prefetch_related("variants")

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = both_spellings(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def search_name(self) -> str:
        return normalize(self.name)

    def search_name_folded(self) -> str:
        return fold(self.name)

    def search_variants(self) -> str:
        return both_spellings(
            " ".join(
                f"{variant.name} {variant.sku} {variant.gtin}" for variant in self.variants.all()
            )
        )

    def search_context(self) -> str:
        """The category (with its parents), the enterprise and the commune of origin."""
        return both_spellings(
            f"{category_trail(self.category.path)} {self.enterprise.name} {self.origin_ward_name}"
        )

    def search_description(self) -> str:
        return both_spellings(strip_tags(self.description))


class Variant(Orderable):
    """A sellable unit of a product ("Hộp 200g"), with its own price, stock and barcode."""

    product = ParentalKey(Product, on_delete=models.CASCADE, related_name="variants")
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", editable=False
    )
    name = models.CharField(_("name"), max_length=120)
    sku = models.CharField(_("SKU"), max_length=64)
    price_vnd = models.PositiveBigIntegerField(_("price (đồng)"))
    stock = models.PositiveIntegerField(_("stock"), default=0)
    weight_g = models.PositiveIntegerField(_("weight (grams)"), default=0)
    gtin = models.CharField(
        _("GTIN (barcode)"), max_length=14, blank=True, validators=[validate_gtin]
    )
    is_active = models.BooleanField(_("on sale"), default=True)

    class Meta(Orderable.Meta):
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["enterprise", "sku"],
                name="variant_sku_unique_per_enterprise",
                violation_error_message=_("This SKU is already used by another of your products."),
            ),
            models.UniqueConstraint(
                fields=["gtin"],
                condition=~models.Q(gtin=""),
                name="variant_gtin_unique",
                violation_error_message=_("This GTIN is already used by another product."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} – {self.name}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.product_id and not self.enterprise_id:
            self.enterprise_id = self.product.enterprise_id
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ProductImage(Orderable):
    product = ParentalKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.CASCADE, related_name="+"
    )
    alt_text = models.CharField(_("description for screen readers"), max_length=200, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("product image")
        verbose_name_plural = _("product images")


class ProductEvent(StatusEvent):
    """One row per review status change of a product."""

    subject_field = "product"
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = _("product event")
