"""The officers' reconciliation page in the Wagtail admin."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import Role, assign_role
from payments.services import start_payment
from tests.accounts.factories import UserFactory
from tests.payments.conftest import local_path

pytestmark = pytest.mark.django_db
URL = "/admin/payments/reconciliation/"


@pytest.fixture
def officer():
    user = UserFactory()
    assign_role(user, Role.OFFICER)
    return user


def _paid(orders, client, reference, amount):
    payment = start_payment(order=orders.add(reference, amount), provider_code="vnpay")
    page = client.get(local_path(payment.redirect_url))
    client.post(
        local_path(payment.redirect_url),
        {"token": page.context["transaction"].token, "choice": "pay"},
    )
    return payment


def test_only_officers_see_the_report(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(URL).status_code in {302, 403}


def test_report_lists_ours_beside_the_gateway_and_downloads(orders, client, gateway_http, officer):
    # given
    _paid(orders, client, "DH2000", 120_000)
    start_payment(order=orders.add("DH2001", 60_000), provider_code="vnpay")
    client.force_login(officer)
    today = timezone.localdate().isoformat()
    query = {"since": today, "until": today, "query_gateway": "on"}
    # when
    page = client.get(URL, query)
    # then
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(row.order_reference, row.our_status, row.gateway_outcome) for row in rows] == [
        ("DH2000", "paid", "paid"),
        ("DH2001", "pending", "unknown"),  # the shopper never reached VNPay
    ]
    assert page.context["mismatches"] == 0
    csv_response = client.get(URL, {**query, "format": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "DH2000" in csv_response.content.decode("utf-8-sig")
    xlsx = client.get(URL, {**query, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(row=2, column=2).value == "DH2000"


def test_bad_date_range_is_explained_and_lists_nothing(client, officer):
    client.force_login(officer)
    page = client.get(URL, {"since": "2026-03-10", "until": "2026-01-01"})
    assert page.status_code == 200
    assert page.context["rows"] is None
    assert page.context["form"].non_field_errors()
    page = client.get(URL, {"since": "2026-01-01", "until": "2026-03-10"})
    assert page.context["rows"] is None
    page = client.get(URL, {"since": "9999-12-31", "until": "9999-12-31"})
    assert page.status_code == 200
    assert page.context["rows"] is None
    assert page.context["form"].non_field_errors()
