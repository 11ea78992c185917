"""Enterprises confirm, ship and deliver their own sub-orders in the Wagtail admin.

The viewset is scoped like the rest of the back office (marketplace/scoping.py): a member sees
only their enterprises' sub-orders and gets a 404 for any other. Nothing is edited by hand:
every change is an action that calls one service of `marketplace.services.orders`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from marketplace.admin_views import Action, ScopedViewSet, money_column, status_column
from marketplace.models import SubOrder
from marketplace.scoping import sees_all_enterprises
from marketplace.services import orders as services

S = SubOrder.Status


def _seller(*statuses: str) -> Any:
    """Members of the sub-order's enterprise (the scope checks which), or a superuser."""

    def allowed(user: User, row: Any) -> bool:
        return row.status in statuses and (user.is_superuser or not sees_all_enterprises(user))

    return allowed


SUB_ORDER_ACTIONS = {
    "confirm": Action(
        _("Confirm"),
        lambda row, user, reason: services.confirm_sub_order(sub_order_id=row.pk, actor=user),
        _seller(S.PLACED),
        done=_("The order is confirmed; the shopper is told."),
    ),
    "ship": Action(
        _("Mark as shipped"),
        lambda row, user, reason: services.ship_sub_order(sub_order_id=row.pk, actor=user),
        _seller(S.CONFIRMED),
        done=_("The order is on its way; the shopper is told."),
    ),
    "deliver": Action(
        _("Mark as delivered"),
        lambda row, user, reason: services.deliver_sub_order(sub_order_id=row.pk, actor=user),
        _seller(S.SHIPPED),
        done=_("The order is delivered."),
    ),
    "fail_delivery": Action(
        _("Delivery failed"),
        lambda row, user, reason: services.fail_sub_order_delivery(
            sub_order_id=row.pk, actor=user, reason=reason
        ),
        _seller(S.SHIPPED),
        reason_required=True,
        done=_("The failed delivery is recorded."),
    ),
    "return": Action(
        _("Parcel returned"),
        lambda row, user, reason: services.return_sub_order(sub_order_id=row.pk, actor=user),
        _seller(S.DELIVERY_FAILED),
        done=_("The parcel is back; its stock is available again."),
    ),
    "cancel": Action(
        pgettext_lazy("order action", "Cancel"),
        lambda row, user, reason: services.cancel_sub_order(
            sub_order_id=row.pk, actor=user, reason=reason
        ),
        _seller(S.PLACED, S.CONFIRMED),
        reason_required=True,
        done=_("The order is cancelled; its stock is available again."),
    ),
}


class SubOrderViewSet(ScopedViewSet):
    model = SubOrder
    icon = "list-ul"
    menu_label = _("Orders")
    menu_order = 140
    add_to_admin_menu = True
    actions = SUB_ORDER_ACTIONS
    list_select_related = ("order", "enterprise")
    list_display = [
        "order",
        "enterprise",
        status_column(_("Status")),
        money_column("items_vnd", _("Goods")),
        money_column("shipping_vnd", _("Shipping fee")),
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["order__code", "order__phone", "order__name"]
    ordering = ["-created_at"]
    inspect_view_fields = [
        "order",
        "enterprise",
        "status",
        "status_reason",
        "lines_text",
        "items_vnd",
        "shipping_vnd",
        "delivery_text",
        "created_at",
        "confirmed_at",
        "shipped_at",
        "delivered_at",
    ]
    panels: list[Any] = []
