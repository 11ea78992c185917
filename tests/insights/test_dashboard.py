"""The dashboards in the admin: who sees what, the numbers shown, exports, the monthly report."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from accounts.roles import Role, assign_role
from insights.exports import vietnamese_font
from insights.models import ApiToken
from insights.tasks import refresh_insights_rollups
from payments.money import XLSX_VND_FORMAT
from tests.accounts.factories import UserFactory
from tests.insights.test_figures import rebuild
from tests.marketplace.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(db):
    user = UserFactory()
    assign_role(user, Role.OFFICER)
    return user


def member_of(enterprise):
    user = UserFactory()
    MembershipFactory(enterprise=enterprise, user=user)
    assign_role(user, Role.ENTERPRISE_MEMBER)
    return user


def refused(response) -> bool:
    """Wagtail answers a PermissionDenied in the admin with a redirect to its home page."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url in {"/admin/", "/"}
    )


def period(data) -> dict[str, str]:
    return {"from": data.first_day.isoformat(), "to": data.today.isoformat()}


def test_an_officer_sees_the_province_dashboard(client, data, officer):
    rebuild(data)
    client.force_login(officer)
    response = client.get("/admin/insights/", period(data))
    assert response.status_code == 200
    text = response.content.decode()
    assert "540.000\u00a0₫" in text  # revenue
    assert 'data-figure="orders"' in text
    assert 'data-figure="fake_reports"' in text  # journey 11: scans and fake reports
    assert "/admin/insights/enterprises/?" in text  # drill-down links
    assert "HTX Chè A" not in text  # names only behind the drill-down


def test_the_drill_down_lists_the_enterprises_of_a_commune(client, data, officer):
    rebuild(data)
    client.force_login(officer)
    response = client.get("/admin/insights/enterprises/", {**period(data), "ward": 5506})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Công ty B" in text
    assert "HTX Chè A" not in text
    assert "90.000\u00a0₫" in text


def test_a_member_sees_only_their_own_enterprise(client, data):
    rebuild(data)
    client.force_login(member_of(data.b))
    assert refused(client.get("/admin/insights/", period(data)))
    assert refused(client.get("/admin/insights/enterprises/", period(data)))
    assert refused(client.get("/admin/insights/report/", {"month": "2026-01"}))
    assert refused(client.get("/admin/insights/tokens/"))
    mine = client.get("/admin/insights/enterprise/", period(data))
    assert mine.status_code == 200
    assert "Công ty B" in mine.content.decode()
    assert "90.000\u00a0₫" in mine.content.decode()
    other = client.get("/admin/insights/enterprise/", {**period(data), "enterprise": data.a.pk})
    assert other.status_code == 404
    odd = client.get("/admin/insights/enterprise/", {**period(data), "enterprise": "²"})
    assert odd.status_code == 200  # a digit int() does not read: no enterprise chosen
    export = client.get(
        "/admin/insights/export/",
        {**period(data), "table": "months", "format": "csv", "enterprise": data.a.pk},
    )
    assert refused(export)
    province = client.get("/admin/insights/export/", {**period(data), "table": "communes"})
    assert refused(province)


def test_shoppers_and_anonymous_visitors_get_no_dashboard(client, data):
    assert client.get("/admin/insights/").status_code == 302  # to the admin's sign-in
    client.force_login(UserFactory())
    for url in ("/admin/insights/", "/admin/insights/enterprise/", "/admin/insights/export/"):
        response = client.get(url)
        assert response.status_code in {302, 403}
        assert b"540.000" not in response.content


def test_bad_dates_show_a_400_with_the_message(client, officer):
    client.force_login(officer)
    assert client.get("/admin/insights/", {"to": "0001-06-15"}).status_code == 400
    response = client.get("/admin/insights/", {"from": "2026-02-30"})
    assert response.status_code == 400
    response = client.get("/admin/insights/", {"from": "2026-03-01", "to": "2026-01-01"})
    assert response.status_code == 400


def test_every_table_exports_as_xlsx_with_the_numbers(client, data, officer):
    rebuild(data)
    client.force_login(officer)
    for table in ("months", "communes", "kinds", "groups", "methods", "ocop", "enterprises"):
        response = client.get(
            "/admin/insights/export/", {**period(data), "table": table, "format": "xlsx"}
        )
        assert response.status_code == 200, table
        load_workbook(io.BytesIO(response.content))
    response = client.get(
        "/admin/insights/export/", {**period(data), "table": "communes", "format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    revenue_column = [cell.value for cell in sheet[1]].index(
        next(cell.value for cell in sheet[1] if cell.value in {"Revenue", "Doanh thu"})
    )
    assert sorted(row[revenue_column] for row in sheet.iter_rows(min_row=2, values_only=True)) == [
        90_000,
        450_000,
    ]
    assert {row[revenue_column].number_format for row in sheet.iter_rows(min_row=2)} == {
        XLSX_VND_FORMAT
    }
    csv = client.get("/admin/insights/export/", {**period(data), "table": "methods"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "\n" in csv.content.decode("utf-8-sig")


def test_the_monthly_report_opens_as_xlsx_and_pdf(client, data, officer):
    rebuild(data)
    client.force_login(officer)
    month = data.first_day.strftime("%Y-%m")
    xlsx = client.get("/admin/insights/report/", {"month": month, "format": "xlsx"})
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.content))
    summary = workbook.worksheets[0]
    cards = list(summary.iter_rows(min_row=4, values_only=True))
    orders = cards[4][1]  # taking part, active, on sale, sold, then orders
    expected = 6 + sum(
        1 for day in (data.second_day, data.today) if day.month == data.first_day.month
    )
    assert orders == expected
    # the period as dates, money with its sign, counts grouped
    assert [cell.number_format for cell in summary[2][1::2]] == ["dd/mm/yyyy"] * 2
    assert summary.cell(row=2, column=2).value.date() == data.first_day.replace(day=1)
    formats = {row[0].value: row[1].number_format for row in summary.iter_rows(min_row=4)}
    with translation.override("vi"):  # the report's language: the site's default
        assert formats[gettext("Revenue")] == XLSX_VND_FORMAT
        assert formats[gettext("Orders")] == "#,##0"
    pdf = client.get("/admin/insights/report/", {"month": month, "format": "pdf"})
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf.content.count(b"/Type /Page\n") >= 1
    font = vietnamese_font()  # a TrueType font with the Vietnamese letters, when installed
    assert font == "Helvetica" or font.encode() in pdf.content
    for month in ("2026-13", "1-1", "9999-12", "2026-²"):
        assert client.get("/admin/insights/report/", {"month": month}).status_code == 400


def test_officers_issue_and_revoke_tokens_in_the_admin(client, officer):
    client.force_login(officer)
    response = client.post("/admin/insights/tokens/", {"name": "IOC"})
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.prefix in response.content.decode()
    client.post("/admin/insights/tokens/", {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_dashboard_costs_a_fixed_number_of_queries(
    client, data, officer, django_assert_num_queries
):
    rebuild(data)
    client.force_login(officer)
    # the stored days' part and the catalogue counts (6 queries) are kept after this
    client.get("/admin/insights/", period(data))
    with django_assert_num_queries(31):
        client.get("/admin/insights/", period(data))


def test_enterprise_dashboard_costs_a_fixed_number_of_queries(
    client, data, django_assert_num_queries
):
    rebuild(data)
    client.force_login(member_of(data.a))
    client.get("/admin/insights/enterprise/", period(data))  # as above, kept after this
    with django_assert_num_queries(27):
        client.get("/admin/insights/enterprise/", period(data))


def test_a_member_of_two_enterprises_chooses_between_them(client, data):
    rebuild(data)
    user = member_of(data.a)
    MembershipFactory(enterprise=data.b, user=user)
    client.force_login(user)
    response = client.get("/admin/insights/enterprise/", {**period(data), "enterprise": data.b.pk})
    text = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{data.a.pk}"' in text
    assert f'<option value="{data.b.pk}" selected' in text
    assert "90.000\u00a0₫" in text


def test_the_nightly_refresh_leaves_the_default_dashboard_warm(client, data, officer):
    # given: the refresh task, as cron runs it after midnight
    refresh_insights_rollups.call()
    client.force_login(officer)
    # when: the first officer of the day opens the dashboard, then opens it again
    with CaptureQueriesContext(connection) as first:
        assert client.get("/admin/insights/").status_code == 200
    with CaptureQueriesContext(connection) as again:
        client.get("/admin/insights/")
    # then: the first view already found the stored days' figures in the cache
    assert len(first.captured_queries) == len(again.captured_queries)
