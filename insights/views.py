"""The dashboards in the Wagtail admin, their exports, the monthly report and the API tokens.

Officers (and administrators) see the province, drill down to enterprises, download reports and
manage tokens; an enterprise member sees the smaller dashboard of their own enterprise only;
anyone else is refused (403).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.roles import Role, has_role
from insights.exports import monthly_report, report_pdf, report_xlsx, table_csv, table_xlsx
from insights.models import ApiToken
from insights.periods import Period, parse_month, parse_period
from insights.selectors import Figures
from insights.services import issue_api_token, revoke_api_token
from insights.tables import (
    ENTERPRISE_TABLES,
    PROVINCE_TABLES,
    Table,
    headline,
    province_dashboard,
)
from marketplace.models import Enterprise
from marketplace.scoping import enterprise_ids_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_officer(user: Any) -> bool:
    return bool(getattr(user, "is_active", False)) and has_role(user, Role.OFFICER)


def require_officer(request: HttpRequest) -> None:
    if not is_officer(request.user):
        raise PermissionDenied


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class PeriodMixin:
    """Reads `from`/`to`; bad input shows the dashboard's form with the message (a 400)."""

    request: HttpRequest

    def period(self) -> Period:
        return parse_period(self.request.GET.get("from"), self.request.GET.get("to"))

    def period_query(self, period: Period) -> str:
        return f"from={period.start.isoformat()}&to={period.end.isoformat()}"


class InsightsView(PeriodMixin, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "table"

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def allowed(self) -> bool:
        return is_officer(self.request.user)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.allowed():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            period = self.period()
        except ValidationError as error:
            context = self.get_context_data(errors=error.messages, period=None, **kwargs)
            return self.render_to_response(context, status=400)
        return self.render_to_response(self.get_context_data(period=period, **kwargs))


class DashboardView(InsightsView):
    """The province: headline numbers with their change, charts with their tables, communes."""

    template_name = "insights/dashboard.html"
    page_title = gettext_lazy("Participation and sales")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        period: Period | None = kwargs.get("period")
        if period is None:
            return context
        cards, tables = province_dashboard(period)
        query = self.period_query(period)
        communes = next(table for table in tables if table.name == "communes")
        drill = reverse("insights_enterprises")
        communes.links = {
            index: f"{drill}?{query}&ward={row['ward_code']}"
            for index, row in enumerate(communes.rows)
        }
        kinds = next(table for table in tables if table.name == "kinds")
        kinds.links = {
            index: f"{drill}?{query}&kind={row['kind']}" for index, row in enumerate(kinds.rows)
        }
        context.update(
            cards=cards,
            tables=tables,
            query=query,
            export_url=reverse("insights_export"),
            drill_url=drill,
            report_month=(period.end.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
            if period.end >= timezone.localdate()
            else period.end.strftime("%Y-%m"),
        )
        return context


class EnterprisesView(InsightsView):
    """The enterprises behind a number: filtered by commune or kind, best sellers first."""

    template_name = "insights/enterprises.html"
    page_title = gettext_lazy("Enterprises behind the figures")

    def filters(self) -> dict[str, Any]:
        filters: dict[str, Any] = {}
        ward = self.request.GET.get("ward", "")
        if ward.isdecimal():
            filters["ward_code"] = int(ward)
        kind = self.request.GET.get("kind", "")
        if kind in Enterprise.Kind.values:
            filters["kind"] = kind
        return filters

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        period: Period | None = kwargs.get("period")
        if period is None:
            return context
        filters = self.filters()
        table = PROVINCE_TABLES["enterprises"](Figures(period), **filters)
        mine = reverse("insights_enterprise")
        query = self.period_query(period)
        table.links = {
            index: f"{mine}?{query}&enterprise={row['enterprise_id']}"
            for index, row in enumerate(table.rows)
        }
        extra = "".join(
            f"&{key}={value}"
            for key, value in (("ward", filters.get("ward_code")), ("kind", filters.get("kind")))
            if value
        )
        context.update(tables=[table], query=query + extra, export_url=reverse("insights_export"))
        return context


class EnterpriseDashboardView(InsightsView):
    """One enterprise's sales, products and scans: a member's own (the first of theirs, or the
    one chosen), or any enterprise for an officer."""

    template_name = "insights/enterprise.html"
    page_title = gettext_lazy("My sales")

    def allowed(self) -> bool:
        ids = enterprise_ids_for(self.request.user)
        return ids is None or bool(ids)

    def enterprise(self) -> Enterprise:
        ids = enterprise_ids_for(self.request.user)
        chosen = self.request.GET.get("enterprise", "")
        enterprises = Enterprise.objects.all()
        if ids is not None:
            enterprises = enterprises.filter(pk__in=ids)
        if chosen.isdecimal():
            enterprise = enterprises.filter(pk=int(chosen)).first()
        else:
            enterprise = enterprises.order_by("name").first() if ids is not None else None
        if enterprise is None:
            raise Http404
        return enterprise

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        period: Period | None = kwargs.get("period")
        if period is None:
            return context
        enterprise = self.enterprise()
        scope = frozenset({enterprise.pk})
        figures = Figures(period, enterprise_ids=scope)
        cards = headline(
            figures,
            Figures(period.previous(), enterprise_ids=scope),
            Figures(period.last_year(), enterprise_ids=scope),
        )
        ids = enterprise_ids_for(self.request.user)
        context.update(
            enterprise=enterprise,
            choices=(
                Enterprise.objects.filter(pk__in=ids).order_by("name")
                if ids and len(ids) > 1
                else None
            ),
            cards=cards,
            tables=[build(figures) for build in ENTERPRISE_TABLES.values()],
            query=f"{self.period_query(period)}&enterprise={enterprise.pk}",
            export_url=reverse("insights_export"),
        )
        return context


def export_table(request: HttpRequest) -> HttpResponse:
    """GET ?table=communes&format=xlsx&from=…&to=…[&enterprise=…]: one table as CSV or XLSX.
    Officers may export any table; a member only their own enterprise's tables."""
    name = request.GET.get("table", "")
    file_format = request.GET.get("format", "csv")
    if file_format not in {"csv", "xlsx"}:
        raise Http404
    try:
        period = parse_period(request.GET.get("from"), request.GET.get("to"))
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")
    chosen = request.GET.get("enterprise", "")
    table: Table
    if chosen.isdecimal():
        ids = enterprise_ids_for(request.user)
        if not ids and ids is not None:
            raise PermissionDenied
        if ids is not None and int(chosen) not in ids:
            raise PermissionDenied
        if name not in ENTERPRISE_TABLES:
            raise Http404
        table = ENTERPRISE_TABLES[name](Figures(period, enterprise_ids=frozenset({int(chosen)})))
    else:
        require_officer(request)
        if name not in PROVINCE_TABLES:
            raise Http404
        filters: dict[str, Any] = {}
        if name == "enterprises":
            ward, kind = request.GET.get("ward", ""), request.GET.get("kind", "")
            if ward.isdecimal():
                filters["ward_code"] = int(ward)
            if kind in Enterprise.Kind.values:
                filters["kind"] = kind
        table = PROVINCE_TABLES[name](Figures(period), **filters)
    filename = f"{table.name}-{period.start}-{period.end}.{file_format}"
    if file_format == "csv":
        return download(table_csv(table), filename, "text/csv; charset=utf-8")
    return download(table_xlsx(table), filename, XLSX)


def report(request: HttpRequest) -> HttpResponse:
    """GET ?month=YYYY-MM&format=pdf|xlsx: the monthly report, generated on demand."""
    require_officer(request)
    file_format = request.GET.get("format", "pdf")
    try:
        period = parse_month(request.GET.get("month", ""))
    except ValidationError as error:
        return HttpResponse(
            " ".join(error.messages), status=400, content_type="text/plain; charset=utf-8"
        )
    if file_format not in {"pdf", "xlsx"}:
        raise Http404
    monthly = monthly_report(period)
    if file_format == "pdf":
        return download(report_pdf(monthly), f"{monthly.filename}.pdf", "application/pdf")
    return download(report_xlsx(monthly), f"{monthly.filename}.xlsx", XLSX)


class IssueTokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("System"), max_length=120)


class TokensView(WagtailAdminTemplateMixin, TemplateView):
    """The statistics API's tokens: issue one (shown once), revoke one."""

    template_name = "insights/tokens.html"
    page_title = gettext_lazy("Statistics API tokens")
    header_icon = "key"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        require_officer(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", IssueTokenForm())
        context["tokens"] = ApiToken.objects.select_related("created_by")
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        revoke = request.POST.get("revoke", "")
        if revoke.isdecimal():
            if ApiToken.objects.filter(pk=int(revoke)).exists():
                revoke_api_token(token_id=int(revoke))
            return redirect("insights_tokens")
        form = IssueTokenForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        row, token = issue_api_token(name=form.cleaned_data["name"], actor=request.user)
        return self.render_to_response(self.get_context_data(new_token=token, new_row=row))
