"""The marketplace's back office in the Wagtail admin."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.permissions import register_permission_policy

from marketplace import admin_import  # noqa: F401  (registers its own admin URL and menu item)
from marketplace.admin_orders import SubOrderViewSet
from marketplace.admin_settlement import SettlementMenuItem, settlement_urls
from marketplace.admin_traceability import TraceabilityGroup, register_policies
from marketplace.admin_views import MarketplaceGroup
from marketplace.models import Enterprise, Product, SubOrder
from marketplace.scoping import EnterpriseScopedPolicy, sees_all_enterprises
from traceability.models import Certificate

register_permission_policy(Enterprise, EnterpriseScopedPolicy(Enterprise, enterprise_field="pk"))
register_permission_policy(
    Product, EnterpriseScopedPolicy(Product, enterprise_field="enterprise_id")
)
register_permission_policy(
    Certificate, EnterpriseScopedPolicy(Certificate, enterprise_field="enterprise_id")
)

register_permission_policy(
    SubOrder, EnterpriseScopedPolicy(SubOrder, enterprise_field="enterprise_id")
)


register_policies(register_permission_policy)


@hooks.register("register_admin_viewset")
def register_marketplace_viewsets() -> MarketplaceGroup:
    return MarketplaceGroup()


@hooks.register("register_admin_viewset")
def register_order_viewset() -> SubOrderViewSet:
    return SubOrderViewSet("orders")


@hooks.register("register_admin_urls")
def register_settlement_urls() -> list[URLPattern]:
    return settlement_urls()


@hooks.register("register_reports_menu_item")
def register_settlement_menu_item() -> SettlementMenuItem:
    return SettlementMenuItem(
        gettext_lazy("Settlement"),
        reverse("marketplace_settlement"),
        name="settlement",
        icon_name="table",
        order=800,
    )


@hooks.register("register_admin_viewset")
def register_traceability_viewsets() -> TraceabilityGroup:
    return TraceabilityGroup()


class ReviewQueuePanel(Component):
    """The officer's dashboard panel: what waits for a decision, with links to each queue."""

    name = "review_queue"
    template_name = "marketplace/admin/review_queue_panel.html"
    order = 50

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        return {
            "pending_enterprises": Enterprise.objects.filter(
                status=Enterprise.Status.PENDING
            ).count(),
            "pending_products": Product.objects.filter(
                status=Product.Status.PENDING_REVIEW
            ).count(),
            "unchecked_certificates": Certificate.objects.filter(
                verified_at__isnull=True, revoked_at__isnull=True
            ).count(),
        }


@hooks.register("construct_homepage_panels")
def add_review_queue_panel(request: HttpRequest, panels: list[Any]) -> None:
    if sees_all_enterprises(request.user):
        panels.append(ReviewQueuePanel())
