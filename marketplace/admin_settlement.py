"""Settlement in the Wagtail admin (Reports → Settlement): per enterprise and period, what was
sold, delivered, refused and returned, cash collected on delivery against money paid online,
with an XLSX download. Officers see every enterprise (or one); a member sees only their own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from marketplace.models import Enterprise
from marketplace.scoping import enterprise_ids_for, enterprises_for
from marketplace.settlement import export_settlement_xlsx, settlement, totals
from payments.forms import DayRangeForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SettlementForm(DayRangeForm):
    max_days = 366

    enterprise = forms.ModelChoiceField(
        label=gettext_lazy("Enterprise"),
        queryset=Enterprise.objects.none(),
        required=False,
        empty_label=gettext_lazy("All my enterprises"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["enterprise"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = enterprises_for(user).only("pk", "name")
        if enterprise_ids_for(user) is None:
            field.empty_label = _("All enterprises")


def _may_settle(user: Any) -> bool:
    ids = enterprise_ids_for(user)
    return ids is None or bool(ids)


class SettlementView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "marketplace/admin/settlement.html"
    page_title = gettext_lazy("Settlement")
    header_icon = "table"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _may_settle(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # This month so far, unless other dates are asked for (journey 8: "see this month's
        # sales and settlement" on opening the page).
        today = timezone.localdate()
        this_month = {"since": today.replace(day=1).isoformat(), "until": today.isoformat()}
        form = SettlementForm(
            request.GET if "since" in request.GET else this_month, user=request.user
        )
        rows = total = None
        if form.is_valid():
            since: dt.date = form.cleaned_data["since"]
            until: dt.date = form.cleaned_data["until"]
            chosen = form.cleaned_data["enterprise"]
            ids = [chosen.pk] if chosen else enterprise_ids_for(request.user)
            if request.GET.get("format") == "xlsx":
                response = HttpResponse(
                    export_settlement_xlsx(since=since, until=until, enterprise_ids=ids),
                    content_type=XLSX,
                )
                name = f"doi-soat-ban-hang-{since:%Y%m%d}-{until:%Y%m%d}.xlsx"
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
            rows = settlement(since=since, until=until, enterprise_ids=ids)
            total = totals(rows)
        context = self.get_context_data(
            form=form, rows=rows, total=total, query=request.GET.urlencode()
        )
        return self.render_to_response(context)


def settlement_urls() -> list[URLPattern]:
    return [path("settlement/", SettlementView.as_view(), name="marketplace_settlement")]


class SettlementMenuItem(MenuItem):
    """Shown to officers and to members of an enterprise."""

    def is_shown(self, request: HttpRequest) -> bool:
        return _may_settle(request.user)
