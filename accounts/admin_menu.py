"""Wagtail admin menu items shown by role."""

from __future__ import annotations

from django.http import HttpRequest
from wagtail.admin.menu import MenuItem

from accounts.roles import Role, has_role


class OfficerMenuItem(MenuItem):
    """A menu item that officers and administrators see, and no one else."""

    def is_shown(self, request: HttpRequest) -> bool:
        return has_role(request.user, Role.OFFICER)
