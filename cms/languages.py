"""The language switcher's links: the same page in each language of the site.

Any address is offered in both languages by its path (`/gioi-thieu/` ↔ `/en/gioi-thieu/`), which
serves the interface in that language and, for an editor's page without a translation, the
Vietnamese page. An editor's page that has translations links each language to its own
translation instead, whatever slug the translator gave it (Wagtail's built-in i18n,
`docs/decisions.md`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Page


def language_links(request: HttpRequest, translations: Iterable[Page] = ()) -> list[dict[str, Any]]:
    """One link per language (code, name, absolute url, is_current), to the page's translation
    in that language when `translations` holds one, else to this address in that language."""
    current = get_language() or settings.LANGUAGE_CODE
    pages = {page.locale.language_code: page for page in translations}
    path = request.get_full_path()
    links = []
    for code, name in settings.LANGUAGES:
        page = pages.get(code)
        url = page.get_url(request) if page is not None else None
        links.append(
            {
                "code": code,
                "name": name,
                "url": request.build_absolute_uri(url or translate_url(path, code)),
                "is_current": code == current,
            }
        )
    return links
