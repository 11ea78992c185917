"""What every page's header and footer needs. The menus are read lazily from the site's
settings, which the footer loads anyway (one query per request, cached on the request), and
built from the cache (cms/menus.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from cms.languages import language_links
from cms.menus import menu_links
from marketplace.cart_session import cart_item_count


def _reverse_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def menu_items(request: HttpRequest, name: str) -> list[dict[str, Any]]:
    """The links of a menu (`main_menu` or `footer_menu`), the current page's marked. Built
    once and cached (cms/menus.py): no query of its own on most requests."""
    site = Site.find_for_request(request)
    if site is None:  # no site answers this host, and no default
        return []
    return [
        {"label": link.label, "url": link.url, "is_current": link.url == request.path}
        for link in menu_links(request, site, name)
    ]


def site_chrome(request: HttpRequest) -> dict[str, Any]:
    return {
        "site_chrome": {
            "site_name": settings.WAGTAIL_SITE_NAME,
            "operator_name": settings.OPERATOR_NAME,
            "language_links": language_links(request),
            "search_url": _reverse_or_none("marketplace:catalogue"),
            "cart_url": _reverse_or_none("marketplace:cart"),
            "cart_count": SimpleLazyObject(lambda: cart_item_count(request)),
            "main_menu": SimpleLazyObject(lambda: menu_items(request, "main_menu")),
            "footer_menu": SimpleLazyObject(lambda: menu_items(request, "footer_menu")),
            "now": timezone.now(),
        }
    }
