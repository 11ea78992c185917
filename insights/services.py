"""The verbs of insights: statistics API tokens issued and revoked, rollups refreshed."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from insights.models import ApiToken
from insights.rollups import days_to_refresh, rebuild_day
from insights.visits import flush_visits

TOKEN_PREFIX = "ocop_"  # noqa: S105  (a marker, not a secret)
USED_AT_RESOLUTION = datetime.timedelta(minutes=5)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_api_token(*, name: str, actor: Any | None = None) -> tuple[ApiToken, str]:
    """Create a token for the consuming system `name`; returns the row and the token itself,
    which is shown once and never stored (only its SHA-256 is). Raises ValidationError for a
    blank name."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the system that will use this token.")})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        name=name[:120],
        token_hash=hash_token(token),
        prefix=token[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    return row, token


@transaction.atomic
def revoke_api_token(*, token_id: int) -> ApiToken:
    """Revoke a token at once (idempotent: a revoked token keeps its first revocation time)."""
    row = ApiToken.objects.select_for_update().get(pk=token_id)
    if row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
    return row


def token_holder(token: str) -> ApiToken | None:
    """The active token row matching `token`, or None. Marks it used (at most every 5 minutes,
    so that a busy client does not write on every call)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = ApiToken.objects.active().filter(token_hash=hash_token(token)).first()
    if row is None:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > USED_AT_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row


def refresh_rollups(*, today: datetime.date | None = None) -> list[datetime.date]:
    """The scheduled refresh: storefront visits flushed from the cache, then yesterday, today
    and every day whose orders changed since the last run rebuilt. Returns the days rebuilt."""
    today = today or timezone.localdate()
    flush_visits(today)
    days = days_to_refresh(today)
    for day in days:
        rebuild_day(day)
    return days
