"""Emails of the marketplace: who an enterprise's mail goes to, and rendering in Vietnamese."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from accounts.roles import Role, group_for
from marketplace.models import Enterprise, Membership


def enterprise_recipients(enterprise: Enterprise) -> list[str]:
    """The enterprise's own address and its owners' addresses, without duplicates."""
    owners = Membership.objects.filter(
        enterprise=enterprise, role=Membership.Role.OWNER
    ).values_list("user__email", flat=True)
    return sorted({email for email in [enterprise.email, *owners] if email})


def officer_recipients() -> list[str]:
    users = group_for(Role.OFFICER).user_set.filter(is_active=True).exclude(email="")
    return sorted(users.values_list("email", flat=True))


def send_templated(template: str, context: dict[str, Any], recipients: list[str]) -> None:
    """Render `<template>_subject.txt` and `<template>.txt` in the site's language and send."""
    if not recipients:
        return
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}.txt", context)
    send_mail(" ".join(subject.split()), body, None, recipients)
