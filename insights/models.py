"""Daily rollups of what the province counts, storefront visits, and the statistics API's tokens.

The rollup tables are derived data: `insights.rollups.rebuild_day` recomputes one local day
(Asia/Ho_Chi_Minh) from the source rows (sub-orders, order lines, scans) and replaces that day's
rows, so running it twice, or for any past day, gives the same rows. Visits are the exception:
they have no source rows, so `DailyVisits` is their record and no rebuild touches it.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The measures every sales rollup carries, by name: the selectors add them up generically.
SALES_MEASURES = (
    "orders",
    "orders_online",
    "orders_delivered",
    "orders_refused",
    "orders_cancelled",
    "cod_orders_delivered",
    "cod_orders_refused",
    "items",
    "gross_vnd",
    "gross_online_vnd",
    "delivered_vnd",
    "refused_vnd",
    "refunded_vnd",
    "cancelled_vnd",
)


class SalesMeasures(models.Model):
    """What one slice of one day sold. An order here is one enterprise's part of a checkout
    (a sub-order); money is the goods' value in đồng, shipping excluded."""

    day = models.DateField()
    orders = models.PositiveIntegerField(default=0)
    orders_online = models.PositiveIntegerField(default=0)
    orders_delivered = models.PositiveIntegerField(default=0)
    orders_refused = models.PositiveIntegerField(default=0)
    orders_cancelled = models.PositiveIntegerField(default=0)
    cod_orders_delivered = models.PositiveIntegerField(default=0)
    cod_orders_refused = models.PositiveIntegerField(default=0)
    items = models.PositiveIntegerField(default=0)
    gross_vnd = models.PositiveBigIntegerField(default=0)
    gross_online_vnd = models.PositiveBigIntegerField(default=0)
    delivered_vnd = models.PositiveBigIntegerField(default=0)
    refused_vnd = models.PositiveBigIntegerField(default=0)
    refunded_vnd = models.PositiveBigIntegerField(default=0)
    cancelled_vnd = models.PositiveBigIntegerField(default=0)

    class Meta:
        abstract = True


class EnterpriseDay(SalesMeasures):
    """One enterprise's sales and label scans on one day (rows only for days with either)."""

    enterprise = models.ForeignKey(
        "marketplace.Enterprise", on_delete=models.CASCADE, related_name="+"
    )
    ward_code = models.PositiveIntegerField()
    kind = models.CharField(max_length=16)
    scans = models.PositiveIntegerField(default=0)
    suspicious_scans = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("enterprise day")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["day", "enterprise"], name="insights_enterprise_day"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["enterprise", "day"], name="insights_enterprise_by_day"),
            models.Index(fields=["ward_code", "day"], name="insights_enterprise_ward_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.enterprise_id}"


class ProductDay(SalesMeasures):
    """One product's sales on one day, with its OCOP group and stars as they were rolled up."""

    product = models.ForeignKey(
        "marketplace.Product", null=True, on_delete=models.CASCADE, related_name="+"
    )
    enterprise = models.ForeignKey(
        "marketplace.Enterprise", on_delete=models.CASCADE, related_name="+"
    )
    ocop_group = models.PositiveSmallIntegerField(default=0)
    stars = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("product day")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["day", "product"], name="insights_product_day"),
            models.Index(fields=["enterprise", "day"], name="insights_product_ent_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.product_id}"


# The days of a month as bits of an integer: bit n - 1 is day n (31 bits fit in an int).
ALL_DAYS = (1 << 31) - 1
# SoldDays' column of each month (1-12)
MONTH_DAYS = tuple(f"days_{month:02}" for month in range(1, 13))


def month_days() -> models.PositiveIntegerField[int, int]:
    return models.PositiveIntegerField(default=0, db_default=0)


class SoldDays(models.Model):
    """Who sold: the days of one year with a sale not cancelled, one column per month
    (`days_03` is March) whose bit n - 1 is that month's day n. Derived from the day rows by
    `rebuild_day`, so that the distinct sellers or products of any period are counted over one
    row per year instead of one per day."""

    year = models.PositiveSmallIntegerField()
    enterprise = models.ForeignKey(
        "marketplace.Enterprise", on_delete=models.CASCADE, related_name="+"
    )
    days_01 = month_days()
    days_02 = month_days()
    days_03 = month_days()
    days_04 = month_days()
    days_05 = month_days()
    days_06 = month_days()
    days_07 = month_days()
    days_08 = month_days()
    days_09 = month_days()
    days_10 = month_days()
    days_11 = month_days()
    days_12 = month_days()

    class Meta:
        abstract = True


class EnterpriseSoldDays(SoldDays):
    """The days of a year on which an enterprise sold (from `EnterpriseDay`), with its commune
    as rolled up."""

    ward_code = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("enterprise sales days")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "ward_code"], name="insights_enterprise_sold_year"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["year"], name="insights_enterprise_sold_in"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.enterprise_id}"


class ProductSoldDays(SoldDays):
    """The days of a year on which a product sold (from `ProductDay`)."""

    product = models.ForeignKey("marketplace.Product", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("product sales days")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["product", "year", "enterprise"], name="insights_product_sold_year"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["year"], name="insights_product_sold_in"),
            models.Index(fields=["enterprise", "year"], name="insights_product_sold_by"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.product_id}"


class CommuneSales(SalesMeasures):
    """Sales by the sellers' commune and kind of business, unique per day (or month)."""

    ward_code = models.PositiveIntegerField()
    kind = models.CharField(max_length=16)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.ward_code} {self.kind}"


class CommuneDay(CommuneSales):
    """The province's sales on one day by the sellers' commune and kind of business: small
    enough for a 12-month dashboard to add up in milliseconds."""

    enterprises_active = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("commune day")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["day", "ward_code", "kind"], name="insights_commune_day"
            ),
        ]


class CommuneMonth(CommuneSales):
    """`CommuneDay` added up by month (`day` is the month's first day), kept by `rebuild_day`:
    the whole months of a period are read as one row per commune and kind instead of one per
    day (the days at its edges still come from `CommuneDay`)."""

    class Meta:
        verbose_name = _("commune month")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["day", "ward_code", "kind"], name="insights_commune_month"
            ),
        ]


class GroupDay(SalesMeasures):
    """The province's sales on one day by OCOP product group (1-6, 0 outside the groups) and
    star level (0 for products without a valid OCOP certificate)."""

    ocop_group = models.PositiveSmallIntegerField()
    stars = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("product group day")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["day", "ocop_group", "stars"], name="insights_group_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.ocop_group} {self.stars}"


class MethodDay(SalesMeasures):
    """The province's sales on one day by payment method."""

    payment_method = models.CharField(max_length=16)

    class Meta:
        verbose_name = _("payment method day")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["day", "payment_method"], name="insights_method_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.payment_method}"


class ProvinceDay(models.Model):
    """Province totals of one day that no slice adds up to: checkouts (an order with parts from
    two sellers is one checkout) and label scans, including those of unknown serials."""

    day = models.DateField(unique=True)
    checkouts = models.PositiveIntegerField(default=0)
    scans = models.PositiveIntegerField(default=0)
    suspicious_scans = models.PositiveIntegerField(default=0)
    rebuilt_at = models.DateTimeField()

    class Meta:
        verbose_name = _("province day")

    def __str__(self) -> str:
        return str(self.day)


class DailyVisits(models.Model):
    """Storefront page views of one local day (bots excluded). Counted in the cache by the
    middleware and added here by `flush_visits`; nothing about the visitor is kept."""

    day = models.DateField(unique=True)
    views = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("storefront visits")
        verbose_name_plural = _("storefront visits")

    def __str__(self) -> str:
        return f"{self.day}: {self.views}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A consuming system's key to the statistics API. Only the SHA-256 of the token is kept:
    the token itself is shown once, when it is issued."""

    name = models.CharField(_("system"), max_length=120)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("starts with"), max_length=8, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("statistics API token")
        verbose_name_plural = _("statistics API tokens")
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
