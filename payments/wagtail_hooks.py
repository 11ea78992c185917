"""The officers' reconciliation report in the Wagtail admin (Reports → Payment reconciliation).

Our online payments of a date range beside what each gateway answers today, with CSV and XLSX
downloads. Officers and administrators only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.admin_menu import OfficerMenuItem
from accounts.roles import Role, has_role
from payments.forms import DayRangeForm
from payments.reconciliation import (
    export_reconciliation_csv,
    export_reconciliation_xlsx,
    reconciliation_report,
)


class ReconciliationForm(DayRangeForm):
    max_days = 31

    query_gateway = forms.BooleanField(
        label=gettext_lazy("Ask the gateways"),
        required=False,
        help_text=gettext_lazy("Without it, only our own records are listed (faster)."),
    )


def _bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Vietnam days [since, until] as UTC instants [start, end)."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(since, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


class ReconciliationView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "payments/admin/reconciliation.html"
    page_title = gettext_lazy("Payment reconciliation")
    header_icon = "list-ul"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not has_role(request.user, Role.OFFICER):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        today = timezone.localdate()
        data = request.GET if "since" in request.GET else None
        form = ReconciliationForm(
            data,
            initial={"since": today - dt.timedelta(days=6), "until": today, "query_gateway": True},
        )
        rows = None
        if form.is_bound and form.is_valid():
            start, end = _bounds(form.cleaned_data["since"], form.cleaned_data["until"])
            rows = reconciliation_report(
                since=start, until=end, query_gateway=form.cleaned_data["query_gateway"]
            )
            export = request.GET.get("format")
            name = (
                f"doi-soat-{form.cleaned_data['since']:%Y%m%d}-{form.cleaned_data['until']:%Y%m%d}"
            )
            if export == "csv":
                response = HttpResponse(
                    "\ufeff" + export_reconciliation_csv(rows),
                    content_type="text/csv; charset=utf-8",
                )
                response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
                return response
            if export == "xlsx":
                response = HttpResponse(
                    export_reconciliation_xlsx(rows),
                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
                response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
                return response
        context = self.get_context_data(
            form=form,
            rows=rows,
            mismatches=sum(1 for row in rows if not row.matches) if rows else 0,
            query=request.GET.urlencode(),
        )
        return self.render_to_response(context)


@hooks.register("register_admin_urls")
def register_reconciliation_url() -> list[URLPattern]:
    return [
        path(
            "payments/reconciliation/",
            ReconciliationView.as_view(),
            name="payments_reconciliation",
        )
    ]


@hooks.register("register_reports_menu_item")
def register_reconciliation_menu_item() -> MenuItem:
    return OfficerMenuItem(
        gettext_lazy("Payment reconciliation"),
        reverse("payments_reconciliation"),
        name="payment-reconciliation",
        icon_name="list-ul",
        order=900,
    )
