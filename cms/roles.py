"""Editors may manage pages, images and documents."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from wagtail.models import GroupPagePermission, Page

from accounts.roles import Role, grant, grant_on_root_collection, group_for

EDITOR_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def grant_editor_permissions(**kwargs: Any) -> None:
    """Give the editors' group its image, document and page rights (idempotent)."""
    grant(Role.EDITOR, EDITOR_PERMISSIONS)
    grant_on_root_collection(Role.EDITOR, EDITOR_PERMISSIONS)
    root = Page.get_first_root_node()
    if root is None:
        return
    group = group_for(Role.EDITOR)
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS
    ):
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
