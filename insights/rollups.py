"""Daily rollups: one local day's figures computed from the source rows, and stored.

`compute_day` reads a day's sub-orders, order lines, scans and checkouts in five queries and
returns unsaved rows; `rebuild_day` replaces the stored rows of that day with them in one
transaction (idempotent, for any day); the selectors use `compute_day(today)` directly so
that today's figures are current without writing anything.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from insights.models import (
    SALES_MEASURES,
    CommuneDay,
    EnterpriseDay,
    GroupDay,
    MethodDay,
    ProductDay,
    ProvinceDay,
)
from marketplace.models import Category, Order, OrderLine, PaymentMethod, SubOrder
from traceability.models import ScanEvent

DELIVERED = [SubOrder.Status.DELIVERED, SubOrder.Status.COMPLETED]
REFUSED = [SubOrder.Status.DELIVERY_FAILED, SubOrder.Status.RETURNED]
ROLLUP_MODELS = (EnterpriseDay, ProductDay, CommuneDay, GroupDay, MethodDay, ProvinceDay)


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of the local day and of the next one (aware, Asia/Ho_Chi_Minh)."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    following = datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, following


def sales_aggregates(prefix: str, money: str, count: str) -> dict[str, Any]:
    """The annotations of SALES_MEASURES (less `items`) over sub-orders (`prefix=""`) or order
    lines (`prefix="sub_order__"`), `money` being the field summed and `count` the sub-order."""
    status = f"{prefix}status"
    cancelled = Q(**{status: SubOrder.Status.CANCELLED})
    delivered = Q(**{f"{status}__in": DELIVERED})
    refused = Q(**{f"{status}__in": REFUSED})
    cod = Q(**{f"{prefix}order__payment_method": PaymentMethod.COD})
    refunded = Q(**{f"{prefix}order__payment_status": Order.PaymentStatus.REFUNDED}) | (
        cancelled
        & Q(**{f"{prefix}payment_settled_at__isnull": False})
        & Q(**{f"{prefix}order__payment_status": Order.PaymentStatus.PAID})
    )

    def orders(condition: Q | None = None) -> Count:
        return Count(count, distinct=True, filter=condition)

    def amount(condition: Q) -> Sum:
        return Sum(money, filter=condition, default=0)

    return {
        "orders": orders(),
        "orders_online": orders(~cod),
        "orders_delivered": orders(delivered),
        "orders_refused": orders(refused),
        "orders_cancelled": orders(cancelled),
        "cod_orders_delivered": orders(cod & delivered),
        "cod_orders_refused": orders(cod & refused),
        "gross_vnd": amount(~cancelled),
        "gross_online_vnd": amount(~cancelled & ~cod),
        "delivered_vnd": amount(delivered),
        "refused_vnd": amount(refused),
        "refunded_vnd": amount(refunded),
        "cancelled_vnd": amount(cancelled),
    }


def measures_of(row: dict[str, Any]) -> dict[str, int]:
    return {name: row.get(name) or 0 for name in SALES_MEASURES}


@dataclass
class DayRollup:
    """The rows of one day, unsaved."""

    day: datetime.date
    enterprises: list[EnterpriseDay] = field(default_factory=list)
    products: list[ProductDay] = field(default_factory=list)
    communes: list[CommuneDay] = field(default_factory=list)
    groups: list[GroupDay] = field(default_factory=list)
    methods: list[MethodDay] = field(default_factory=list)
    province: ProvinceDay | None = None


def _group_of_path() -> dict[str, int]:
    """Top-level category path → its OCOP product group (0 when it has none)."""
    return {
        path: group or 0
        for path, group in Category.objects.filter(depth=1).values_list("path", "ocop_group")
    }


class DaySource:
    """The source rows of one local day, grouped by the database: each method is one query
    whose rows map one to one onto rollup rows, so that Python only builds them."""

    def __init__(self, day: datetime.date) -> None:
        self.day = day
        self.start, self.following = day_bounds(day)

    def parts(self, *keys: str) -> list[dict[str, Any]]:
        """Sub-orders placed on the day, grouped by `keys`."""
        rows = SubOrder.objects.filter(created_at__gte=self.start, created_at__lt=self.following)
        return list(
            rows.order_by().values(*keys).annotate(**sales_aggregates("", "items_vnd", "id"))
        )

    def lines(self, *keys: str) -> list[dict[str, Any]]:
        """Order lines of the sub-orders placed on the day, grouped by `keys`."""
        rows = OrderLine.objects.filter(
            sub_order__created_at__gte=self.start, sub_order__created_at__lt=self.following
        )
        return list(
            rows.order_by()
            .values(*keys)
            .annotate(
                items=Sum("quantity", filter=~Q(sub_order__status="cancelled"), default=0),
                **sales_aggregates("sub_order__", "line_total_vnd", "sub_order_id"),
            )
        )

    def units(self, key: str) -> dict[Any, int]:
        """Units sold (parts not cancelled) by `key`, from the order lines."""
        rows = OrderLine.objects.filter(
            sub_order__created_at__gte=self.start,
            sub_order__created_at__lt=self.following,
            sub_order__status__in=[s for s in SubOrder.Status.values if s != "cancelled"],
        )
        return dict(rows.order_by().values_list(key).annotate(units=Sum("quantity")))

    def scans(self) -> list[dict[str, Any]]:
        rows = ScanEvent.objects.filter(scanned_at__gte=self.start, scanned_at__lt=self.following)
        return list(
            rows.order_by()
            .values(
                "batch__enterprise_id", "batch__enterprise__ward_code", "batch__enterprise__kind"
            )
            .annotate(
                scans=Count("id"),
                suspicious=Count(
                    "id",
                    filter=Q(outcome=ScanEvent.Outcome.UNKNOWN_SERIAL)
                    | Q(serial__is_suspicious=True),
                ),
            )
        )

    def checkouts(self) -> int:
        return Order.objects.filter(
            created_at__gte=self.start, created_at__lt=self.following
        ).count()


def compute_day(day: datetime.date) -> DayRollup:
    """The figures of the local `day`, computed from the source rows (no writes).

    Nine small queries whatever the volume (sub-orders by enterprise, commune and payment
    method; lines by product and by group; units by payment method; scans; checkouts;
    categories), each grouped by the database, so that Python only builds the rows."""
    source = DaySource(day)
    rollup = DayRollup(day=day)
    product = "variant__product__"
    group_of = _group_of_path()
    rollup.products = [
        ProductDay(
            day=day,
            enterprise_id=row["sub_order__enterprise_id"],
            product_id=row[f"{product}id"],
            ocop_group=group_of.get((row[f"{product}category__path"] or "")[: Category.steplen], 0),
            stars=row[f"{product}ocop_badge_stars"] or 0,
            **measures_of(row),
        )
        for row in source.lines(
            "sub_order__enterprise_id",
            f"{product}id",
            f"{product}category__path",
            f"{product}ocop_badge_stars",
        )
    ]
    enterprise_units: dict[int, int] = defaultdict(int)
    for product_row in rollup.products:
        enterprise_units[product_row.enterprise_id] += product_row.items
    enterprises: dict[int, EnterpriseDay] = {}
    for row in source.parts("enterprise_id", "enterprise__ward_code", "enterprise__kind"):
        enterprises[row["enterprise_id"]] = EnterpriseDay(
            day=day,
            enterprise_id=row["enterprise_id"],
            ward_code=row["enterprise__ward_code"],
            kind=row["enterprise__kind"],
            **{**measures_of(row), "items": enterprise_units.get(row["enterprise_id"], 0)},
        )
    province = ProvinceDay(day=day, checkouts=source.checkouts(), rebuilt_at=timezone.now())
    for row in source.scans():
        province.scans += row["scans"]
        province.suspicious_scans += row["suspicious"]
        pk = row["batch__enterprise_id"]
        if pk is None:
            continue
        if pk not in enterprises:
            enterprises[pk] = EnterpriseDay(
                day=day,
                enterprise_id=pk,
                ward_code=row["batch__enterprise__ward_code"],
                kind=row["batch__enterprise__kind"],
            )
        enterprises[pk].scans = row["scans"]
        enterprises[pk].suspicious_scans = row["suspicious"]
    rollup.enterprises = list(enterprises.values())
    rollup.province = province

    method_units = source.units("sub_order__order__payment_method")
    rollup.methods = [
        MethodDay(
            day=day,
            payment_method=row["order__payment_method"],
            **{**measures_of(row), "items": method_units.get(row["order__payment_method"], 0)},
        )
        for row in source.parts("order__payment_method")
    ]
    communes = source.parts("enterprise__ward_code", "enterprise__kind")
    units: dict[tuple[int, str], int] = defaultdict(int)
    active: dict[tuple[int, str], int] = defaultdict(int)
    for seller in rollup.enterprises:
        units[(seller.ward_code, seller.kind)] += seller.items
        active[(seller.ward_code, seller.kind)] += 1 if seller.gross_vnd else 0
    rollup.communes = []
    for row in communes:
        key = (row["enterprise__ward_code"], row["enterprise__kind"])
        rollup.communes.append(
            CommuneDay(
                day=day,
                ward_code=key[0],
                kind=key[1],
                enterprises_active=active[key],
                **{**measures_of(row), "items": units[key]},
            )
        )

    groups: dict[tuple[int, int], GroupDay] = {}
    for row in source.lines(f"{product}category__path", f"{product}ocop_badge_stars"):
        key = (
            group_of.get((row[f"{product}category__path"] or "")[: Category.steplen], 0),
            row[f"{product}ocop_badge_stars"] or 0,
        )
        if key not in groups:
            groups[key] = GroupDay(day=day, ocop_group=key[0], stars=key[1])
        for name, value in measures_of(row).items():
            setattr(groups[key], name, getattr(groups[key], name) + value)
    rollup.groups = list(groups.values())
    return rollup


@transaction.atomic
def rebuild_day(day: datetime.date) -> DayRollup:
    """Replace the stored rollup rows of `day` with freshly computed ones (visits excepted).

    Idempotent: running it again, or after the source rows changed, leaves exactly the rows
    `compute_day` gives."""
    rollup = compute_day(day)
    for model in ROLLUP_MODELS:
        model.objects.filter(day=day).delete()
    EnterpriseDay.objects.bulk_create(rollup.enterprises, batch_size=2_000)
    ProductDay.objects.bulk_create(rollup.products, batch_size=2_000)
    CommuneDay.objects.bulk_create(rollup.communes)
    GroupDay.objects.bulk_create(rollup.groups)
    MethodDay.objects.bulk_create(rollup.methods)
    if rollup.province is not None:
        rollup.province.save()
    return rollup


def days_changed_since(since: datetime.datetime) -> list[datetime.date]:
    """The local days of the orders changed since `since` (a status moved, a refund came in),
    whose stored rollups are therefore stale."""
    zone = timezone.get_default_timezone()
    days = (
        SubOrder.objects.filter(Q(updated_at__gte=since) | Q(order__updated_at__gte=since))
        .annotate(local_day=TruncDate("created_at", tzinfo=zone))
        .order_by()
        .values_list("local_day", flat=True)
        .distinct()
    )
    return sorted(set(days))


def last_rebuild() -> datetime.datetime | None:
    return ProvinceDay.objects.order_by("-rebuilt_at").values_list("rebuilt_at", flat=True).first()


def days_to_refresh(today: datetime.date) -> list[datetime.date]:
    """Yesterday and today, and every earlier day whose orders changed since the last rebuild."""
    since = last_rebuild()
    days = {today - datetime.timedelta(days=1), today}
    if since is not None:
        days.update(day for day in days_changed_since(since) if day <= today)
    return sorted(days)
