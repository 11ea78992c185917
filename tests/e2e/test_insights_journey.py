"""Journey: a trade department officer opens the participation and sales dashboard, reads a
headline figure and a chart's table, drills down to the enterprises of a commune, and downloads
the monthly report."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.roles import Role, assign_role
from insights.services import refresh_rollups
from tests.accounts.factories import UserFactory
from tests.e2e.test_seller_journey import sign_in_to_admin
from tests.insights.dataset import PHU_THINH, build

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_reads_the_dashboard_and_downloads_the_monthly_report(live_server, laptop_page):
    data = build()
    for day in (data.first_day, data.second_day):
        refresh_rollups(today=day)
    officer = UserFactory(phone="+84912000777")
    assign_role(officer, Role.OFFICER)
    page = laptop_page
    base = live_server.url
    query = f"from={data.first_day.isoformat()}&to={data.today.isoformat()}"

    # 1. The officer signs in and finds the dashboard in the admin menu
    sign_in_to_admin(page, base, "0912 000 777")
    expect(page.locator('a[href="/admin/insights/"]').first).to_be_attached()
    page.goto(f"{base}/admin/insights/?{query}")

    # 2. The headline revenue and orders (nothing to compare with before the first day)
    revenue = page.locator('[data-figure="revenue_vnd"]')
    expect(revenue).to_contain_text("540.000")
    expect(page.locator('[data-figure="orders"]')).to_contain_text("8")

    # 3. The commune chart, and the same numbers as a table
    communes = page.locator("#table-communes")
    expect(communes.locator(".insights-bars li")).to_have_count(2)
    communes.locator("summary").click()
    expect(communes.locator("table tbody tr")).to_have_count(2)
    expect(communes.locator("table")).to_contain_text("450.000")

    # 4. Drill down to the enterprises behind Phú Thịnh's figure
    communes.locator(f'a[href*="ward={PHU_THINH}"]').click()
    expect(page.locator("#table-enterprises")).to_contain_text("Công ty B")
    expect(page.locator("#table-enterprises")).not_to_contain_text("HTX Chè A")

    # 5. Back on the dashboard, download the monthly report as PDF and XLSX
    page.goto(f"{base}/admin/insights/?{query}")
    with page.expect_download() as pdf:
        page.locator('a[href*="format=pdf"]').click()
    assert pdf.value.path().read_bytes().startswith(b"%PDF")
    with page.expect_download() as xlsx:
        page.locator('a[href*="/admin/insights/report/"][href*="format=xlsx"]').click()
    assert xlsx.value.path().read_bytes().startswith(b"PK")
