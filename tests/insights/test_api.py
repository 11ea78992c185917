"""The statistics API: tokens, the figures it answers, bad input, the open-data subset."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from insights.models import ApiToken, ProvinceDay
from insights.services import hash_token, issue_api_token, revoke_api_token
from tests.insights.dataset import EXPECTED, TAN_CUONG
from tests.insights.test_figures import rebuild

pytestmark = pytest.mark.django_db
SUMMARY = "/api/v1/insights/summary/"


@pytest.fixture
def token(db) -> str:
    return issue_api_token(name="IOC Thái Nguyên")[1]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_summary_gives_the_figures_of_the_range_with_today_current(client, data, token):
    rebuild(data)
    response = client.get(
        SUMMARY,
        {"from": data.first_day.isoformat(), "to": data.today.isoformat()},
        headers=bearer(token),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["from"] == data.first_day.isoformat()
    for name in ("enterprises_active", "products_published", "orders", "revenue_vnd", "qr_scans"):
        assert body[name] == EXPECTED[name]
    assert body["previous"]["orders"] == 0
    assert body["same_period_last_year"]["revenue_vnd"] == 0


def test_summary_without_a_token_or_with_a_revoked_one_is_refused(client, data, token):
    assert client.get(SUMMARY).status_code == 401
    assert client.get(SUMMARY, headers=bearer("ocop_wrong")).status_code == 401
    assert client.get(SUMMARY, headers=bearer(token)).status_code == 200
    revoke_api_token(token_id=ApiToken.objects.get().pk)
    response = client.get(SUMMARY, headers=bearer(token))
    assert response.status_code == 401
    assert set(response.json()) >= {"detail"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "from"),
        ({"from": "2020-01-01", "to": "2025-12-31"}, "to"),
        ({"from": "1999-01-01", "to": "2000-01-01"}, "from"),
        ({"to": "0001-06-15"}, "to"),  # its default start would be in year 0
        ({"from": "9999-12-31"}, "from"),
    ],
)
def test_bad_dates_are_a_400_with_the_field_at_fault(client, token, params, field):
    response = client.get(SUMMARY, params, headers=bearer(token))
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert field in body["errors"]


def test_series_communes_and_groups(client, data, token):
    rebuild(data)
    period = {"from": data.first_day.isoformat(), "to": data.today.isoformat()}
    series = client.get(
        "/api/v1/insights/series/", {**period, "interval": "day"}, headers=bearer(token)
    ).json()
    by_day = {point["period"]: point["orders"] for point in series["points"]}
    assert by_day == {
        data.first_day.isoformat(): 6,
        data.second_day.isoformat(): 1,
        data.today.isoformat(): 1,
    }
    communes = client.get("/api/v1/insights/communes/", period, headers=bearer(token)).json()
    tan_cuong = next(row for row in communes["communes"] if row["ward_code"] == TAN_CUONG)
    assert (tan_cuong["gross_vnd"], tan_cuong["enterprises_active"]) == (450_000, 1)
    groups = client.get("/api/v1/insights/groups/", period, headers=bearer(token)).json()
    assert {(row["ocop_group"], row["stars"]) for row in groups["groups"]} == {(2, 0), (2, 4)}
    assert groups["ocop_products"] == [{"ocop_group": 2, "stars": 4, "products": 1}]


def test_open_data_needs_no_token_and_hides_a_single_sellers_revenue(client, data):
    rebuild(data)
    response = client.get(
        "/api/v1/insights/open/",
        {"from": data.first_day.isoformat(), "to": data.today.isoformat()},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["orders"] == 8
    assert body["enterprises_active"] == 2
    # two sellers only: no revenue at all, and none by commune
    assert body["revenue_vnd"] == 0
    assert all(row["revenue_vnd"] is None for row in body["communes"])
    text = response.content.decode()
    for private in ("HTX Chè A", "Công ty B", "+84987654321", "Nguyễn Thị Hoa"):
        assert private not in text


def test_the_statistics_api_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json()
    for path in ("summary", "series", "communes", "groups", "open"):
        assert f"/api/v1/insights/{path}/" in document["paths"]
    summary = document["paths"]["/api/v1/insights/summary/"]["get"]
    assert summary["security"]
    assert "security" not in document["paths"]["/api/v1/insights/open/"]["get"]


def test_issue_api_token_command_prints_a_token_that_works(client, capsys):
    call_command("issue_api_token", name="Cổng dữ liệu mở")
    token = capsys.readouterr().out.strip()
    row = ApiToken.objects.get()
    assert row.name == "Cổng dữ liệu mở"
    assert row.token_hash == hash_token(token)
    assert token not in (row.token_hash, row.prefix)
    assert client.get(SUMMARY, headers=bearer(token)).status_code == 200


def test_summary_costs_a_fixed_number_of_queries(client, data, token, django_assert_num_queries):
    rebuild(data)
    period = {"from": data.first_day.isoformat(), "to": data.today.isoformat(), "compare": "false"}
    client.get(SUMMARY, period, headers=bearer(token))  # the token's last use is recorded once
    # today's live part costs 7 queries (units come with the parts, communes from the sellers);
    # the catalogue's 3 counts are kept from the first request
    with django_assert_num_queries(13):
        client.get(SUMMARY, period, headers=bearer(token))


def test_rebuild_rollups_command_covers_the_range(data):
    call_command(
        "rebuild_rollups",
        "--from",
        (data.first_day - datetime.timedelta(days=1)).isoformat(),
        "--to",
        data.second_day.isoformat(),
        verbosity=0,
    )
    assert ProvinceDay.objects.count() == 3


@pytest.mark.parametrize(
    ("path", "queries"),
    [("series", 10), ("communes", 13), ("groups", 12), ("open", 22)],
)
def test_each_endpoint_costs_a_fixed_number_of_queries(
    client, data, token, django_assert_num_queries, path, queries
):
    rebuild(data)
    period = {"from": data.first_day.isoformat(), "to": data.today.isoformat()}
    client.get(SUMMARY, period, headers=bearer(token))  # the token's last use is recorded once
    with django_assert_num_queries(queries):
        client.get(f"/api/v1/insights/{path}/", period, headers=bearer(token))
