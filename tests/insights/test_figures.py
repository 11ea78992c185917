"""The figures of a known data set against hand-computed expectations (tests/insights/dataset.py),
and the rollups against a direct computation from the source rows."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from insights.models import CommuneDay, EnterpriseDay, GroupDay, MethodDay, ProductDay, ProvinceDay
from insights.periods import Period
from insights.rollups import compute_day, rebuild_day
from insights.selectors import Figures
from insights.services import refresh_rollups
from marketplace.models import Enterprise, Product, SubOrder
from marketplace.services import refresh_ocop_badges
from tests.insights.dataset import EXPECTED, PHU_THINH, TAN_CUONG, DataSet
from tests.marketplace.factories import ProductFactory
from traceability.services import report_suspected_fake

pytestmark = pytest.mark.django_db


def rebuild(data: DataSet) -> None:
    for day in (data.first_day, data.second_day):
        rebuild_day(day)


def test_summary_matches_the_hand_computed_figures(data):
    # given
    rebuild(data)
    # when
    figures = Figures(Period(data.first_day, data.today)).summary()
    # then
    assert {name: figures[name] for name in EXPECTED} == EXPECTED


def test_past_days_come_from_the_rollups_and_today_is_live(data):
    # given no rollup yet
    period = Period(data.first_day, data.today)
    # when
    before = Figures(period).summary()
    rebuild(data)
    after = Figures(period).summary()
    # then only today's checkout shows until the past days are rolled up
    assert (before["orders"], before["revenue_vnd"]) == (1, 100_000)
    assert (after["orders"], after["revenue_vnd"]) == (8, 540_000)


def test_a_period_before_the_data_is_zero_and_previous_periods_are_right(data):
    rebuild(data)
    period = Period(data.second_day, data.today)
    # when
    previous = Figures(period.previous()).summary()
    # then the previous period of 10 days ends on the first day
    assert period.previous() == Period(data.first_day - datetime.timedelta(days=9), data.first_day)
    assert (previous["orders"], previous["gross_vnd"], previous["refunded_vnd"]) == (
        6,
        380_000,
        190_000,
    )
    assert Figures(period.last_year()).summary()["orders"] == 0


def test_breakdowns_by_commune_kind_method_and_group(data):
    rebuild(data)
    figures = Figures(Period(data.first_day, data.today))
    communes = {row["ward_code"]: row for row in figures.by_commune()}
    assert communes[TAN_CUONG]["gross_vnd"] == 450_000  # A: 200k + 50k + 100k + 100k today
    assert communes[PHU_THINH]["gross_vnd"] == 90_000  # B: 30k + 60k
    assert communes[PHU_THINH]["enterprises_taking_part"] == 2  # B and C
    assert communes[PHU_THINH]["enterprises_active"] == 1
    assert communes[TAN_CUONG]["enterprises_registered"] == 2  # A and the pending one
    assert communes[TAN_CUONG]["enterprises_approved"] == 1
    methods = {row["payment_method"]: row["orders"] for row in figures.by_method()}
    assert methods == {"cod": 4, "momo": 1, "vnpay": 2, "zalopay": 1}
    kinds = {row["kind"]: row["gross_vnd"] for row in figures.by_kind()}
    assert kinds == {"company": 90_000, "cooperative": 450_000, "household": 0}
    registered = {row["kind"]: row["enterprises_registered"] for row in figures.by_kind()}
    assert registered == {"company": 1, "cooperative": 2, "household": 1}
    groups = {(row["ocop_group"], row["stars"]): row["gross_vnd"] for row in figures.by_group()}
    # tea is group 2; A1 carries 4 stars (200k + 100k returned + 100k today); B1's lapsed
    assert groups == {(2, 4): 400_000, (2, 0): 140_000}
    months = figures.by_month()
    assert sum(row["orders"] for row in months) == 8


def test_drill_down_lists_the_enterprises_behind_a_commune(data):
    rebuild(data)
    figures = Figures(Period(data.first_day, data.today))
    rows = figures.by_enterprise(ward_code=PHU_THINH)
    assert [(row["name"], row["gross_vnd"]) for row in rows] == [("Công ty B", 90_000)]
    everyone = figures.by_enterprise()
    assert [row["enterprise_id"] for row in everyone] == [data.a.pk, data.b.pk]
    assert everyone[0]["scans"] == 3  # two genuine checks and one unknown serial of A's lot


def test_an_enterprise_sees_only_its_own_figures(data):
    rebuild(data)
    figures = Figures(Period(data.first_day, data.today), enterprise_ids=frozenset({data.b.pk}))
    summary = figures.summary()
    assert (summary["orders"], summary["gross_vnd"], summary["refunded_vnd"]) == (3, 90_000, 90_000)
    assert summary["products_published"] == 1
    assert summary["qr_scans"] == 0
    assert "visits" not in summary


def direct(day: datetime.date) -> dict[str, int]:
    """The day's figures from the source rows, computed in plain Python."""
    totals = {"orders": 0, "gross_vnd": 0, "delivered_vnd": 0, "cancelled_vnd": 0, "items": 0}
    for part in SubOrder.objects.select_related("order").prefetch_related("lines"):
        if timezone.localtime(part.created_at).date() != day:
            continue
        totals["orders"] += 1
        if part.status == SubOrder.Status.CANCELLED:
            totals["cancelled_vnd"] += part.items_vnd
            continue
        totals["gross_vnd"] += part.items_vnd
        totals["items"] += sum(line.quantity for line in part.lines.all())
        if part.status in {SubOrder.Status.DELIVERED, SubOrder.Status.COMPLETED}:
            totals["delivered_vnd"] += part.items_vnd
    return totals


@pytest.mark.parametrize("table", [EnterpriseDay, ProductDay, CommuneDay, GroupDay, MethodDay])
def test_rollups_equal_direct_computation(data, table):
    rebuild(data)
    for day in (data.first_day, data.second_day):
        rows = table.objects.filter(day=day)
        rolled = {name: sum(getattr(row, name) for row in rows) for name in direct(day)}
        assert rolled == direct(day)


@pytest.mark.parametrize(
    ("table", "attribute"),
    [
        (EnterpriseDay, "enterprises"),
        (ProductDay, "products"),
        (CommuneDay, "communes"),
        (GroupDay, "groups"),
        (MethodDay, "methods"),
    ],
)
def test_stored_rows_equal_the_rows_computed_live(data, table, attribute):
    # given the days written by the database (INSERT … SELECT)
    rebuild(data)
    names = [field.attname for field in table._meta.concrete_fields if not field.primary_key]
    for day in (data.first_day, data.second_day, data.today):
        rebuild_day(day)
        stored = sorted(table.objects.filter(day=day).values_list(*names))
        # when the same day is computed in memory, as today's figures are
        live = sorted(
            tuple(getattr(row, name) for name in names)
            for row in getattr(compute_day(day), attribute)
        )
        # then both give the same rows
        assert stored == live
        assert stored  # every table has rows on these days


def test_rebuilding_a_day_twice_gives_the_same_rows(data):
    rebuild_day(data.first_day)
    first = sorted(
        EnterpriseDay.objects.filter(day=data.first_day).values_list(
            "enterprise_id", "gross_vnd", "scans"
        )
    )
    rebuild_day(data.first_day)
    again = sorted(
        EnterpriseDay.objects.filter(day=data.first_day).values_list(
            "enterprise_id", "gross_vnd", "scans"
        )
    )
    assert first == again
    assert ProvinceDay.objects.filter(day=data.first_day).count() == 1


def test_the_scheduled_refresh_rebuilds_days_whose_orders_changed(data):
    # given the rollups are up to date
    rebuild(data)
    refresh_rollups(today=data.today)
    # when a part placed on the second day is delivered later
    part = SubOrder.objects.get(created_at__date=data.second_day, status=SubOrder.Status.SHIPPED)
    part.status = SubOrder.Status.DELIVERED
    part.save()
    days = refresh_rollups(today=data.today)
    # then its day is rebuilt and the figure moves
    assert data.second_day in days
    assert Figures(Period(data.first_day, data.today)).summary()["delivered_vnd"] == 310_000


def test_cached_figures_follow_a_rebuild(data):
    # given figures read (and cached) before the second day is rebuilt
    rebuild_day(data.first_day)
    period = Period(data.first_day, data.today)
    assert Figures(period).summary()["orders"] == 7  # first day and today
    # when the second day is rolled up
    rebuild_day(data.second_day)
    # then the cache is not served stale
    assert Figures(period).summary()["orders"] == 8


def test_a_rebuild_outside_a_period_leaves_its_figures_cached(data):
    # given the figures of the first day alone, read once (and cached)
    rebuild(data)
    period = Period(data.first_day, data.first_day)
    expected = Figures(period).summary()
    with CaptureQueriesContext(connection) as cached:
        Figures(period).summary()
    # when the second day, outside the period, is rebuilt
    rebuild_day(data.second_day)
    with CaptureQueriesContext(connection) as after:
        again = Figures(period).summary()
    # then the period's stored part is still read from the cache, and unchanged
    assert again == expected
    assert len(after.captured_queries) == len(cached.captured_queries)
    assert expected["orders"] == 6


# --- the catalogue counts, kept between readings --------------------------------------------


def catalogue_queries(period: Period) -> int:
    with CaptureQueriesContext(connection) as queries:
        Figures(period).catalogue()
        Figures(period).ocop_products()
    return len(queries)


def test_the_catalogue_counts_are_read_once_and_then_kept(data):
    period = Period(data.first_day, data.today)
    # when read twice
    first = catalogue_queries(period)
    second = catalogue_queries(period)
    # then the tables are counted once (4 tables, and the groups and badges of OCOP products)
    assert (first, second) == (6, 0)
    # and a scope of its own is counted apart
    own = Figures(period, enterprise_ids=frozenset({data.a.pk}))
    assert own.catalogue()["products_listed"] == 2


@pytest.mark.parametrize(
    ("change", "figure", "before", "after"),
    [
        ("publish a product", "products_published", 3, 4),
        ("delete a product", "products_listed", 4, 3),
        ("approve an enterprise", "enterprises_taking_part", 3, 4),
        ("revoke a certificate", "certificates_valid", 2, 1),
        ("certify a product", "products_ocop", 1, 2),
        ("report a fake", "fake_reports", 0, 1),
    ],
)
def test_a_committed_change_is_counted_at_once(
    data, django_capture_on_commit_callbacks, change, figure, before, after
):
    # given the counts were read and kept
    period = Period(data.first_day, data.today)
    assert Figures(period).catalogue()[figure] == before
    changes: dict[str, Callable[[], object]] = {
        "publish a product": lambda: ProductFactory(enterprise=data.b),
        "delete a product": lambda: data.products["draft"].delete(),
        "approve an enterprise": lambda: approve(data.pending),
        "revoke a certificate": lambda: revoke(data.products["a1"]),
        "certify a product": lambda: certify(data.products["a2"], data.products["a1"]),
        "report a fake": lambda: report_suspected_fake(
            code="TC2026-001", message="Bao bì khác màu", enterprise_id=data.a.pk
        ),
    }
    # when the change is made and committed
    with django_capture_on_commit_callbacks(execute=True):
        changes[change]()
    # then the next reading counts again
    assert Figures(period).catalogue()[figure] == after


def test_the_communes_and_the_headline_are_kept_together(data):
    period = Period(data.first_day, data.today)

    def taking_part() -> tuple[int, int]:
        figures = Figures(period)
        communes = sum(row["enterprises_taking_part"] for row in figures.by_commune())
        return figures.catalogue()["enterprises_taking_part"], communes

    assert taking_part() == (3, 3)
    # a change that sends no signal (a bulk UPDATE) shows in neither until the counts expire
    Enterprise.objects.filter(pk=data.pending.pk).update(
        status=Enterprise.Status.APPROVED, approved_at=timezone.now()
    )
    assert taking_part() == (3, 3)
    cache.clear()  # as when CATALOGUE_SECONDS have passed
    assert taking_part() == (4, 4)


def test_a_bulk_write_the_marketplace_announces_is_counted_at_once(
    data, django_capture_on_commit_callbacks
):
    period = Period(data.first_day, data.today)
    assert Figures(period).catalogue()["products_ocop"] == 1
    # when the daily badge refresh runs on a day every certificate has expired (bulk UPDATE)
    with django_capture_on_commit_callbacks(execute=True):
        changed = refresh_ocop_badges(today=data.today + datetime.timedelta(days=5000))
    # then
    assert changed == 1
    assert Figures(period).catalogue()["products_ocop"] == 0


def test_counts_kept_before_a_change_is_committed_stay_until_it_is(
    data, django_capture_on_commit_callbacks
):
    period = Period(data.first_day, data.today)
    Figures(period).catalogue()
    with django_capture_on_commit_callbacks(execute=True):
        ProductFactory(enterprise=data.b)
        # not committed yet: a reading now may only see the rows as they were
        assert Figures(period).catalogue()["products_published"] == 3
    assert Figures(period).catalogue()["products_published"] == 4


def test_the_ocop_products_table_follows_a_certified_product(
    data, django_capture_on_commit_callbacks
):
    period = Period(data.first_day, data.today)
    assert Figures(period).ocop_products() == [{"ocop_group": 2, "stars": 4, "products": 1}]
    with django_capture_on_commit_callbacks(execute=True):
        certify(data.products["a2"], data.products["a1"])
    assert Figures(period).ocop_products() == [{"ocop_group": 2, "stars": 4, "products": 2}]


def approve(enterprise: Enterprise) -> None:
    enterprise.status = Enterprise.Status.APPROVED
    enterprise.approved_at = timezone.now()
    enterprise.save()


def revoke(certified: Product) -> None:
    """Revoke the OCOP certificate of `certified`."""
    certificate = certified.certificates.get()
    certificate.revoked_at = timezone.now()
    certificate.save()


def certify(product: Product, certified: Product) -> None:
    """Give `product` the OCOP certificate of `certified` (same enterprise)."""
    product.certificates.add(certified.certificates.get())
    refresh_ocop_badges(product_ids=[product.pk])
