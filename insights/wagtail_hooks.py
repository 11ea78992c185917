"""The insights pages in the Wagtail admin: URLs and menu items by role."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.admin_menu import OfficerMenuItem
from insights import views
from marketplace.scoping import enterprise_ids_for


class MemberMenuItem(MenuItem):
    """Shown to enterprise members (not to officers, who have the province's dashboard)."""

    def is_shown(self, request: HttpRequest) -> bool:
        return bool(enterprise_ids_for(request.user))


@hooks.register("register_admin_urls")
def register_insights_urls() -> list[URLPattern]:
    return [
        path("insights/", views.DashboardView.as_view(), name="insights_dashboard"),
        path("insights/enterprises/", views.EnterprisesView.as_view(), name="insights_enterprises"),
        path(
            "insights/enterprise/",
            views.EnterpriseDashboardView.as_view(),
            name="insights_enterprise",
        ),
        path("insights/export/", views.export_table, name="insights_export"),
        path("insights/report/", views.report, name="insights_report"),
        path("insights/tokens/", views.TokensView.as_view(), name="insights_tokens"),
    ]


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item() -> MenuItem:
    return OfficerMenuItem(
        _("Participation and sales"),
        reverse("insights_dashboard"),
        name="insights",
        icon_name="table",
        order=150,
    )


@hooks.register("register_admin_menu_item")
def register_enterprise_menu_item() -> MenuItem:
    return MemberMenuItem(
        _("My sales"), reverse("insights_enterprise"), name="my-sales", icon_name="table", order=151
    )
