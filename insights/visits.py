"""Storefront visits, counted by the app itself: no third-party tracker, nothing about the visitor
kept. The middleware adds one to a per-day counter in the cache (no database query, so a page
costs the same queries as before); `flush_visits` moves the counts into `DailyVisits`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.generations import count
from insights.models import DailyVisits

KEY = "insights:visits:{day}"
KEEP_SECONDS = 14 * 24 * 3600
FLUSH_DAYS = 7  # counters older than this have expired from the cache anyway
NOT_STOREFRONT = ("/admin/", "/api/", "/static/", "/media/", "/django-admin/", "/documents/")
BOT = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|headless|lighthouse|"
    r"python|curl|wget|httpclient|java/|go-http|okhttp|monitor|uptime|scanner|feed",
    re.IGNORECASE,
)


def counter_key(day: datetime.date) -> str:
    return KEY.format(day=day.isoformat())


def is_storefront_view(request: HttpRequest, response: HttpResponse) -> bool:
    """A person's GET of a storefront HTML page that was found (not admin, API, static, media;
    not a bot by its User-Agent, not a browser's prefetch)."""
    if request.method != "GET" or response.status_code != 200:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    path = request.path
    for prefix in NOT_STOREFRONT:
        if path.startswith(prefix) or path.startswith("/en" + prefix):
            return False
    agent = request.headers.get("User-Agent", "")
    if not agent or BOT.search(agent):
        return False
    purpose = request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", "")
    return "prefetch" not in purpose


def count_visit(day: datetime.date) -> None:
    count(counter_key(day), KEEP_SECONDS)


def pending_visits(day: datetime.date) -> int:
    """Views of `day` counted in the cache and not yet flushed to the database."""
    return int(cache.get(counter_key(day)) or 0)


def flush_visits(today: datetime.date | None = None) -> int:
    """Add the cached counters of the last days to `DailyVisits` and take them off the cache.
    Safe to run at any time and twice: what is moved is subtracted from the counter."""
    today = today or timezone.localdate()
    moved = 0
    for back in range(FLUSH_DAYS + 1):
        day = today - datetime.timedelta(days=back)
        pending = pending_visits(day)
        if not pending:
            continue
        with transaction.atomic():
            visits, _created = DailyVisits.objects.select_for_update().get_or_create(day=day)
            DailyVisits.objects.filter(pk=visits.pk).update(views=F("views") + pending)
        cache.decr(counter_key(day), pending)
        moved += pending
    return moved


class StorefrontVisitsMiddleware:
    """Counts storefront page views per local day in the cache (see `is_storefront_view`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_storefront_view(request, response):
            count_visit(timezone.localdate())
        return response
