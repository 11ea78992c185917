"""What enterprise members and officers may do with traceability's models in the admin.

The admin's permission policies (marketplace/admin_traceability.py) narrow members to their
own enterprises' rows; officers read everything and handle reports of suspected fakes.
"""

from __future__ import annotations

from typing import Any

from accounts.roles import Role, grant

ENTERPRISE_MEMBER_PERMISSIONS = [
    ("traceability", codename)
    for model in ("productionarea", "batch", "traceevent")
    for codename in (f"view_{model}", f"add_{model}", f"change_{model}")
] + [
    ("traceability", "view_serial"),
    ("traceability", "add_serial"),
    ("traceability", "view_suspicionreport"),
    ("traceability", "change_suspicionreport"),
]

OFFICER_PERMISSIONS = [
    ("traceability", "view_productionarea"),
    ("traceability", "view_batch"),
    ("traceability", "view_traceevent"),
    ("traceability", "view_serial"),
    ("traceability", "view_suspicionreport"),
    ("traceability", "change_suspicionreport"),
]


def grant_traceability_permissions(**kwargs: Any) -> None:
    """Give enterprise members and officers their traceability permissions (idempotent)."""
    grant(Role.ENTERPRISE_MEMBER, ENTERPRISE_MEMBER_PERMISSIONS)
    grant(Role.OFFICER, OFFICER_PERMISSIONS)
