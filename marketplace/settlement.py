"""Settlement: what each enterprise sold in a period and how the money came in.

For each enterprise, over the order parts placed in the period (Vietnam days): how many were
placed, the goods sold (parts not cancelled), delivered, refused at the door, returned and
cancelled, the cash collected on delivery (cash-on-delivery parts delivered) and the money paid
online (parts of orders paid by e-wallet that were neither cancelled nor refused). Statuses are
as they stand today, so a statement for last month moves as its last parcels arrive.

One grouped query for the summary, one for the lines; exported to XLSX for the enterprise and
for officers (`admin_settlement`).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Count, F, Q, QuerySet, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.models import Order, PaymentMethod, SubOrder
from payments.money import XLSX_VND_FORMAT
from payments.sheets import sheet_row

S = SubOrder.Status
DELIVERED = (S.DELIVERED, S.COMPLETED)
REFUSED = (S.DELIVERY_FAILED, S.RETURNED)
_DELIVERED = Q(status__in=DELIVERED)
_COD = Q(order__payment_method=PaymentMethod.COD)
_PAID_ONLINE = (
    ~_COD
    & Q(order__payment_status=Order.PaymentStatus.PAID)
    & ~Q(status__in=(S.CANCELLED, *REFUSED))
)
_VALUE = F("items_vnd") + F("shipping_vnd")


@dataclass(frozen=True)
class SettlementRow:
    enterprise_id: int
    enterprise_name: str
    parts: int
    goods_vnd: int
    delivered: int
    delivered_vnd: int
    refused: int
    returned: int
    cancelled: int
    cod_collected_vnd: int
    paid_online_vnd: int


def period_bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Vietnam days [since, until] as instants [start, end)."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(since, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def _parts(
    *, since: dt.date, until: dt.date, enterprise_ids: Iterable[int] | None
) -> QuerySet[SubOrder]:
    start, end = period_bounds(since, until)
    parts = SubOrder.objects.filter(created_at__gte=start, created_at__lt=end)
    if enterprise_ids is not None:
        parts = parts.filter(enterprise_id__in=list(enterprise_ids))
    return parts


def settlement(
    *, since: dt.date, until: dt.date, enterprise_ids: Iterable[int] | None = None
) -> list[SettlementRow]:
    """One row per enterprise with parts placed in the period (all enterprises when
    `enterprise_ids` is None), by name. One query."""
    rows = (
        _parts(since=since, until=until, enterprise_ids=enterprise_ids)
        .values("enterprise_id", "enterprise__name")
        .annotate(
            parts=Count("id"),
            goods_vnd=Sum("items_vnd", filter=~Q(status=S.CANCELLED), default=0),
            delivered=Count("id", filter=_DELIVERED),
            delivered_vnd=Sum(_VALUE, filter=_DELIVERED, default=0),
            refused=Count("id", filter=Q(status__in=REFUSED)),
            returned=Count("id", filter=Q(status=S.RETURNED)),
            cancelled=Count("id", filter=Q(status=S.CANCELLED)),
            cod_collected_vnd=Sum(_VALUE, filter=_DELIVERED & _COD, default=0),
            paid_online_vnd=Sum(_VALUE, filter=_PAID_ONLINE, default=0),
        )
        .order_by("enterprise__name", "enterprise_id")
    )
    return [
        SettlementRow(
            enterprise_id=row["enterprise_id"],
            enterprise_name=row["enterprise__name"],
            parts=row["parts"],
            goods_vnd=int(row["goods_vnd"]),
            delivered=row["delivered"],
            delivered_vnd=int(row["delivered_vnd"]),
            refused=row["refused"],
            returned=row["returned"],
            cancelled=row["cancelled"],
            cod_collected_vnd=int(row["cod_collected_vnd"]),
            paid_online_vnd=int(row["paid_online_vnd"]),
        )
        for row in rows
    ]


def totals(rows: Iterable[SettlementRow]) -> SettlementRow:
    rows = list(rows)

    def total(name: str) -> int:
        return sum(getattr(row, name) for row in rows)

    return SettlementRow(
        enterprise_id=0,
        enterprise_name=_("Total"),
        **{name: total(name) for name in SUMMED},  # type: ignore[arg-type]
    )


SUMMED = (
    "parts",
    "goods_vnd",
    "delivered",
    "delivered_vnd",
    "refused",
    "returned",
    "cancelled",
    "cod_collected_vnd",
    "paid_online_vnd",
)


def summary_headers() -> list[str]:
    return [
        _("Enterprise"),
        _("Order parts placed"),
        _("Goods sold (đồng)"),
        _("Delivered"),
        _("Delivered, with shipping (đồng)"),
        _("Refused at the door"),
        _("Returned to the seller"),
        _("Cancelled"),
        _("Cash collected on delivery (đồng)"),
        _("Paid online (đồng)"),
    ]


def _summary_values(row: SettlementRow) -> list[object]:
    return [row.enterprise_name, *(getattr(row, name) for name in SUMMED)]


def settlement_lines(
    *, since: dt.date, until: dt.date, enterprise_ids: Iterable[int] | None = None
) -> QuerySet[SubOrder]:
    """The parts behind the summary, oldest first, with their orders and enterprises."""
    return (
        _parts(since=since, until=until, enterprise_ids=enterprise_ids)
        .select_related("order", "enterprise")
        .annotate(
            # the summary's own conditions, per part
            cod_collected_vnd=Case(When(_DELIVERED & _COD, then=_VALUE), default=0),
            paid_online_vnd=Case(When(_PAID_ONLINE, then=_VALUE), default=0),
        )
        .order_by("enterprise__name", "created_at", "id")
    )


def _line_values(part: SubOrder) -> list[object]:
    order = part.order
    return [
        part.enterprise.name,
        order.code,
        timezone.localtime(part.created_at).replace(tzinfo=None),
        str(part.get_status_display()),
        str(order.get_payment_method_display()),
        str(order.get_payment_status_display()),
        int(part.items_vnd),
        int(part.shipping_vnd),
        int(part.cod_collected_vnd),  # type: ignore[attr-defined]
        int(part.paid_online_vnd),  # type: ignore[attr-defined]
    ]


def _line_headers() -> list[str]:
    return [
        _("Enterprise"),
        _("Order"),
        _("Placed at"),
        _("Status"),
        _("Payment method"),
        _("Payment status"),
        _("Goods (đồng)"),
        _("Shipping (đồng)"),
        _("Cash collected on delivery (đồng)"),
        _("Paid online (đồng)"),
    ]


def export_settlement_xlsx(
    *, since: dt.date, until: dt.date, enterprise_ids: Iterable[int] | None = None
) -> bytes:
    """A workbook with the summary (one row per enterprise and a total) and every part."""
    # Imported here: openpyxl weighs about 18 MB, which a web worker needs only for this.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    ids = None if enterprise_ids is None else list(enterprise_ids)
    rows = settlement(since=since, until=until, enterprise_ids=ids)
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = _("Summary")[:31]
    summary.append([_("Settlement from %(since)s to %(until)s") % _period(since, until)])
    summary["A1"].font = Font(bold=True)
    summary.append([])
    summary.append(summary_headers())
    for row in rows:
        summary.append(sheet_row(_summary_values(row)))
    summary.append(sheet_row(_summary_values(totals(rows))))
    for cell in summary[summary.max_row]:
        cell.font = Font(bold=True)
    _money_columns(summary, ("C", "E", "I", "J"), first_row=4)
    lines = workbook.create_sheet(_("Order parts")[:31])
    lines.append(_line_headers())
    for part in settlement_lines(since=since, until=until, enterprise_ids=ids).iterator(
        chunk_size=2000
    ):
        lines.append(sheet_row(_line_values(part)))
    for cell in lines["C"][1:]:
        cell.number_format = "dd/mm/yyyy hh:mm"
    _money_columns(lines, ("G", "H", "I", "J"), first_row=2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _period(since: dt.date, until: dt.date) -> dict[str, str]:
    return {"since": f"{since:%d/%m/%Y}", "until": f"{until:%d/%m/%Y}"}


def _money_columns(sheet: object, columns: Iterable[str], *, first_row: int) -> None:
    for column in columns:
        for cell in sheet[column][first_row - 1 :]:  # type: ignore[index]
            cell.number_format = XLSX_VND_FORMAT
