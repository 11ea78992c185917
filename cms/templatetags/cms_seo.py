"""Template tags printing the storefront's SEO markup (canonical address, JSON-LD)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cms import seo

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context: dict[str, Any]) -> str:
    return seo.canonical_url(context["request"])


@register.simple_tag(takes_context=True)
def absolute_url(context: dict[str, Any], url: str) -> str:
    return seo.absolute(context["request"], url) if url else ""


@register.simple_tag(takes_context=True)
def product_trail(context: dict[str, Any], product: Any) -> list[tuple[str, str]]:
    """Home › Products › the product's category › the product: shown above the product and
    given to search engines as its BreadcrumbList."""
    catalogue = reverse("marketplace:catalogue")
    return [
        (context["site_chrome"]["site_name"], "/"),
        (str(_("Products")), catalogue),
        (product.category.name, f"{catalogue}?category={product.category.slug}"),
        (product.name, reverse("marketplace:product", args=[product.slug])),
    ]


@register.simple_tag(takes_context=True)
def enterprise_trail(context: dict[str, Any], enterprise: Any) -> list[tuple[str, str]]:
    """Home › Enterprises › the enterprise (shown, and as its BreadcrumbList)."""
    return [
        (context["site_chrome"]["site_name"], "/"),
        (str(_("Enterprises")), reverse("marketplace:enterprises")),
        (enterprise.name, reverse("marketplace:enterprise", args=[enterprise.slug])),
    ]


@register.simple_tag(takes_context=True)
def product_json_ld(context: dict[str, Any], product: Any, image_url: str = "") -> SafeString:
    request = context["request"]
    return seo.json_ld_markup(
        [
            seo.product_json_ld(request, product, image_url=image_url),
            seo.breadcrumb_list(request, product_trail(context, product)),
        ]
    )


@register.simple_tag(takes_context=True)
def organization_json_ld(context: dict[str, Any], enterprise: Any) -> SafeString:
    request = context["request"]
    return seo.json_ld_markup(
        [
            seo.organization_json_ld(request, enterprise),
            seo.breadcrumb_list(request, enterprise_trail(context, enterprise)),
        ]
    )


@register.simple_tag(takes_context=True)
def page_json_ld(
    context: dict[str, Any], page: Any, breadcrumbs: list, image_url: str = ""
) -> SafeString:
    """BreadcrumbList for every page; NewsArticle for articles and stories; WebSite for home."""
    request = context["request"]
    items: list[dict[str, Any]] = []
    if page.depth <= 2:
        items.append(
            {
                "@context": seo.CONTEXT,
                "@type": "WebSite",
                "name": context["site_chrome"]["site_name"],
                "url": seo.absolute(request, page.get_url(request)),
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": seo.absolute(request, reverse("marketplace:catalogue"))
                    + "?q={search_term_string}",
                    "query-input": "required name=search_term_string",
                },
            }
        )
    else:
        trail = [(crumb.title, crumb.get_url(request)) for crumb in breadcrumbs]
        items.append(seo.breadcrumb_list(request, trail))
    if hasattr(page, "author") and hasattr(page, "date"):
        items.append(
            seo.news_article_json_ld(
                request,
                page,
                image_url=image_url,
                publisher=context["site_chrome"]["operator_name"],
            )
        )
    return seo.json_ld_markup(items)


@register.simple_tag
def product_summary(product: Any) -> str:
    return seo.product_description(product, 200) or f"{product.name} – {product.enterprise.name}"


@register.simple_tag
def enterprise_summary(enterprise: Any) -> str:
    story = seo.Truncator(" ".join(seo.strip_tags(enterprise.story).split())).chars(200)
    return story or f"{enterprise.name}, {enterprise.get_kind_display()} – {enterprise.ward_name}"
