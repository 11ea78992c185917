"""Daily rollups: one local day's figures computed from the source rows, and stored.

`compute_day` reads a day's sub-orders, order lines, scans and checkouts in five queries and
returns unsaved rows; `rebuild_day` replaces the stored rows of that day with them in one
transaction (idempotent, for any day); the selectors use `compute_day(today)` directly so
that today's figures are current without writing anything.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

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
    SalesMeasures,
)
from marketplace.models import Category, Enterprise, Order, OrderLine, PaymentMethod, SubOrder
from traceability.models import ScanEvent

DELIVERED = [SubOrder.Status.DELIVERED, SubOrder.Status.COMPLETED]
REFUSED = [SubOrder.Status.DELIVERY_FAILED, SubOrder.Status.RETURNED]
ROLLUP_MODELS = (EnterpriseDay, ProductDay, CommuneDay, GroupDay, MethodDay, ProvinceDay)

Row = TypeVar("Row", bound=SalesMeasures)


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


def add_measures(target: SalesMeasures, source: SalesMeasures | dict[str, Any]) -> None:
    get = source.get if isinstance(source, dict) else lambda name, _=0: getattr(source, name)
    for name in SALES_MEASURES:
        setattr(target, name, getattr(target, name) + (get(name, 0) or 0))


def group_rows(
    rows: Iterable[SalesMeasures], model: type[Row], key: Any, day: datetime.date
) -> dict[Any, Row]:
    """Sum `rows` into new `model` rows keyed by `key(row)` (a dict of the key fields)."""
    grouped: dict[Any, Row] = {}
    for row in rows:
        fields = key(row)
        identity = tuple(sorted(fields.items()))
        if identity not in grouped:
            grouped[identity] = model(day=day, **fields)
        add_measures(grouped[identity], row)
    return grouped


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


def compute_day(day: datetime.date) -> DayRollup:
    """The figures of the local `day`, computed from the source rows (no writes).

    Five queries whatever the volume: sub-orders by enterprise and payment method, order lines
    by product, scans by enterprise, checkouts, and the enterprises and categories named."""
    start, following = day_bounds(day)
    rollup = DayRollup(day=day)
    part_rows = (
        SubOrder.objects.filter(created_at__gte=start, created_at__lt=following)
        .order_by()
        .values("enterprise_id", "order__payment_method")
        .annotate(**sales_aggregates("", "items_vnd", "id"))
    )
    line_rows = (
        OrderLine.objects.filter(
            sub_order__created_at__gte=start, sub_order__created_at__lt=following
        )
        .order_by()
        .values(
            "sub_order__enterprise_id",
            "sub_order__order__payment_method",
            "variant__product_id",
            "variant__product__category__path",
            "variant__product__ocop_badge_stars",
        )
        .annotate(
            items=Sum("quantity", filter=~Q(sub_order__status="cancelled"), default=0),
            **sales_aggregates("sub_order__", "line_total_vnd", "sub_order_id"),
        )
    )
    scan_rows = (
        ScanEvent.objects.filter(scanned_at__gte=start, scanned_at__lt=following)
        .order_by()
        .values("batch__enterprise_id")
        .annotate(
            scans=Count("id"),
            suspicious=Count(
                "id",
                filter=Q(outcome=ScanEvent.Outcome.UNKNOWN_SERIAL) | Q(serial__is_suspicious=True),
            ),
        )
    )
    parts, lines, scans = list(part_rows), list(line_rows), list(scan_rows)
    checkouts = Order.objects.filter(created_at__gte=start, created_at__lt=following).count()

    enterprise_ids = {row["enterprise_id"] for row in parts} | {
        row["batch__enterprise_id"] for row in scans if row["batch__enterprise_id"]
    }
    where = {
        pk: (ward_code, kind)
        for pk, ward_code, kind in Enterprise.objects.filter(pk__in=enterprise_ids).values_list(
            "pk", "ward_code", "kind"
        )
    }
    group_of = _group_of_path() if lines else {}

    enterprises: dict[int, EnterpriseDay] = {}

    def enterprise_row(pk: int) -> EnterpriseDay:
        if pk not in enterprises:
            ward_code, kind = where[pk]
            enterprises[pk] = EnterpriseDay(
                day=day, enterprise_id=pk, ward_code=ward_code, kind=kind
            )
        return enterprises[pk]

    methods: dict[str, MethodDay] = {}
    for row in parts:
        add_measures(enterprise_row(row["enterprise_id"]), row)
        method = row["order__payment_method"]
        methods.setdefault(method, MethodDay(day=day, payment_method=method))
        add_measures(methods[method], row)

    products: dict[tuple[int, int | None], ProductDay] = {}
    for row in lines:
        enterprise_id = row["sub_order__enterprise_id"]
        enterprise_row(enterprise_id).items += row["items"]
        methods[row["sub_order__order__payment_method"]].items += row["items"]
        key = (enterprise_id, row["variant__product_id"])
        if key not in products:
            path = row["variant__product__category__path"] or ""
            products[key] = ProductDay(
                day=day,
                enterprise_id=enterprise_id,
                product_id=row["variant__product_id"],
                ocop_group=group_of.get(path[: Category.steplen], 0),
                stars=row["variant__product__ocop_badge_stars"] or 0,
            )
        add_measures(products[key], row)

    province = ProvinceDay(day=day, checkouts=checkouts, rebuilt_at=timezone.now())
    for row in scans:
        province.scans += row["scans"]
        province.suspicious_scans += row["suspicious"]
        if row["batch__enterprise_id"]:
            seller = enterprise_row(row["batch__enterprise_id"])
            seller.scans += row["scans"]
            seller.suspicious_scans += row["suspicious"]

    rollup.enterprises = list(enterprises.values())
    rollup.products = list(products.values())
    rollup.methods = list(methods.values())
    communes = group_rows(
        rollup.enterprises,
        CommuneDay,
        lambda row: {"ward_code": row.ward_code, "kind": row.kind},
        day,
    )
    active: dict[tuple[int, str], int] = defaultdict(int)
    for seller in rollup.enterprises:
        if seller.gross_vnd:
            active[(seller.ward_code, seller.kind)] += 1
    for commune in communes.values():
        commune.enterprises_active = active[(commune.ward_code, commune.kind)]
    rollup.communes = list(communes.values())
    rollup.groups = list(
        group_rows(
            rollup.products,
            GroupDay,
            lambda row: {"ocop_group": row.ocop_group, "stars": row.stars},
            day,
        ).values()
    )
    rollup.province = province
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
