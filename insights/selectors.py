"""The figures of a period, read from the daily rollups (days before today) plus today's rows
computed live, so that today's numbers are current without anything being written.

`Figures(period)` is the province; `Figures(period, enterprise_ids=...)` narrows every figure to
those enterprises (an enterprise member's dashboard). Each method costs a fixed number of
queries whatever the number of orders (the tests pin them).
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet, Sum, Value
from django.db.models.expressions import Combinable, CombinedExpression
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.divisions import ward_name
from accounts.generations import generation, renew
from insights.models import (
    ALL_DAYS,
    MONTH_DAYS,
    SALES_MEASURES,
    CommuneDay,
    CommuneMonth,
    DailyVisits,
    EnterpriseDay,
    EnterpriseSoldDays,
    GroupDay,
    MethodDay,
    ProductDay,
    ProductSoldDays,
    ProvinceDay,
)
from insights.periods import Period
from insights.rollups import DayRollup, compute_day, day_bounds, month_masks
from insights.visits import pending_visits
from marketplace.models import Category, Enterprise, Product
from traceability.models import Certificate, SuspicionReport

# table name → (rollup model, attribute of DayRollup with today's rows)
TABLES: dict[str, tuple[Any, str]] = {
    "enterprises": (EnterpriseDay, "enterprises"),
    "products": (ProductDay, "products"),
    "communes": (CommuneDay, "communes"),
    "groups": (GroupDay, "groups"),
    "methods": (MethodDay, "methods"),
}
SCOPED_TABLES = {"enterprises", "products"}
# day table name → its table by month (read for the whole months of a period)
MONTHLY: dict[str, Any] = {"communes": CommuneMonth}
# day table name → its who-sold table (one row per month, the days as bits)
SOLD_DAYS: dict[str, Any] = {"enterprises": EnterpriseSoldDays, "products": ProductSoldDays}
EXPIRY_WARNING_DAYS = 90
CACHE_SECONDS = 6 * 3600
T = TypeVar("T")
ENTERPRISE_COUNTS = ("enterprises_registered", "enterprises_approved", "enterprises_taking_part")
# The catalogue counts (enterprises, products, OCOP certificates as they stand) are read from
# the tables themselves, a scan that grows with the catalogue: they are kept under a generation
# that saving or deleting any of those rows renews, for at most this long (what the other
# workers may lag with the per-process cache, and what an UPDATE that sends no signal may).
CATALOGUE_GENERATION = "insights:catalogue:generation"
CATALOGUE_SECONDS = 60


def forget_catalogue(**kwargs: Any) -> None:
    """Signal receiver: an enterprise, product or certificate was saved or deleted, or a
    product's certificates changed. The generation is renewed once the change is committed, so
    that a count made meanwhile from the rows as they were is kept under the old one."""
    transaction.on_commit(partial(renew, CATALOGUE_GENERATION))


def kept(prefix: str, identity: tuple[Any, ...], seconds: int, compute: Callable[[], T]) -> T:
    """`compute()`, kept in the cache for `seconds` under `prefix` and a digest of `identity`."""
    key = f"{prefix}:{hashlib.sha256(repr(identity).encode()).hexdigest()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return cast("T", value)


def kept_catalogue(identity: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """`compute()`, kept under the catalogue's generation for CATALOGUE_SECONDS."""
    prefix = f"insights:catalogue:{generation(CATALOGUE_GENERATION)}"
    return kept(prefix, identity, CATALOGUE_SECONDS, compute)


def approved_by(end: datetime.datetime) -> Q:
    """Approved before `end` (rows approved before the date was recorded have none)."""
    return Q(status=Enterprise.Status.APPROVED) & (
        Q(approved_at__lt=end) | Q(approved_at__isnull=True)
    )


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def zero_sales() -> dict[str, int]:
    return dict.fromkeys(SALES_MEASURES, 0)


@dataclass
class Figures:
    """The figures of `period`, for the whole province or for `enterprise_ids` only."""

    period: Period
    enterprise_ids: frozenset[int] | None = None
    today: datetime.date | None = None

    def __post_init__(self) -> None:
        self.today = self.today or timezone.localdate()
        self._live: DayRollup | None = None
        self._communes: list[dict[str, Any]] | None = None
        self._enterprise_counts: list[dict[str, Any]] | None = None
        self._catalogue: dict[str, int] | None = None
        self._version: str | None = None

    def version(self) -> str:
        """Changes whenever a day of the period is rebuilt (each rebuild writes its day's
        province row anew, stamped with the time): the stored part of a figure, which reads
        only the rollups of the period's days, is cached under it, so that rebuilding a day
        of one period leaves the periods it is compared with cached. The number of rows is
        in it too, so that a day's rows deleted without a rebuild change it as well."""
        if self._version is None:
            load_versions([self])
        assert self._version is not None
        return self._version

    def remember(self, name: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """The stored days' part of a figure, cached until the next rebuild (the rollups do not
        change in between), so that a dashboard opened again costs only today's live part."""
        identity = (name, self.period, self.today, self.scope, self.version())
        return kept("insights:figures", identity, CACHE_SECONDS, compute)

    @property
    def scope(self) -> list[int] | None:
        """The enterprises the figures are narrowed to, sorted (part of cache keys), or None."""
        return sorted(self.enterprise_ids) if self.enterprise_ids is not None else None

    @property
    def scoped(self) -> bool:
        return self.enterprise_ids is not None

    @property
    def includes_today(self) -> bool:
        assert self.today is not None
        return self.period.start <= self.today <= self.period.end

    def live(self) -> DayRollup | None:
        """Today's rows, computed once per Figures (None when the period ends before today)."""
        if not self.includes_today:
            return None
        if self._live is None:
            assert self.today is not None
            self._live = compute_day(self.today)
        return self._live

    def stored(self, model: Any) -> QuerySet[Any]:
        """The stored rows of the period's days before today."""
        assert self.today is not None
        last = min(self.period.end, self.today - datetime.timedelta(days=1))
        rows = model.objects.filter(day__gte=self.period.start, day__lte=last).order_by()
        if self.scoped and hasattr(model, "enterprise_id"):
            rows = rows.filter(enterprise_id__in=self.enterprise_ids)
        return rows

    def live_rows(self, attribute: str) -> list[Any]:
        rollup = self.live()
        rows = list(getattr(rollup, attribute)) if rollup else []
        if self.enterprise_ids is not None:
            rows = [row for row in rows if row.enterprise_id in self.enterprise_ids]
        return rows

    def table(self, name: str) -> str:
        """The table to read sales from: a province table, or per enterprise when scoped."""
        if self.scoped and name not in SCOPED_TABLES:
            return "products" if name == "groups" else "enterprises"
        return name

    def whole_months(self) -> tuple[datetime.date, datetime.date] | None:
        """The first day of the first whole month of the stored part of the period and the
        first day after its last whole month (whole months are contiguous), or None."""
        assert self.today is not None
        last = min(self.period.end, self.today - datetime.timedelta(days=1))
        months = [month for month, bits in month_masks(self.period.start, last) if bits == ALL_DAYS]
        if not months:
            return None
        return months[0], (months[-1] + datetime.timedelta(days=32)).replace(day=1)

    def stored_parts(self, table: str, keys: tuple[str, ...]) -> list[QuerySet[Any]]:
        """The stored rows of the period: the day rows, or for a table kept by month too, the
        month rows of its whole months and the day rows of the days at its edges."""
        rows = self.stored(TABLES[table][0])
        span = self.whole_months() if table in MONTHLY and "day" not in keys else None
        if span is None:
            return [rows]
        months = MONTHLY[table].objects.filter(day__gte=span[0], day__lt=span[1]).order_by()
        return [rows.exclude(day__gte=span[0], day__lt=span[1]), months]

    def sales(
        self, name: str, keys: Iterable[str] = (), extra: Iterable[str] = ()
    ) -> list[dict[str, Any]]:
        """Sales measures (and `extra` columns) summed by `keys` over the period; "month" is
        the first day of the month. Rows sorted by key."""
        table = self.table(name)
        attribute = TABLES[table][1]
        keys, measures = tuple(keys), (*SALES_MEASURES, *extra)
        parts = self.stored_parts(table, keys)
        if "month" in keys:
            parts = [rows.annotate(month=TruncMonth("day")) for rows in parts]
        sums = {measure: Sum(measure) for measure in measures}
        grouped = self.remember(
            ("sales", name, keys, measures),
            lambda: [
                row
                for rows in parts
                for row in (
                    list(rows.values(*keys).annotate(**sums)) if keys else [rows.aggregate(**sums)]
                )
            ],
        )
        merged: dict[tuple[Any, ...], dict[str, Any]] = {}

        def add(identity: tuple[Any, ...], value: Callable[[str], Any]) -> None:
            row = merged.setdefault(
                identity,
                {**dict(zip(keys, identity, strict=True)), **dict.fromkeys(measures, 0)},
            )
            for measure in measures:
                row[measure] = (row[measure] or 0) + (value(measure) or 0)

        for row in grouped:
            if keys or any(row.values()):
                add(tuple(row[key] for key in keys), row.get)
        for live in self.live_rows(attribute):
            identity = tuple(
                live.day.replace(day=1) if key == "month" else getattr(live, key) for key in keys
            )
            add(identity, partial(getattr, live))
        result = []
        for identity in sorted(merged, key=lambda key: tuple((v is None, v) for v in key)):
            row = merged[identity]
            result.append({**row, **{m: row[m] or 0 for m in measures}})
        return result

    def totals(self) -> dict[str, int]:
        rows = self.sales("methods", extra=("scans", "suspicious_scans") if self.scoped else ())
        return rows[0] if rows else {**zero_sales(), "scans": 0, "suspicious_scans": 0}

    def sold_days(self, name: str) -> QuerySet[Any]:
        """The who-sold rows (enterprise or product and year) with a sale on a stored day of
        the period: a whole month's column matches any bit, the months at the edges only the
        bits of their days in the period (a bitwise AND)."""
        assert self.today is not None
        last = min(self.period.end, self.today - datetime.timedelta(days=1))
        model = SOLD_DAYS[name]
        years: dict[int, Q] = defaultdict(Q)
        edges: dict[str, CombinedExpression] = {}
        for month, bits in month_masks(self.period.start, last):
            column = MONTH_DAYS[month.month - 1]
            if bits == ALL_DAYS:
                years[month.year] |= Q(**{f"{column}__gt": 0})
            else:
                edge = f"edge_{month:%Y_%m}"
                edges[edge] = CombinedExpression(F(column), Combinable.BITAND, Value(bits))
                years[month.year] |= Q(**{f"{edge}__gt": 0})
        if not years:
            return cast("QuerySet[Any]", model.objects.none())
        wanted = Q()
        for year, condition in years.items():
            wanted |= Q(year=year) & condition
        rows = model.objects.alias(**edges).filter(wanted).order_by()
        if self.scoped:
            rows = rows.filter(enterprise_id__in=self.enterprise_ids)
        return cast("QuerySet[Any]", rows)

    def sold(self, name: str, field: str) -> int:
        """How many distinct ids (enterprises or products) had an order not cancelled: counted
        by the database over the who-sold rows of the stored days, plus today's ids not seen
        before (two queries)."""
        _model, attribute = TABLES[name]
        stored = self.sold_days(name)
        # COUNT(*) over SELECT DISTINCT: a hash aggregate, far cheaper than COUNT(DISTINCT …)
        count = self.remember(("sold", name), lambda: stored.values(field).distinct().count())
        live = {getattr(row, field) for row in self.live_rows(attribute) if row.gross_vnd > 0}
        live.discard(None)
        if live:
            seen = stored.filter(**{f"{field}__in": live}).values_list(field, flat=True)
            count += len(live - set(seen.distinct()))
        return count

    def province(self) -> dict[str, int]:
        """Checkouts and scans (all labels, unknown serials included) and visits."""
        stored = self.remember(
            ("province",),
            lambda: self.stored(ProvinceDay).aggregate(
                checkouts=Sum("checkouts", default=0),
                scans=Sum("scans", default=0),
                suspicious_scans=Sum("suspicious_scans", default=0),
            ),
        )
        live = self.live()
        if live and live.province:
            for name in stored:
                stored[name] += getattr(live.province, name)
        stored["visits"] = self.visits()
        return stored

    def visits(self) -> int:
        views = self.stored(DailyVisits).aggregate(views=Sum("views", default=0))["views"]
        if self.includes_today:
            assert self.today is not None
            views += (
                DailyVisits.objects.filter(day=self.today).values_list("views", flat=True).first()
                or 0
            )
            views += pending_visits(self.today)
        return int(views)

    def enterprises(self) -> QuerySet[Enterprise]:
        rows = Enterprise.objects.order_by()
        return rows if not self.scoped else rows.filter(pk__in=self.enterprise_ids)

    def enterprise_aggregates(self) -> dict[str, Count]:
        """Enterprises registered and approved in the period and taking part at its end."""
        start, _ = day_bounds(self.period.start)
        _, end = day_bounds(self.period.end)
        return {
            "enterprises_registered": Count(
                "id", filter=Q(created_at__gte=start, created_at__lt=end)
            ),
            "enterprises_approved": Count(
                "id", filter=Q(approved_at__gte=start, approved_at__lt=end)
            ),
            "enterprises_taking_part": Count("id", filter=approved_by(end)),
        }

    def enterprise_counts(self, by: str) -> dict[Any, dict[str, int]]:
        """`enterprise_aggregates` by `by` ("ward_code" or "kind"), both added up from one
        query by commune and kind, read once per Figures and kept with the other catalogue
        counts (`kept_catalogue`), so that the breakdowns add up to the headline figures."""
        if self._enterprise_counts is None:
            self._enterprise_counts = kept_catalogue(
                ("enterprise-counts", self.scope, self.period, self.today),
                lambda: list(
                    self.enterprises()
                    .values("ward_code", "kind")
                    .annotate(**self.enterprise_aggregates())
                ),
            )
        totals: dict[Any, dict[str, int]] = {}
        for row in self._enterprise_counts:
            total = totals.setdefault(row[by], dict.fromkeys(ENTERPRISE_COUNTS, 0))
            for name in ENTERPRISE_COUNTS:
                total[name] += row[name]
        return totals

    def product_aggregates(self) -> dict[str, Count]:
        """Products listed and published, and OCOP products on sale, at the period's end."""
        _, end = day_bounds(self.period.end)
        published = Q(status=Product.Status.PUBLISHED, published_at__lt=end)
        return {
            "products_listed": Count(
                "id",
                filter=Q(created_at__lt=end)
                & ~Q(status__in=[Product.Status.ARCHIVED, Product.Status.REJECTED]),
            ),
            "products_published": Count("id", filter=published),
            "products_ocop": Count("id", filter=published & Q(ocop_badge_stars__isnull=False)),
        }

    def certificate_aggregates(self) -> dict[str, Count]:
        """OCOP certificates valid (checked by the Department) at the period's end, expiring
        within 90 days of it, and lapsed during it."""
        last = self.period.end
        valid = Q(
            verified_at__isnull=False,
            issued_on__lte=last,
            expires_on__gte=last,
            revoked_at__isnull=True,
        )
        return {
            "certificates_valid": Count("id", filter=valid),
            "certificates_expiring": Count(
                "id",
                filter=valid
                & Q(expires_on__lte=last + datetime.timedelta(days=EXPIRY_WARNING_DAYS)),
            ),
            "certificates_expired": Count(
                "id",
                filter=Q(
                    expires_on__gte=self.period.start - datetime.timedelta(days=1),
                    expires_on__lt=last,
                    revoked_at__isnull=True,
                ),
            ),
        }

    def report_aggregates(self) -> dict[str, Count]:
        """Shoppers' reports of suspected fakes made during the period."""
        start, _ = day_bounds(self.period.start)
        _, end = day_bounds(self.period.end)
        made = Q(created_at__gte=start, created_at__lt=end)
        return {"fake_reports": Count("id", filter=made)}

    def catalogue(self) -> dict[str, int]:
        """Enterprises, products and OCOP certificates: registered and approved in the period,
        and as they stand at its end (three queries, or none when they are kept or when
        `load_catalogues` read them with other periods')."""
        if self._catalogue is None:
            load_catalogues([self])
        assert self._catalogue is not None
        return dict(self._catalogue)

    def summary(self) -> dict[str, Any]:
        """Every headline figure of the period (see docs/insights.md for each definition)."""
        sales = self.totals()
        figures: dict[str, Any] = self.catalogue()
        figures["enterprises_active"] = self.sold("enterprises", "enterprise_id")
        figures["products_sold"] = self.sold("products", "product_id")
        figures.update({name: sales[name] for name in SALES_MEASURES})
        figures["revenue_vnd"] = sales["gross_vnd"]
        if self.scoped:
            figures["qr_scans"] = sales["scans"]
            figures["suspicious_scans"] = sales["suspicious_scans"]
        else:
            province = self.province()
            figures["checkouts"] = province["checkouts"]
            figures["qr_scans"] = province["scans"]
            figures["suspicious_scans"] = province["suspicious_scans"]
            figures["visits"] = province["visits"]
        figures["online_share"] = ratio(sales["orders_online"], sales["orders"])
        figures["cod_refusal_rate"] = ratio(
            sales["cod_orders_refused"], sales["cod_orders_delivered"] + sales["cod_orders_refused"]
        )
        return figures

    # --- breakdowns ---------------------------------------------------------------------

    def sales_by(self, key: str) -> dict[Any, dict[str, Any]]:
        """Sales by commune (`key="ward_code"`) or kind of business (`"kind"`), both added up
        from one query by commune and kind, read once per Figures."""
        if self._communes is None:
            self._communes = self.sales("communes", ("ward_code", "kind"))
        totals: dict[Any, dict[str, Any]] = {}
        for row in self._communes:
            total = totals.setdefault(row[key], {key: row[key], **zero_sales()})
            for measure in SALES_MEASURES:
                total[measure] += row[measure]
        return totals

    def by_commune(self) -> list[dict[str, Any]]:
        """Sales by the sellers' commune, with the enterprises taking part and those that sold."""
        rows = self.sales_by("ward_code")
        counts = self.enterprise_counts("ward_code")
        stored = self.sold_days("enterprises")
        active: dict[int, int] = defaultdict(int)
        active.update(
            self.remember(("active by commune",), lambda: self._active_by_commune(stored))
        )
        live = {
            (row.ward_code, row.enterprise_id)
            for row in self.live_rows("enterprises")
            if row.gross_vnd > 0
        }
        if live:
            seen = stored.filter(enterprise_id__in={pk for _ward, pk in live})
            for ward_code, _pk in live - set(seen.values_list("ward_code", "enterprise_id")):
                active[ward_code] += 1
        result = []
        for ward_code in sorted(set(rows) | set(counts)):
            row = rows.get(ward_code) or {"ward_code": ward_code, **zero_sales()}
            row["commune"] = ward_name(ward_code) or str(ward_code)
            row.update(counts.get(ward_code) or dict.fromkeys(ENTERPRISE_COUNTS, 0))
            row["enterprises_active"] = active[ward_code]
            result.append(row)
        return sorted(result, key=lambda row: (-row["gross_vnd"], row["commune"]))

    @staticmethod
    def _active_by_commune(stored: QuerySet[EnterpriseSoldDays]) -> dict[int, int]:
        active: dict[int, int] = defaultdict(int)
        for ward_code, _pk in stored.values_list("ward_code", "enterprise_id").distinct():
            active[ward_code] += 1
        return dict(active)

    def by_kind(self) -> list[dict[str, Any]]:
        rows = self.sales_by("kind")
        counts = self.enterprise_counts("kind")
        result = []
        for kind, label in Enterprise.Kind.choices:
            row = rows.get(kind) or {"kind": kind, **zero_sales()}
            row["label"] = str(label)
            row.update(counts.get(kind) or dict.fromkeys(ENTERPRISE_COUNTS, 0))
            result.append(row)
        return result

    def by_month(self) -> list[dict[str, Any]]:
        return self.sales("methods", ("month",))

    def by_day(self) -> list[dict[str, Any]]:
        return self.sales("methods", ("day",))

    def by_method(self) -> list[dict[str, Any]]:
        return self.sales("methods", ("payment_method",))

    def by_group(self) -> list[dict[str, Any]]:
        """Sales by OCOP product group and star level (0: no valid certificate)."""
        return self.sales("groups", ("ocop_group", "stars"))

    def ocop_products(self) -> list[dict[str, Any]]:
        """Published products with a valid OCOP badge, by product group and star level (as
        they stand now, whatever the period; see `kept_catalogue`)."""
        return kept_catalogue(("ocop-products", self.scope), self._count_ocop_products)

    def _count_ocop_products(self) -> list[dict[str, Any]]:
        groups = dict(Category.objects.filter(depth=1).values_list("path", "ocop_group"))
        products = Product.objects.filter(
            status=Product.Status.PUBLISHED, ocop_badge_stars__isnull=False
        ).order_by()
        if self.scoped:
            products = products.filter(enterprise_id__in=self.enterprise_ids)
        counts: dict[tuple[int, int], int] = {}
        for path, stars, count in products.values_list(
            "category__path", "ocop_badge_stars"
        ).annotate(count=Count("id")):
            key = (groups.get(path[: Category.steplen]) or 0, stars)
            counts[key] = counts.get(key, 0) + count
        return [
            {"ocop_group": group, "stars": stars, "products": count}
            for (group, stars), count in sorted(counts.items())
        ]

    def by_enterprise(
        self, *, ward_code: int | None = None, kind: str | None = None, limit: int = 500
    ) -> list[dict[str, Any]]:
        """The enterprises behind a number: their sales in the period, best first."""
        rows = self.sales("enterprises", ("enterprise_id",), extra=("scans", "suspicious_scans"))
        names = dict(
            self.enterprises()
            .filter(pk__in=[row["enterprise_id"] for row in rows])
            .values_list("pk", "name")
        )
        wanted = self.enterprises()
        if ward_code is not None:
            wanted = wanted.filter(ward_code=ward_code)
        if kind:
            wanted = wanted.filter(kind=kind)
        if ward_code is not None or kind:
            keep = set(wanted.filter(pk__in=names).values_list("pk", flat=True))
            rows = [row for row in rows if row["enterprise_id"] in keep]
        for row in rows:
            row["name"] = names.get(row["enterprise_id"], "")
        rows.sort(key=lambda row: (-row["gross_vnd"], row["name"]))
        return rows[:limit]

    def top_products(self, limit: int = 20) -> list[dict[str, Any]]:
        rows = [row for row in self.sales("products", ("product_id",)) if row["product_id"]]
        rows.sort(key=lambda row: -row["gross_vnd"])
        rows = rows[:limit]
        names = dict(
            Product.objects.filter(pk__in=[row["product_id"] for row in rows]).values_list(
                "pk", "name"
            )
        )
        for row in rows:
            row["name"] = names.get(row["product_id"], "")
        return rows


def load_catalogues(periods: Sequence[Figures]) -> None:
    """Read the catalogue counts of several periods of one scope (a period and those it is
    compared with) together: one query per table, each period's counts filtered apart by
    conditional aggregation, instead of one query per table and period; kept for a while
    (`kept_catalogue`), since counting scans the tables."""
    scope = periods[0].enterprise_ids
    assert all(each.enterprise_ids == scope for each in periods)
    identity = ("catalogue", periods[0].scope, [(each.period, each.today) for each in periods])
    counts = kept_catalogue(identity, partial(_count_catalogues, periods, scope))
    for each, figures in zip(periods, counts, strict=True):
        each._catalogue = figures


def _count_catalogues(
    periods: Sequence[Figures], scope: frozenset[int] | None
) -> list[dict[str, int]]:
    enterprises = Enterprise.objects.order_by()
    products = Product.objects.order_by()
    certificates = Certificate.objects.filter(kind=Certificate.Kind.OCOP).order_by()
    reports = SuspicionReport.objects.filter(kind=SuspicionReport.Kind.SHOPPER_REPORT).order_by()
    if scope is not None:
        enterprises = enterprises.filter(pk__in=scope)
        products = products.filter(enterprise_id__in=scope)
        certificates = certificates.filter(enterprise_id__in=scope)
        reports = reports.filter(enterprise_id__in=scope)
    counts: list[dict[str, int]] = [{} for _each in periods]
    for rows, aggregates in (
        (enterprises, Figures.enterprise_aggregates),
        (products, Figures.product_aggregates),
        (certificates, Figures.certificate_aggregates),
        (reports, Figures.report_aggregates),
    ):
        named = {
            f"p{index}_{name}": count
            for index, each in enumerate(periods)
            for name, count in aggregates(each).items()
        }
        for alias, value in rows.aggregate(**named).items():
            index, name = alias[1:].split("_", 1)
            counts[int(index)][name] = value
    return counts


def load_versions(periods: Sequence[Figures]) -> None:
    """Read the rollups' version (see `Figures.version`) of several periods in one query
    (those not read yet)."""
    periods = [each for each in periods if each._version is None]
    if not periods:
        return
    stamps: dict[str, Any] = {}
    for index, each in enumerate(periods):
        days = Q(day__gte=each.period.start, day__lte=each.period.end)
        stamps[f"latest{index}"] = Max("rebuilt_at", filter=days)
        stamps[f"days{index}"] = Count("id", filter=days)
    found = ProvinceDay.objects.aggregate(**stamps)
    for index, each in enumerate(periods):
        latest = found[f"latest{index}"]
        each._version = f"{latest.isoformat() if latest else '-'}/{found[f'days{index}']}"


def summaries(figures: Figures, *others: Figures) -> list[dict[str, Any]]:
    """The summaries of `figures` and of the periods it is compared with (same scope), their
    catalogue counts and their rollups' versions read together."""
    periods = [figures, *others]
    load_versions(periods)
    load_catalogues(periods)
    return [each.summary() for each in periods]
