"""Roles are Django groups (plus enterprise memberships for sellers).

Each app grants its own model permissions to these groups from its `post_migrate` handler, so
that accounts depends on no other app of ours.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Collection, GroupCollectionPermission


class Role(models.TextChoices):
    SHOPPER = "shopper", _("Shopper")
    ENTERPRISE_MEMBER = "enterprise_member", _("Enterprise member")
    OFFICER = "officer", _("Trade department officer")
    EDITOR = "editor", _("Editor")
    ADMINISTRATOR = "administrator", _("Administrator")


# Group names are data shown in the admin, in Vietnamese like the rest of the back office.
GROUP_NAMES: dict[str, str] = {
    Role.OFFICER: "Cán bộ Sở Công Thương",
    Role.EDITOR: "Biên tập viên",
    Role.ENTERPRISE_MEMBER: "Thành viên doanh nghiệp",
}

ADMIN_ACCESS = ("wagtailadmin", "access_admin")


def group_for(role: str) -> Group:
    group, _created = Group.objects.get_or_create(name=GROUP_NAMES[role])
    return group


def _permissions(permissions: list[tuple[str, str]]) -> list[Permission]:
    """The Permission rows named by (app_label, codename).

    Roles are granted from post_migrate handlers, which may run before Django has created the
    permissions of an app that comes later in INSTALLED_APPS (always so after a test flush):
    such permissions are created here first. Unknown names are left out.
    """
    found = []
    for app_label, codename in permissions:
        lookup = {"content_type__app_label": app_label, "codename": codename}
        permission = Permission.objects.filter(**lookup).first()
        if permission is None:
            try:
                app_config = apps.get_app_config(app_label)
            except LookupError:
                continue
            create_permissions(app_config, verbosity=0)
            permission = Permission.objects.filter(**lookup).first()
        if permission is not None:
            found.append(permission)
    return found


def grant(role: str, permissions: list[tuple[str, str]]) -> None:
    """Give a role's group the listed (app_label, codename) permissions, idempotently."""
    group_for(role).permissions.add(*_permissions(permissions))


def grant_on_root_collection(role: str, permissions: list[tuple[str, str]]) -> None:
    """Give a role's group image or document permissions over the whole media library
    (Wagtail checks those per collection, not through the group's own permissions)."""
    root = Collection.get_first_root_node()
    if root is None:
        return
    group = group_for(role)
    for permission in _permissions(permissions):
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root, permission=permission
        )


def ensure_role_groups() -> None:
    """Create the staff groups and let each of them into the Wagtail admin."""
    for role in GROUP_NAMES:
        grant(role, [ADMIN_ACCESS])


def ensure_role_groups_after_migrate(**kwargs: Any) -> None:
    ensure_role_groups()


def has_role(user: Any, role: str) -> bool:
    """True when the user holds the role (administrators hold every staff role)."""
    if not getattr(user, "is_authenticated", False):
        return role == Role.SHOPPER
    if user.is_superuser:
        return True
    if role == Role.SHOPPER:
        return True
    name = GROUP_NAMES.get(role)
    return name is not None and user.groups.filter(name=name).exists()


def assign_role(user: Any, role: str) -> None:
    """Put a user in the group of a staff role (officer, editor, enterprise member)."""
    user.groups.add(group_for(role))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
