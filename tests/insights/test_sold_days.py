"""The who-sold rollup (one row per enterprise or product and year, each month's days as bits):
distinct sellers and products of any period, whole months or not, equal those counted from the
source rows."""

from __future__ import annotations

import datetime
import importlib
import itertools
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.utils import timezone

from insights.models import (
    ALL_DAYS,
    MONTH_DAYS,
    CommuneDay,
    CommuneMonth,
    EnterpriseSoldDays,
    ProductSoldDays,
)
from insights.periods import Period
from insights.rollups import month_masks, rebuild_day
from insights.selectors import Figures
from marketplace.models import Enterprise, Order, SubOrder
from tests.insights.dataset import EXPECTED, DataSet, local, place
from tests.insights.test_figures import rebuild
from tests.marketplace.factories import EnterpriseFactory, VariantFactory

pytestmark = pytest.mark.django_db
Status = SubOrder.Status
day = datetime.date


@dataclass
class Months:
    today: datetime.date
    first: datetime.date  # the first day of the month three months ago
    second: datetime.date  # the first day of the month after it
    sale_days: list[datetime.date]
    a: Enterprise
    b: Enterprise
    c: Enterprise


@pytest.fixture
def months(db) -> Months:
    """A sells on the 10th of the first month (delivered) and the 25th of the second (returned
    and refunded: still sold); B on the 20th of the first (placed); C only a cancelled, refunded
    part on the 5th of the second, when A's second product is cancelled too."""
    today = timezone.localdate()
    first = (today.replace(day=1) - datetime.timedelta(days=80)).replace(day=1)
    second = (first + datetime.timedelta(days=32)).replace(day=1)
    a, b, c = (
        EnterpriseFactory(kind=Enterprise.Kind.COOPERATIVE, ward_code=5503),
        EnterpriseFactory(kind=Enterprise.Kind.COMPANY, ward_code=5506),
        EnterpriseFactory(kind=Enterprise.Kind.HOUSEHOLD, ward_code=5506),
    )
    a1, a2 = (VariantFactory(product__enterprise=a, price_vnd=100_000) for _n in range(2))
    b1 = VariantFactory(product__enterprise=b, price_vnd=30_000)
    c1 = VariantFactory(product__enterprise=c, price_vnd=40_000)
    paid, refunded = Order.PaymentStatus.PAID, Order.PaymentStatus.REFUNDED
    sale_days = [first.replace(day=10), first.replace(day=20), second.replace(day=5)]
    sale_days.append(second.replace(day=25))
    place(when=local(sale_days[0]), method="cod", parts=[(a1, 1, Status.DELIVERED)])
    place(when=local(sale_days[1], 23), method="cod", parts=[(b1, 2, Status.PLACED)])
    place(
        when=local(sale_days[2], 0),
        method="vnpay",
        payment_status=paid,
        settled=True,
        parts=[(c1, 1, Status.CANCELLED), (a2, 1, Status.CANCELLED)],
    )
    place(
        when=local(sale_days[3]),
        method="momo",
        payment_status=refunded,
        parts=[(a1, 3, Status.RETURNED)],
    )
    for sale_day in sale_days:
        rebuild_day(sale_day)
    return Months(today, first, second, sale_days, a, b, c)


def sold_directly(period: Period, field: str) -> int:
    """Distinct enterprises or products with a part not cancelled placed in the period."""
    ids = set()
    for part in SubOrder.objects.prefetch_related("lines__variant"):
        if part.status == Status.CANCELLED:
            continue
        if period.start <= timezone.localtime(part.created_at).date() <= period.end:
            if field == "enterprise_id":
                ids.add(part.enterprise_id)
            else:
                ids.update(line.variant.product_id for line in part.lines.all())
    return len(ids)


def sold_bits(model=EnterpriseSoldDays, key: str = "enterprise_id") -> dict[tuple, int]:
    """(id, first day of the month) → the bits of the month's days, for every month with any."""
    bits = {}
    for pk, year, *months in model.objects.values_list(key, "year", *MONTH_DAYS):
        for number, days in enumerate(months, start=1):
            if days:
                bits[(pk, day(year, number, 1))] = days
    return bits


def sold_rows() -> list[tuple]:
    enterprises = EnterpriseSoldDays.objects.values_list("enterprise_id", "year", *MONTH_DAYS)
    products = ProductSoldDays.objects.values_list("product_id", "year", *MONTH_DAYS)
    return sorted(enterprises) + sorted(products)


def test_month_masks_cover_whole_months_and_the_days_at_the_edges():
    assert month_masks(day(2026, 1, 30), day(2026, 3, 2)) == [
        (day(2026, 1, 1), (1 << 29) | (1 << 30)),  # the 30th and 31st
        (day(2026, 2, 1), ALL_DAYS),
        (day(2026, 3, 1), 0b11),
    ]
    assert month_masks(day(2026, 2, 1), day(2026, 2, 28)) == [(day(2026, 2, 1), ALL_DAYS)]
    assert month_masks(day(2026, 2, 3), day(2026, 2, 3)) == [(day(2026, 2, 1), 0b100)]
    assert month_masks(day(2026, 2, 3), day(2026, 2, 2)) == []


def test_the_rows_hold_the_days_with_sales_only(months):
    # then cancelled parts leave no bit (C has no row), a returned, refunded part does
    assert sold_bits() == {
        (months.a.pk, months.first): 1 << 9,
        (months.b.pk, months.first): 1 << 19,
        (months.a.pk, months.second): 1 << 24,
    }
    assert len(sold_bits(ProductSoldDays, "product_id")) == 3  # a1 twice, b1 once


def test_distinct_sellers_and_products_of_periods_starting_and_ending_mid_month(months):
    # given periods starting and ending on every day around the sales and the month edges
    edges = {months.first, months.second - datetime.timedelta(days=1), months.second}
    for sale_day in months.sale_days:
        edges.update(sale_day + datetime.timedelta(days=shift) for shift in (-1, 0, 1))
    for start, end in itertools.combinations_with_replacement(sorted(edges), 2):
        period = Period(start, end)
        figures = Figures(period, today=months.today)
        # then each count equals the one counted from the source rows
        for name, field in (("enterprises", "enterprise_id"), ("products", "product_id")):
            assert figures.sold(name, field) == sold_directly(period, field), (period, name)


def test_a_period_inside_two_months_counts_only_its_own_days(months):
    # when the period runs from the 11th of the first month to the 24th of the second
    period = Period(months.first.replace(day=11), months.second.replace(day=24))
    summary = Figures(period, today=months.today).summary()
    # then only B sold (A's sales are on the 10th and the 25th, C's part was cancelled)
    assert (summary["enterprises_active"], summary["products_sold"]) == (1, 1)
    communes = {row["ward_code"]: row for row in Figures(period, today=months.today).by_commune()}
    assert communes[5506]["enterprises_active"] == 1
    assert communes[5503]["enterprises_active"] == 0
    # and an enterprise's own figures see only its own sales
    own = Figures(period, enterprise_ids=frozenset({months.a.pk}), today=months.today)
    assert (own.summary()["enterprises_active"], own.summary()["products_sold"]) == (0, 0)
    wider = Period(months.first.replace(day=10), months.second.replace(day=25))
    own = Figures(wider, enterprise_ids=frozenset({months.a.pk}), today=months.today)
    assert (own.summary()["enterprises_active"], own.summary()["products_sold"]) == (1, 1)


def test_rebuilding_a_day_twice_leaves_the_same_rows(months):
    # given
    before = sold_rows()
    # when
    for sale_day in months.sale_days:
        rebuild_day(sale_day)
        rebuild_day(sale_day)
    # then
    assert sold_rows() == before


def test_a_rebuild_after_a_cancellation_clears_only_that_day(months):
    # given B's only sale is cancelled after its day was rolled up
    a_before = {key: bits for key, bits in sold_bits().items() if key[0] == months.a.pk}
    SubOrder.objects.filter(enterprise=months.b).update(status=Status.CANCELLED)
    # when its day is rebuilt
    rebuild_day(months.sale_days[1])
    # then B's month row is gone and A's rows are untouched
    assert not EnterpriseSoldDays.objects.filter(enterprise=months.b).exists()
    assert {key: bits for key, bits in sold_bits().items() if key[0] == months.a.pk} == a_before
    period = Period(months.first, months.second.replace(day=24))
    assert Figures(period, today=months.today).sold("enterprises", "enterprise_id") == 1


def test_a_rebuild_of_a_day_sharing_the_month_keeps_the_other_days_bits(months):
    # given A sells again on the 11th of the first month
    a1 = SubOrder.objects.filter(enterprise=months.a).first().lines.get().variant
    place(when=local(months.first.replace(day=11)), method="cod", parts=[(a1, 1, Status.PLACED)])
    # when that day is rolled up
    rebuild_day(months.first.replace(day=11))
    # then A's row carries both days in that month's column
    assert sold_bits()[(months.a.pk, months.first)] == (1 << 9) | (1 << 10)


def test_today_rolled_up_is_not_counted_twice(data: DataSet):
    # given every day rolled up, today too (the scheduled refresh does that)
    rebuild(data)
    rebuild_day(data.today)
    # when
    summary = Figures(Period(data.first_day, data.today)).summary()
    # then today's sellers come from the live part only
    assert (summary["enterprises_active"], summary["products_sold"]) == (
        EXPECTED["enterprises_active"],
        EXPECTED["products_sold"],
    )


def test_the_migration_fills_the_rows_of_days_already_rolled_up(months):
    # given the rows the rebuilds wrote, then removed
    expected = sold_rows()
    EnterpriseSoldDays.objects.all().delete()
    ProductSoldDays.objects.all().delete()
    # when the migration's filling step runs
    migration = importlib.import_module("insights.migrations.0003_sold_days")
    migration.fill_sold_days(apps, None)
    # then it writes the same rows
    assert sold_rows() == expected


def commune_sums(rows) -> dict[tuple, tuple[int, int, int]]:
    sums: dict[tuple, tuple[int, int, int]] = {}
    for row in rows:
        key = (row.day.replace(day=1), row.ward_code, row.kind)
        orders, gross, refunded = sums.get(key, (0, 0, 0))
        sums[key] = (orders + row.orders, gross + row.gross_vnd, refunded + row.refunded_vnd)
    return sums


def test_commune_months_are_the_sums_of_their_days(months):
    # then the month rows add up the day rows
    assert commune_sums(CommuneMonth.objects.all()) == commune_sums(CommuneDay.objects.all())
    # and still do after a sale is cancelled and its day rebuilt
    SubOrder.objects.filter(enterprise=months.b).update(status=Status.CANCELLED)
    rebuild_day(months.sale_days[1])
    assert commune_sums(CommuneMonth.objects.all()) == commune_sums(CommuneDay.objects.all())
    b_month = CommuneMonth.objects.get(day=months.first, ward_code=5506)
    assert (b_month.orders, b_month.gross_vnd, b_month.orders_cancelled) == (1, 0, 1)


@pytest.mark.parametrize("start_day", [1, 15])
def test_commune_sales_read_whole_months_by_month_and_the_edges_by_day(months, start_day):
    # given a period of a whole month (or half of it) and the whole next month
    end = (months.second + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    period = Period(months.first.replace(day=start_day), end)
    # when
    figures = Figures(period, today=months.today)
    communes = {row["ward_code"]: row["gross_vnd"] for row in figures.by_commune()}
    kinds = {row["kind"]: row["orders"] for row in figures.by_kind()}
    # then they equal the sums of the day rows of the period
    days = CommuneDay.objects.filter(day__gte=period.start, day__lte=period.end)
    assert communes == {
        ward: sum(row.gross_vnd for row in days if row.ward_code == ward) for ward in (5503, 5506)
    }
    assert kinds == {
        kind: sum(row.orders for row in days if row.kind == kind) for kind in Enterprise.Kind.values
    }
    assert communes[5506] == 60_000  # B on the 20th
    assert communes[5503] == (100_000 if start_day == 1 else 0) + 300_000  # A on the 10th, 25th


def test_the_migration_fills_the_commune_months(months):
    # given the month rows removed
    expected = commune_sums(CommuneMonth.objects.all())
    CommuneMonth.objects.all().delete()
    # when the migration's filling step runs
    migration = importlib.import_module("insights.migrations.0004_commune_month")
    migration.fill_commune_months(apps, None)
    # then
    assert commune_sums(CommuneMonth.objects.all()) == expected
