"""The statistics API at /api/v1/insights/, mounted by `config.api`.

For the province's operations centre (IOC) and other consuming systems: each holds its own token
(issued and revoked by officers in the admin, or by `manage.py issue_api_token`) and sends it as
`Authorization: Bearer <token>`. `/api/v1/insights/open/` is the public, anonymised subset: no
token, no personal data, and no figure from which one enterprise's revenue can be read.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer

from insights.models import ApiToken
from insights.periods import Period, parse_period
from insights.selectors import Figures, summaries
from insights.services import token_holder

router = Router(tags=["statistics"])
OPEN_DATA_SECONDS = 600
MIN_SELLERS_SHOWN = 3  # a commune's revenue is published only when at least this many sold


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; a missing, unknown or revoked token is a 401 with the
    usual `{"detail": ...}` body in the client's language."""

    def __call__(self, request: HttpRequest) -> ApiToken | None:
        value = request.headers.get(self.header, "")
        scheme, _space, token = value.partition(" ")
        if scheme.lower() != self.openapi_scheme or not token.strip():
            raise HttpError(401, _("Send a statistics API token: Authorization: Bearer <token>."))
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        holder = token_holder(token)
        if holder is None:
            raise HttpError(401, _("This token is not valid or has been revoked."))
        return holder


class RangeQuery(Schema):
    start: str | None = Field(None, alias="from", description="First day, YYYY-MM-DD.")
    end: str | None = Field(None, alias="to", description="Last day (included), YYYY-MM-DD.")

    def period(self) -> Period:
        return parse_period(self.start, self.end)


class SeriesQuery(RangeQuery):
    interval: Literal["day", "month"] = "month"


class SummaryQuery(RangeQuery):
    compare: bool = Field(
        True, description="Also give the previous period and the same period last year."
    )


class FiguresOut(Schema):
    enterprises_registered: int = Field(description="Enterprises that registered in the range.")
    enterprises_approved: int = Field(description="Enterprises approved in the range.")
    enterprises_taking_part: int = Field(description="Approved enterprises at the range's end.")
    enterprises_active: int = Field(description="Enterprises with an order not cancelled.")
    products_listed: int = Field(description="Products listed (not archived or rejected).")
    products_published: int = Field(description="Products on sale at the range's end.")
    products_ocop: int = Field(description="Published products with a valid OCOP certificate.")
    products_sold: int = Field(description="Products with an order not cancelled.")
    certificates_valid: int = Field(description="OCOP certificates valid on the last day.")
    certificates_expiring: int = Field(description="Of those, expiring within 90 days.")
    certificates_expired: int = Field(description="OCOP certificates that lapsed in the range.")
    checkouts: int = Field(description="Checkouts (a checkout has one order per seller).")
    orders: int = Field(description="Orders: one seller's part of a checkout.")
    orders_online: int
    orders_delivered: int
    orders_refused: int = Field(description="Refused at the door or returned.")
    orders_cancelled: int
    cod_orders_delivered: int
    cod_orders_refused: int
    items: int = Field(description="Units sold in orders not cancelled.")
    revenue_vnd: int = Field(description="Goods value of orders not cancelled, in đồng.")
    gross_vnd: int = Field(description="Same as revenue_vnd.")
    gross_online_vnd: int = Field(description="Of which paid online.")
    delivered_vnd: int
    refused_vnd: int
    refunded_vnd: int
    cancelled_vnd: int
    online_share: float | None = Field(description="Orders paid online / orders.")
    cod_refusal_rate: float | None = Field(
        description="COD orders refused / COD orders delivered or refused."
    )
    qr_scans: int
    suspicious_scans: int = Field(description="Scans of unknown or flagged serials.")
    fake_reports: int = Field(description="Shoppers' reports of suspected fakes.")
    visits: int = Field(description="Storefront page views (bots excluded).")


class SummaryOut(FiguresOut):
    start: str = Field(alias="from")
    end: str = Field(alias="to")
    previous: FiguresOut | None = None
    same_period_last_year: FiguresOut | None = None


class SalesRow(Schema):
    orders: int
    orders_delivered: int
    orders_refused: int
    orders_cancelled: int
    items: int
    gross_vnd: int
    delivered_vnd: int
    refused_vnd: int
    refunded_vnd: int
    cancelled_vnd: int


class SeriesPoint(SalesRow):
    period: str = Field(description="The day, or the month's first day.")


class SeriesOut(Schema):
    start: str = Field(alias="from")
    end: str = Field(alias="to")
    interval: str
    points: list[SeriesPoint]


class CommuneRow(SalesRow):
    ward_code: int
    commune: str
    enterprises_registered: int
    enterprises_approved: int
    enterprises_taking_part: int
    enterprises_active: int


class CommunesOut(Schema):
    start: str = Field(alias="from")
    end: str = Field(alias="to")
    communes: list[CommuneRow]


class GroupRow(SalesRow):
    ocop_group: int = Field(description="OCOP product group 1-6 (0: outside the groups).")
    stars: int = Field(description="OCOP stars (0: no valid certificate).")


class OcopProductsRow(Schema):
    ocop_group: int
    stars: int
    products: int


class GroupsOut(Schema):
    start: str = Field(alias="from")
    end: str = Field(alias="to")
    groups: list[GroupRow]
    ocop_products: list[OcopProductsRow]


class OpenCommune(Schema):
    commune: str
    enterprises_taking_part: int
    enterprises_active: int
    orders: int
    revenue_vnd: int | None = Field(
        description="Left out (null) when fewer than 3 enterprises of the commune sold."
    )


class OpenDataOut(Schema):
    start: str = Field(alias="from")
    end: str = Field(alias="to")
    enterprises_taking_part: int
    enterprises_active: int
    products_published: int
    products_ocop: int
    certificates_valid: int
    orders: int
    revenue_vnd: int
    qr_scans: int
    visits: int
    ocop_products: list[OcopProductsRow]
    communes: list[OpenCommune]


def _range(period: Period) -> dict[str, str]:
    return {"from": period.start.isoformat(), "to": period.end.isoformat()}


def summary_payload(period: Period, *, compare: bool) -> dict[str, Any]:
    if not compare:
        return {**_range(period), **Figures(period).summary()}
    now, previous, last_year = summaries(
        Figures(period), Figures(period.previous()), Figures(period.last_year())
    )
    return {**_range(period), **now, "previous": previous, "same_period_last_year": last_year}


@router.get(
    "/insights/summary/",
    response=SummaryOut,
    by_alias=True,
    auth=TokenAuth(),
    summary="Headline figures of a date range",
)
def summary(request: HttpRequest, query: Query[SummaryQuery]) -> dict[str, Any]:
    """Every headline figure of the range (default: the twelve months to today), today
    included and current. With `compare` (the default) also the previous period of the same
    length and the same dates a year earlier."""
    return summary_payload(query.period(), compare=query.compare)


@router.get(
    "/insights/series/",
    response=SeriesOut,
    by_alias=True,
    auth=TokenAuth(),
    summary="Sales by day or month",
)
def series(request: HttpRequest, query: Query[SeriesQuery]) -> dict[str, Any]:
    period = query.period()
    figures = Figures(period)
    rows = figures.by_day() if query.interval == "day" else figures.by_month()
    points = [{**row, "period": row[query.interval].isoformat()} for row in rows]
    return {**_range(period), "interval": query.interval, "points": points}


@router.get(
    "/insights/communes/",
    response=CommunesOut,
    by_alias=True,
    auth=TokenAuth(),
    summary="Participation and sales by commune",
)
def communes(request: HttpRequest, query: Query[RangeQuery]) -> dict[str, Any]:
    period = query.period()
    return {**_range(period), "communes": Figures(period).by_commune()}


@router.get(
    "/insights/groups/",
    response=GroupsOut,
    by_alias=True,
    auth=TokenAuth(),
    summary="Sales by OCOP product group and star level",
)
def groups(request: HttpRequest, query: Query[RangeQuery]) -> dict[str, Any]:
    period = query.period()
    figures = Figures(period)
    return {
        **_range(period),
        "groups": figures.by_group(),
        "ocop_products": figures.ocop_products(),
    }


def open_data(period: Period) -> dict[str, Any]:
    """The anonymised subset: totals, and by commune the revenue only where at least
    MIN_SELLERS_SHOWN enterprises sold (so that no single seller's revenue shows)."""
    figures = Figures(period)
    summary = figures.summary()
    communes = [
        {
            "commune": row["commune"],
            "enterprises_taking_part": row["enterprises_taking_part"],
            "enterprises_active": row["enterprises_active"],
            "orders": row["orders"],
            "revenue_vnd": (
                row["gross_vnd"] if row["enterprises_active"] >= MIN_SELLERS_SHOWN else None
            ),
        }
        for row in figures.by_commune()
    ]
    revenue = summary["revenue_vnd"] if summary["enterprises_active"] >= MIN_SELLERS_SHOWN else 0
    return {
        **_range(period),
        **{name: summary[name] for name in OpenDataOut.model_fields if name in summary},
        "revenue_vnd": revenue,
        "ocop_products": figures.ocop_products(),
        "communes": communes,
    }


@router.get(
    "/insights/open/",
    response=OpenDataOut,
    by_alias=True,
    summary="Open data: anonymised participation and sales (no token)",
)
def open_statistics(request: HttpRequest, query: Query[RangeQuery]) -> dict[str, Any]:
    """Public: no personal data and no single enterprise's revenue. A commune's revenue is
    null when fewer than three of its enterprises sold in the range. Cached for ten minutes."""
    period = query.period()
    key = f"insights:open:{period.start}:{period.end}"
    payload = cache.get(key)
    if payload is None:
        payload = open_data(period)
        cache.set(key, payload, OPEN_DATA_SECONDS)
    return payload
