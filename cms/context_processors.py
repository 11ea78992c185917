"""What every page's header and footer needs. The menus are read lazily from the site's
settings, which the footer loads anyway (one query per request, cached on the request)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from cms.languages import language_links
from cms.models import CampaignPage, OperatorSettings
from marketplace.cart_session import cart_item_count


def _reverse_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def menu_items(request: HttpRequest, name: str) -> list[dict[str, Any]]:
    """The links of a menu (`main_menu` or `footer_menu`): pages that are live and listed,
    and plain addresses. No query unless the menu links pages (then one, plus one when some
    of them are campaigns)."""
    if Site.find_for_request(request) is None:  # no site answers this host, and no default
        return []
    menu = getattr(OperatorSettings.for_request(request), name)
    links = [block.value for block in menu]
    campaign_type = ContentType.objects.get_for_model(CampaignPage)
    campaign_ids = [
        link["page"].pk
        for link in links
        if link["page"] is not None and link["page"].content_type_id == campaign_type.pk
    ]
    ended: set[int] = set()
    if campaign_ids:
        running = CampaignPage.objects.filter(pk__in=campaign_ids).running()
        ended = set(campaign_ids) - set(running.values_list("pk", flat=True))
    items = []
    for link in links:
        page = link["page"]
        if page is not None:
            if not page.live or page.pk in ended:
                continue
            url = page.get_url(request)
        else:
            url = link["url"]
        if url:
            items.append({"label": link["label"], "url": url, "is_current": url == request.path})
    return items


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
