"""schema.org JSON-LD and social cards for the storefront's pages, products and enterprises.

Builders return plain dicts (tests parse what the pages print); `json_ld_markup` prints one
safely inside a script element."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from marketplace.models import Enterprise, Product

CONTEXT = "https://schema.org"
ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_ld_markup(data: dict[str, Any] | list[dict[str, Any]]) -> SafeString:
    """A `<script type="application/ld+json">` element, safe against `</script>` in text."""
    text = json.dumps(
        data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")
    ).translate(ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


def absolute(request: HttpRequest, url: str) -> str:
    return url if url.startswith(("http://", "https://")) else request.build_absolute_uri(url)


def canonical_url(request: HttpRequest) -> str:
    """The page's address without its query, except the page number of a listing."""
    url = request.build_absolute_uri(request.path)
    page = request.GET.get("page", "")
    return f"{url}?page={page}" if page.isdecimal() and page != "1" else url


def breadcrumb_list(request: HttpRequest, trail: list[tuple[str, str]]) -> dict[str, Any]:
    """`trail` is (name, url) from the home page to the current page."""
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": absolute(request, url),
            }
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def product_description(product: Product, length: int = 300) -> str:
    return Truncator(" ".join(strip_tags(product.description).split())).chars(length)


def product_json_ld(
    request: HttpRequest, product: Product, *, image_url: str = ""
) -> dict[str, Any]:
    """`Product` with one `Offer` per active variant, in VND, with its availability. Reads the
    variants prefetched by `storefront_product` (no query)."""
    url = absolute(request, reverse("marketplace:product", args=[product.slug]))
    offers = []
    for variant in product.variants.all():
        offer: dict[str, Any] = {
            "@type": "Offer",
            "name": variant.name,
            "sku": variant.sku,
            "price": str(variant.price_vnd),
            "priceCurrency": "VND",
            "availability": "https://schema.org/InStock"
            if variant.stock > 0
            else "https://schema.org/OutOfStock",
            "itemCondition": "https://schema.org/NewCondition",
            "url": url,
            "seller": {"@type": "Organization", "name": product.enterprise.name},
        }
        if variant.gtin:
            offer["gtin14"] = variant.gtin.zfill(14)
        offers.append(offer)
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Product",
        "name": product.name,
        "url": url,
        "sku": product.slug,
        "brand": {"@type": "Brand", "name": product.enterprise.name},
        "category": product.category.name,
        "offers": offers,
    }
    description = product_description(product)
    if description:
        data["description"] = description
    if image_url:
        data["image"] = [absolute(request, image_url)]
    stars = getattr(product, "ocop_stars", None)
    if stars:
        data["award"] = f"OCOP {stars}★"
    return data


def organization_json_ld(
    request: HttpRequest, enterprise: Enterprise, *, logo_url: str = ""
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Organization",
        "name": enterprise.name,
        "url": absolute(request, reverse("marketplace:enterprise", args=[enterprise.slug])),
        "taxID": enterprise.tax_code,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": enterprise.street,
            "addressLocality": enterprise.ward_name,
            "addressRegion": "Thái Nguyên",
            "addressCountry": "VN",
        },
    }
    if logo_url:
        data["logo"] = absolute(request, logo_url)
    return data


def news_article_json_ld(
    request: HttpRequest, page: Any, *, image_url: str = "", publisher: str = ""
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "headline": Truncator(page.title).chars(110),
        "description": page.meta_description(),
        "datePublished": page.date.isoformat(),
        "mainEntityOfPage": absolute(request, page.get_url(request)),
        "publisher": {"@type": "Organization", "name": publisher},
    }
    if page.last_published_at:
        data["dateModified"] = page.last_published_at.isoformat()
    if page.author:
        data["author"] = {"@type": "Person", "name": page.author}
    if image_url:
        data["image"] = [absolute(request, image_url)]
    return data
