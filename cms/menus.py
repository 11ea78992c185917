"""The site's menus (`main_menu` and `footer_menu` of OperatorSettings), built once per site,
menu and language and kept in the cache.

Building a menu reads its pages and which of its campaigns are running: two queries and, in a
language other than Vietnamese, one per linked page for its translation. Every page view shows
both menus, so they are kept:

- under a key holding a digest of the menu as saved in the settings (which the footer reads on
  every request anyway), so that editing a menu shows at once, in every worker;
- and a generation bumped when a page is published, unpublished, moved or deleted, or a site
  changes; with a shared cache (REDIS_URL) every worker sees the bump at once, with the
  embedded per-process cache the other workers catch up within MENU_SECONDS;
- never past the next start or end of a linked campaign, which leaves or joins the menu then.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import timezone
from django.utils.translation import get_language, override
from wagtail.models import Page, Site

from accounts import generations
from cms.models import CampaignPage, OperatorSettings

MENU_SECONDS = 300
GENERATION_KEY = "cms:menus:generation"


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str


def menu_links(request: HttpRequest, site: Site, name: str) -> list[MenuLink]:
    """The links of the menu `name` of `site` in the active language, from the cache when
    they were built since the last change."""
    menu = getattr(OperatorSettings.for_request(request), name)
    digest = hashlib.blake2b(
        json.dumps(list(menu.raw_data), cls=DjangoJSONEncoder, sort_keys=True).encode(),
        digest_size=12,
    ).hexdigest()
    key = f"cms:menu:{generation()}:{site.pk}:{name}:{get_language()}:{digest}"
    links: list[MenuLink] | None = cache.get(key)
    if links is None:
        links, fresh_until = _build(request, [block.value for block in menu], timezone.now())
        seconds: float = MENU_SECONDS
        if fresh_until is not None:
            seconds = min(seconds, (fresh_until - timezone.now()).total_seconds())
        cache.set(key, links, max(1, int(seconds)))
    return links


def _build(
    request: HttpRequest, links: list[dict[str, Any]], now: datetime.datetime
) -> tuple[list[MenuLink], datetime.datetime | None]:
    """The links that show at `now`, and when the first of their campaigns starts or ends
    after it."""
    campaigns = {
        campaign.pk: campaign
        for campaign in CampaignPage.objects.filter(
            pk__in=[link["page"].pk for link in links if link["page"] is not None]
        ).only("pk", "starts_at", "ends_at")
    }
    running = set(
        CampaignPage.objects.filter(pk__in=campaigns).running(now).values_list("pk", flat=True)
    )
    changes = [
        moment
        for campaign in campaigns.values()
        for moment in (campaign.starts_at, campaign.ends_at)
        if moment is not None and moment > now
    ]
    shown = []
    for link in links:
        page: Page | None = link["page"]
        label = link["label"]
        if page is None:
            url = _in_language(link["url"]) if link["url"] else ""
        else:
            if not page.live or (page.pk in campaigns and page.pk not in running):
                continue
            translated = page.localized
            if translated.pk != page.pk:
                label = translated.title
            url = translated.get_url(request)
        if url:
            shown.append(MenuLink(label, url))
    return shown, min(changes, default=None)


def _in_language(url: str) -> str:
    """A path of this site in the language being read ("/san-pham/" is "/en/san-pham/" in
    English): editors write paths in Vietnamese, the default language, without a prefix.
    Other addresses are kept as they are."""
    if not url.startswith("/") or url.startswith("//"):
        return url
    language = get_language()
    with override(settings.LANGUAGE_CODE):
        return translate_url(url, language)


def generation() -> str:
    """A token that changes whenever menus must be built anew."""
    return generations.generation(GENERATION_KEY)


def forget_menus(**kwargs: Any) -> None:
    """Signal receiver: a page or site changed, so every built menu may be stale."""
    generations.renew(GENERATION_KEY)
