"""What every page's header and footer needs, computed without a database query."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.translation import get_language


def _reverse_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def site_chrome(request: HttpRequest) -> dict[str, Any]:
    current = get_language() or settings.LANGUAGE_CODE
    path = request.get_full_path()
    language_links = [
        {
            "code": code,
            "name": name,
            "url": request.build_absolute_uri(translate_url(path, code)),
            "is_current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]
    return {
        "site_chrome": {
            "site_name": settings.WAGTAIL_SITE_NAME,
            "operator_name": settings.OPERATOR_NAME,
            "language_links": language_links,
            "search_url": _reverse_or_none("marketplace:catalogue"),
            "cart_url": _reverse_or_none("marketplace:cart"),
            "cart_count": 0,
            "main_menu": [],
        }
    }
