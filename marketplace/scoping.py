"""Who sees which enterprise's rows in the back office.

Officers and administrators see every enterprise; an enterprise member sees only the
enterprises they belong to, and everything that hangs off them (products, certificates,
orders). Every admin list, form choice and object lookup goes through here.
"""

from __future__ import annotations

from typing import Any, cast

from django.db import models
from django.db.models import QuerySet
from wagtail.permission_policies import ModelPermissionPolicy

from accounts.roles import Role, has_role
from marketplace.models import Enterprise, Membership

_CACHE_ATTRIBUTE = "_marketplace_enterprise_ids"


def sees_all_enterprises(user: Any) -> bool:
    return bool(getattr(user, "is_active", False)) and (
        user.is_superuser or has_role(user, Role.OFFICER)
    )


def enterprise_ids_for(user: Any) -> frozenset[int] | None:
    """The ids of the enterprises `user` belongs to, or None when they see all of them.
    Remembered on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if hasattr(user, _CACHE_ATTRIBUTE):
        return cast("frozenset[int] | None", getattr(user, _CACHE_ATTRIBUTE))
    ids: frozenset[int] | None
    if sees_all_enterprises(user):
        ids = None
    else:
        ids = frozenset(
            Membership.objects.filter(user=user).values_list("enterprise_id", flat=True)
        )
    setattr(user, _CACHE_ATTRIBUTE, ids)
    return ids


def enterprises_for(user: Any) -> QuerySet[Enterprise]:
    ids = enterprise_ids_for(user)
    enterprises = Enterprise.objects.order_by("name")
    return enterprises if ids is None else enterprises.filter(pk__in=ids)


class EnterpriseScopedPolicy(ModelPermissionPolicy):
    """Django model permissions, narrowed to the user's enterprises for each instance.

    `enterprise_field` is the path from the model to its enterprise's id ("pk" for the
    Enterprise model itself, "enterprise_id" for rows that belong to one).
    """

    def __init__(self, model: type[models.Model], *, enterprise_field: str) -> None:
        super().__init__(model)
        self.enterprise_field = enterprise_field

    def scope(self, queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
        ids = enterprise_ids_for(user)
        if ids is None:
            return queryset
        lookup = "pk__in" if self.enterprise_field == "pk" else f"{self.enterprise_field}__in"
        return queryset.filter(**{lookup: ids})

    def in_scope(self, user: Any, instance: models.Model) -> bool:
        ids = enterprise_ids_for(user)
        return ids is None or getattr(instance, self.enterprise_field) in ids

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        return self.user_has_permission(user, action) and self.in_scope(user, instance)

    def user_has_any_permission_for_instance(self, user: Any, actions: Any, instance: Any) -> bool:
        return self.user_has_any_permission(user, actions) and self.in_scope(user, instance)

    def instances_user_has_any_permission_for(self, user: Any, actions: Any) -> QuerySet[Any]:
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return self.scope(self.model._default_manager.all(), user)
