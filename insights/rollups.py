"""Daily rollups: one local day's figures computed from the source rows, and stored.

`DaySource` groups a day's sub-orders, order lines, scans and checkouts in the database;
`compute_day` reads those queries into unsaved rows, and the selectors use `compute_day(today)`
so that today's figures are current without writing anything; `rebuild_day` replaces the
stored rows of a day with the same queries written by INSERT … SELECT, in one transaction
(idempotent, for any day), and keeps the monthly who-sold rows in step.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    PositiveSmallIntegerField,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from insights.models import (
    ALL_DAYS,
    MONTH_DAYS,
    SALES_MEASURES,
    CommuneDay,
    CommuneMonth,
    EnterpriseDay,
    EnterpriseSoldDays,
    GroupDay,
    MethodDay,
    ProductDay,
    ProductSoldDays,
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


def month_masks(start: datetime.date, last: datetime.date) -> list[tuple[datetime.date, int]]:
    """The months from `start` to `last` (inclusive), each with the bits of its days inside
    that range (`ALL_DAYS` for a whole month). Empty when `last` is before `start`."""
    masks: list[tuple[datetime.date, int]] = []
    month = start.replace(day=1)
    while month <= last and start <= last:
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        first = max(start, month).day
        final = min(last, following - datetime.timedelta(days=1))
        whole = first == 1 and final == following - datetime.timedelta(days=1)
        bits = ((1 << final.day) - 1) ^ ((1 << (first - 1)) - 1)
        masks.append((month, ALL_DAYS if whole else bits))
        month = following
    return masks


def sales_aggregates(prefix: str, money: str, count: str) -> dict[str, Any]:
    """The annotations of SALES_MEASURES (less `items`) over sub-orders (`prefix=""`) or order
    lines (`prefix="sub_order__"`), `money` being the field summed and `count` the sub-order
    (counted distinct over lines, where a sub-order has several rows)."""
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
        return Count(count, distinct=bool(prefix), filter=condition)

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


NOT_CANCELLED = ~Q(status=SubOrder.Status.CANCELLED)
SUM = "sum_"  # the prefix of a summed column's alias in a query written by insert_select


class LiveRow(SimpleNamespace):
    """An unsaved rollup row: its model's columns (by attname) as attributes. Today's part
    builds a thousand or more of them per view, several times faster than model instances,
    and nothing saves them."""


ROW_DEFAULTS: dict[Any, dict[str, Any]] = {}


def live_row(model: Any, **values: Any) -> LiveRow:
    """A row of `model` with `values`, the columns left out holding their model default."""
    defaults = ROW_DEFAULTS.get(model)
    if defaults is None:
        defaults = ROW_DEFAULTS[model] = {
            each.attname: each.get_default()
            for each in model._meta.concrete_fields
            if not each.primary_key
        }
    return LiveRow(**{**defaults, **values})


@dataclass
class DayRollup:
    """The rows of one day, unsaved (`LiveRow`s of each table, and the province's row)."""

    day: datetime.date
    enterprises: list[LiveRow] = field(default_factory=list)
    products: list[LiveRow] = field(default_factory=list)
    communes: list[LiveRow] = field(default_factory=list)
    groups: list[LiveRow] = field(default_factory=list)
    methods: list[LiveRow] = field(default_factory=list)
    province: ProvinceDay | None = None


class DaySource:
    """The source rows of one local day, grouped by the database. Each method returns a query
    whose columns are named as the rollup table's, so that the same query is either read into
    unsaved rows (today, live) or written with INSERT … SELECT (`rebuild_day`)."""

    def __init__(self, day: datetime.date) -> None:
        self.day = day
        self.start, self.following = day_bounds(day)
        product = "variant__product__"
        groups = Category.objects.filter(depth=1).values_list("path", "ocop_group")
        # a product's OCOP group is that of its top-level category (0 when it has none)
        self.ocop_group = Case(
            *(
                When(**{f"{product}category__path__startswith": path}, then=Value(group or 0))
                for path, group in groups
            ),
            default=Value(0),
            output_field=PositiveSmallIntegerField(),
        )
        self.stars = Coalesce(f"{product}ocop_badge_stars", Value(0))

    def _parts(self, *fields: str, **keys: Any) -> QuerySet[Any]:
        """Sub-orders placed on the day, grouped by `fields` and `keys`; units from the lines."""
        units = (
            OrderLine.objects.filter(sub_order_id=OuterRef("pk"))
            .order_by()
            .values("sub_order_id")
            .annotate(units=Sum("quantity"))
            .values("units")
        )
        rows = SubOrder.objects.filter(created_at__gte=self.start, created_at__lt=self.following)
        return (
            rows.order_by()
            .values(*fields, **keys)
            .annotate(
                items=Sum(Subquery(units), filter=NOT_CANCELLED, default=0),
                **sales_aggregates("", "items_vnd", "id"),
            )
        )

    def _lines(self, **keys: Any) -> QuerySet[Any]:
        """Order lines of the sub-orders placed on the day, grouped by `keys`."""
        rows = OrderLine.objects.filter(
            sub_order__created_at__gte=self.start, sub_order__created_at__lt=self.following
        )
        return (
            rows.order_by()
            .values(**keys)
            .annotate(
                items=Sum("quantity", filter=~Q(sub_order__status="cancelled"), default=0),
                **sales_aggregates("sub_order__", "line_total_vnd", "sub_order_id"),
            )
        )

    def enterprises(self) -> QuerySet[Any]:
        return self._parts(
            "enterprise_id", ward_code=F("enterprise__ward_code"), kind=F("enterprise__kind")
        )

    def methods(self) -> QuerySet[Any]:
        return self._parts(payment_method=F("order__payment_method"))

    def products(self) -> QuerySet[Any]:
        return self._lines(
            enterprise_id=F("sub_order__enterprise_id"),
            product_id=F("variant__product_id"),
            ocop_group=self.ocop_group,
            stars=self.stars,
        )

    def groups(self) -> QuerySet[Any]:
        return self._lines(ocop_group=self.ocop_group, stars=self.stars)

    def scans(self) -> list[dict[str, Any]]:
        """Scans by the enterprise of the batch (None for unknown codes)."""
        rows = ScanEvent.objects.filter(scanned_at__gte=self.start, scanned_at__lt=self.following)
        return list(
            rows.order_by()
            .values(
                enterprise_id=F("batch__enterprise_id"),
                ward_code=F("batch__enterprise__ward_code"),
                kind=F("batch__enterprise__kind"),
            )
            .annotate(
                scans=Count("id"),
                suspicious_scans=Count(
                    "id",
                    filter=Q(outcome=ScanEvent.Outcome.UNKNOWN_SERIAL)
                    | Q(serial__is_suspicious=True),
                ),
            )
        )

    def province(self, scans: list[dict[str, Any]]) -> ProvinceDay:
        """Checkouts placed on the day and every scan (`scans` is `self.scans()`)."""
        checkouts = Order.objects.filter(
            created_at__gte=self.start, created_at__lt=self.following
        ).count()
        return ProvinceDay(
            day=self.day,
            checkouts=checkouts,
            scans=sum(row["scans"] for row in scans),
            suspicious_scans=sum(row["suspicious_scans"] for row in scans),
            rebuilt_at=timezone.now(),
        )


def scan_rows(day: datetime.date, scans: list[dict[str, Any]]) -> list[EnterpriseDay]:
    """Unsaved enterprise rows carrying only the day's scans of each enterprise's labels."""
    return [EnterpriseDay(day=day, **row) for row in scans if row["enterprise_id"] is not None]


def communes_of(enterprises: list[LiveRow]) -> list[LiveRow]:
    """The commune × kind rows added up from the enterprise rows of a day: every part has one
    seller, so sums of sellers are sums of parts; rows with scans only are left out, and the
    active enterprises are those with sales (as `stored_communes` in SQL)."""
    communes: dict[tuple[int, str], LiveRow] = {}
    for seller in enterprises:
        if not seller.orders:
            continue
        key = (seller.ward_code, seller.kind)
        commune = communes.get(key)
        if commune is None:
            commune = communes[key] = live_row(
                CommuneDay, day=seller.day, ward_code=key[0], kind=key[1]
            )
        for measure in SALES_MEASURES:
            setattr(commune, measure, getattr(commune, measure) + getattr(seller, measure))
        commune.enterprises_active += 1 if seller.gross_vnd else 0
    return list(communes.values())


def stored_communes(day: datetime.date) -> QuerySet[Any]:
    """`communes_of` over the stored enterprise rows of `day`, as one grouped query (its sums
    named `sum_<measure>` since a sum may not take a column's name)."""
    return (
        EnterpriseDay.objects.filter(day=day, orders__gt=0)
        .order_by()
        .values("ward_code", "kind")
        .annotate(
            **{f"{SUM}{measure}": Sum(measure) for measure in SALES_MEASURES},
            **{f"{SUM}enterprises_active": Count("id", filter=Q(gross_vnd__gt=0))},
        )
    )


def compute_day(day: datetime.date) -> DayRollup:
    """The figures of the local `day`, computed from the source rows (no writes): seven small
    queries whatever the volume, each grouped by the database (the same queries that
    `rebuild_day` writes with INSERT … SELECT); the communes are added up from the sellers."""
    source = DaySource(day)
    rollup = DayRollup(day=day)
    rollup.products = [live_row(ProductDay, day=day, **row) for row in source.products()]
    rollup.groups = [live_row(GroupDay, day=day, **row) for row in source.groups()]
    rollup.methods = [live_row(MethodDay, day=day, **row) for row in source.methods()]
    enterprises = {
        row["enterprise_id"]: live_row(EnterpriseDay, day=day, **row)
        for row in source.enterprises()
    }
    scans = source.scans()
    for row in scans:
        if row["enterprise_id"] is None:
            continue
        scanned = live_row(EnterpriseDay, day=day, **row)
        seller = enterprises.setdefault(scanned.enterprise_id, scanned)
        seller.scans, seller.suspicious_scans = scanned.scans, scanned.suspicious_scans
    rollup.enterprises = list(enterprises.values())
    rollup.communes = communes_of(rollup.enterprises)
    rollup.province = source.province(scans)
    return rollup


def insert_select(model: Any, rows: QuerySet[Any], day: datetime.date) -> None:
    """INSERT INTO `model`'s table the rows of the grouped query `rows`, dated `day`; the
    columns the query leaves out get their model default."""
    quote = connection.ops.quote_name
    sql, params = rows.query.sql_with_params()
    names = [*rows.query.values_select, *rows.query.annotation_select]
    fields = [model._meta.get_field(name.removeprefix(SUM)) for name in names]
    defaults = [
        each
        for each in model._meta.concrete_fields
        if not each.primary_key and each.name != "day" and each not in fields
    ]
    columns = ", ".join(quote(each.column) for each in (*fields, *defaults))
    selected = ", ".join(["%s", *(quote(name) for name in names), *("%s" for _ in defaults)])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({quote('day')}, {columns}) "  # noqa: S608
            f"SELECT {selected} FROM ({sql}) AS source",
            [
                connection.ops.adapt_datefield_value(day),
                *(each.get_default() for each in defaults),
                *params,
            ],
        )


@transaction.atomic
def rebuild_day(day: datetime.date) -> ProvinceDay:
    """Replace the stored rollup rows of `day` (visits excepted) with those `compute_day`
    gives, written by the database with INSERT … SELECT (only the few scan rows pass through
    Python), then set the day's bit in its month's who-sold rows. Returns the day's province
    row.

    Idempotent: running it again, or after the source rows changed, leaves exactly the rows
    `compute_day` gives."""
    if connection.vendor == "postgresql":
        # derived rows, recomputable: a crash may lose the last rebuild, not corrupt anything
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    for model in ROLLUP_MODELS:
        model.objects.filter(day=day).delete()
    source = DaySource(day)
    insert_select(ProductDay, source.products(), day)
    insert_select(GroupDay, source.groups(), day)
    insert_select(MethodDay, source.methods(), day)
    insert_select(EnterpriseDay, source.enterprises(), day)
    insert_select(CommuneDay, stored_communes(day), day)
    record_commune_month(day)
    scans = source.scans()
    EnterpriseDay.objects.bulk_create(
        scan_rows(day, scans),
        update_conflicts=True,
        unique_fields=["day", "enterprise"],
        update_fields=["scans", "suspicious_scans"],
    )
    province = source.province(scans)
    province.save()
    record_sold_days(day)
    return province


def record_commune_month(day: datetime.date) -> None:
    """Replace the `CommuneMonth` rows of `day`'s month with the sums of its `CommuneDay`
    rows (one INSERT … SELECT over about a month of commune rows)."""
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    CommuneMonth.objects.filter(day=first).delete()
    days = CommuneDay.objects.filter(day__gte=first, day__lt=following).order_by()
    sums = {f"{SUM}{measure}": Sum(measure) for measure in SALES_MEASURES}
    insert_select(CommuneMonth, days.values("ward_code", "kind").annotate(**sums), first)


# who-sold table → (its day table, the key columns copied from it)
SOLD_DAYS: dict[Any, tuple[Any, tuple[str, str]]] = {
    EnterpriseSoldDays: (EnterpriseDay, ("enterprise_id", "ward_code")),
    ProductSoldDays: (ProductDay, ("product_id", "enterprise_id")),
}


def record_sold_days(day: datetime.date) -> None:
    """Make the bit of `day` in the who-sold rows of its year (in its month's column) say
    whether the day's stored rows have sales: cleared for those that no longer sold (rows left
    without any bit are deleted), set for those that did. Rows already right are not written,
    so running it again writes nothing. Three statements per table, whatever the volume."""
    bit, column = 1 << (day.day - 1), MONTH_DAYS[day.month - 1]
    others = {name: 0 for name in MONTH_DAYS if name != column}
    quote = connection.ops.quote_name
    for model, (source, keys) in SOLD_DAYS.items():
        same = {key: OuterRef(key) for key in keys}
        sold = source.objects.filter(day=day, gross_vnd__gt=0, **same)
        gone = model.objects.filter(GreaterThan(F(column).bitand(bit), 0), year=day.year).exclude(
            Exists(sold)
        )
        gone.filter(**{column: bit}, **others).delete()
        gone.update(**{column: F(column) - bit})
        table, columns = quote(model._meta.db_table), ", ".join(quote(key) for key in keys)
        days = quote(column)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({quote('year')}, {columns}, {days}) "  # noqa: S608
                f"SELECT DISTINCT %s, {columns}, %s FROM {quote(source._meta.db_table)} "
                f"WHERE {quote('day')} = %s AND {quote('gross_vnd')} > 0 "
                f"AND {quote(keys[0])} IS NOT NULL "
                f"ON CONFLICT ({columns}, {quote('year')}) "
                f"DO UPDATE SET {days} = {table}.{days} | excluded.{days} "
                f"WHERE ({table}.{days} & %s) = 0",
                [day.year, bit, connection.ops.adapt_datefield_value(day), bit],
            )


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
