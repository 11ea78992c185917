"""sitemap.xml: Wagtail's pages, storefront products and approved enterprises, as an index of
sections, each split into pages of SITEMAP_LIMIT addresses (Django's sitemaps framework)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap

from marketplace.models import Enterprise, Product

SITEMAP_LIMIT = 5000


class PageSitemap(WagtailSitemap):
    """Live public pages of the request's site; a page may leave it (an ended campaign)."""

    limit = SITEMAP_LIMIT


class ProductSitemap(Sitemap):
    limit = SITEMAP_LIMIT
    changefreq = "weekly"
    i18n = True
    alternates = True
    x_default = True

    def items(self) -> QuerySet[Product]:
        return Product.objects.on_storefront().only("slug", "updated_at").order_by("pk")

    def location(self, item: Product) -> str:
        return reverse("marketplace:product", args=[item.slug])

    def lastmod(self, item: Product) -> datetime.datetime:
        return item.updated_at


class EnterpriseSitemap(Sitemap):
    limit = SITEMAP_LIMIT
    changefreq = "monthly"
    i18n = True
    alternates = True
    x_default = True

    def items(self) -> QuerySet[Enterprise]:
        return Enterprise.objects.approved().only("slug", "updated_at").order_by("pk")

    def location(self, item: Enterprise) -> str:
        return reverse("marketplace:enterprise", args=[item.slug])

    def lastmod(self, item: Enterprise) -> datetime.datetime:
        return item.updated_at


SITEMAPS: dict[str, Any] = {
    "pages": PageSitemap,
    "products": ProductSitemap(),
    "enterprises": EnterpriseSitemap(),
}
