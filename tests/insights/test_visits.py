"""Storefront visits: counted per day in the cache without a query, bots and back office left
out, flushed to the database by the rollup refresh."""

from __future__ import annotations

import pytest
from django.utils import timezone

from insights.models import DailyVisits
from insights.periods import Period
from insights.selectors import Figures
from insights.visits import count_visit, flush_visits, pending_visits

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/130 Mobile Safari/537.36"


def test_a_persons_storefront_page_view_is_counted(client):
    today = timezone.localdate()
    client.get("/", headers={"User-Agent": BROWSER})
    assert pending_visits(today) == 1


@pytest.mark.parametrize(
    ("path", "agent"),
    [
        ("/", "Googlebot/2.1 (+http://www.google.com/bot.html)"),
        ("/", ""),
        ("/", "python-requests/2.32"),
        ("/admin/login/", BROWSER),
        ("/api/v1/products/", BROWSER),
        ("/khong-co-trang-nay/", BROWSER),
    ],
)
def test_bots_the_back_office_the_api_and_missing_pages_are_not_counted(client, path, agent):
    client.get(path, headers={"User-Agent": agent})
    assert pending_visits(timezone.localdate()) == 0


def test_counting_costs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        count_visit(timezone.localdate())
        count_visit(timezone.localdate())
    assert pending_visits(timezone.localdate()) == 2


def test_flushing_moves_the_counts_to_the_database_once(client):
    today = timezone.localdate()
    for _n in range(3):
        client.get("/", headers={"User-Agent": BROWSER})
    assert Figures(Period(today, today)).visits() == 3  # cache only, still current
    assert flush_visits(today) == 3
    assert flush_visits(today) == 0
    assert DailyVisits.objects.get(day=today).views == 3
    assert pending_visits(today) == 0
    assert Figures(Period(today, today)).visits() == 3
