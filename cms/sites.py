"""Which Wagtail site answers a request, and its operator settings, without two queries on every
request.

Wagtail finds the site of each request anew (`Site.find_for_request`: one query, whose ordering
expressions cost more to compile than the database takes to answer) and reads the site's
settings with `get_or_create` (a second query). Every storefront page needs both: the menus are
the site's, the footer shows the settings. Both change only when an administrator edits them, so
they are kept in the cache:

- the site answering each host and port, as Wagtail found it, under a generation that a
  saved or deleted site renews; the middleware hands it to Wagtail where Wagtail keeps it for
  the request (`request._wagtail_site`, documented by `Site.find_for_request`), so Wagtail's
  own lookups (settings, page URLs, the user bar) use it too;
- each site's `OperatorSettings` as the storefront reads them (`for_request`; the admin edits
  the row itself), under a generation that saving them renews.

With a shared cache (REDIS_URL) every worker sees an edit at once. With the embedded
per-process cache, the worker that saved sees it at once and the others within KEEP_SECONDS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from wagtail.models import Site

from accounts.generations import generation, renew

KEEP_SECONDS = 60
SITES_GENERATION = "cms:sites:generation"
SETTINGS_GENERATION = "cms:operator-settings:generation"
# Kept in place of a site for a host that no site answers (and no default site exists).
NO_SITE = "none"


def forget_sites(**kwargs: Any) -> None:
    """Signal receiver: a site was saved or deleted."""
    renew(SITES_GENERATION)


def forget_settings(**kwargs: Any) -> None:
    """Signal receiver: a site's operator settings were saved or deleted."""
    renew(SETTINGS_GENERATION)


def _site_key(hostname: str, port: int | str) -> str:
    return f"cms:site:{generation(SITES_GENERATION)}:{hostname}:{port}"


def cached_settings(model: Any, site: Site) -> Any:
    """The settings row of `model` (a site setting) for `site`, created when missing (as
    Wagtail's `for_site` does), from the cache when known."""

    def key() -> str:
        return f"cms:settings:{generation(SETTINGS_GENERATION)}:{model._meta.label_lower}:{site.pk}"

    instance = cache.get(key())
    if instance is None:
        instance, _created = model.base_queryset().get_or_create(site=site)
        cache.set(key(), instance, KEEP_SECONDS)  # after the generation a creation renewed
    return instance


class CachedSiteMiddleware:
    """Hands Wagtail the request's site from the cache when it is known, and keeps the site
    Wagtail found when it was not (so a request that never asks for its site, an API call or
    a trace page, costs no lookup at all)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        hostname = split_domain_port(request.get_host())[0]
        key = _site_key(hostname, request.get_port())
        known = cache.get(key)
        if known is not None:
            request._wagtail_site = None if known == NO_SITE else known  # type: ignore[attr-defined]
        response = self.get_response(request)
        if known is None and hasattr(request, "_wagtail_site"):
            found = request._wagtail_site
            cache.set(key, NO_SITE if found is None else found, KEEP_SECONDS)
        return response
