"""What each staff role may do with the marketplace's models in the Wagtail admin.

Model permissions say what kind of thing a role may touch; the admin's permission policies
(marketplace/admin_views.py) narrow enterprise members to their own enterprises' rows.
Officers read everything and decide through the status actions, never by editing a seller's
data or prices.
"""

from __future__ import annotations

from typing import Any

from accounts.roles import Role, grant, grant_on_root_collection

MEDIA = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
]

ENTERPRISE_MEMBER_PERMISSIONS = [
    ("marketplace", "view_enterprise"),
    ("marketplace", "change_enterprise"),
    ("marketplace", "view_product"),
    ("marketplace", "add_product"),
    ("marketplace", "change_product"),
    ("marketplace", "view_suborder"),
    ("traceability", "view_certificate"),
    ("traceability", "add_certificate"),
    ("traceability", "change_certificate"),
]

OFFICER_PERMISSIONS = [
    ("marketplace", "view_enterprise"),
    ("marketplace", "view_product"),
    ("marketplace", "view_suborder"),
    ("marketplace", "change_ordersettings"),
    ("traceability", "view_certificate"),
]


def grant_marketplace_permissions(**kwargs: Any) -> None:
    """Give enterprise members and officers their model permissions (idempotent)."""
    grant(Role.ENTERPRISE_MEMBER, ENTERPRISE_MEMBER_PERMISSIONS)
    grant_on_root_collection(Role.ENTERPRISE_MEMBER, MEDIA)
    grant(Role.OFFICER, OFFICER_PERMISSIONS)
