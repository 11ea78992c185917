"""StreamField blocks of the storefront's pages. Blocks that list products or news read through
selectors, one query per block whatever its size (plus one for the images' renditions)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock

from cms.choosers import EnterpriseChooserBlock, ProductChooserBlock
from marketplace.models import Category, Enterprise
from marketplace.selectors import CatalogueFilters, storefront_products

MAX_FEATURED = 12
LOGO_IMAGE = "fill-160x160"
TEASER_IMAGE = "fill-400x225"


def renditions_prefetch(path: str, *specs: str) -> Prefetch:
    """Prefetch the renditions of the image at `path` for `specs` in one query."""
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec__in=specs)
    return Prefetch(f"{path}__renditions", queryset=renditions, to_attr="prefetched_renditions")


class LinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("label"), max_length=60)
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    url = blocks.CharBlock(
        label=_("or address"),
        required=False,
        max_length=300,
        help_text=_("A path on this site (/san-pham/) or a full address, when no page is chosen."),
    )

    class Meta:
        icon = "link"
        label = _("link")


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    text = blocks.TextBlock(label=_("text"), required=False, max_length=300)
    image = ImageChooserBlock(label=_("image"), required=False)
    image_alt = blocks.CharBlock(
        label=_("image description"),
        required=False,
        max_length=200,
        help_text=_("What the picture shows, for screen readers. Leave empty if decorative."),
    )
    cta_label = blocks.CharBlock(label=_("call to action"), max_length=60, required=False)
    cta_page = blocks.PageChooserBlock(label=_("call to action page"), required=False)
    cta_url = blocks.CharBlock(label=_("or call to action address"), max_length=300, required=False)

    class Meta:
        icon = "image"
        label = _("hero")
        template = "cms/blocks/hero.html"

    def get_context(self, value: Any, parent_context: dict | None = None) -> dict:
        """The call to action's page, unless it is a campaign that is not running (the home
        page names those that are): a button to an "ended" page would only disappoint."""
        context = super().get_context(value, parent_context)
        page = value["cta_page"]
        running = (parent_context or {}).get("running_campaign_ids")
        campaign_type = ContentType.objects.get_for_model(apps.get_model("cms", "CampaignPage"))
        if page is not None and running is not None and page.content_type_id == campaign_type.pk:
            page = page if page.pk in running else None
        context["cta_page"] = page
        return context


class FeaturedProductsBlock(blocks.StructBlock):
    PICKED = "picked"
    RULES = (
        (PICKED, _("Picked by the editor")),
        ("newest", _("Newest")),
        ("best_selling", _("Best-selling")),
        ("ocop5", _("OCOP 5 stars")),
    )
    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    rule = blocks.ChoiceBlock(label=_("products"), choices=RULES, default=PICKED)
    products = blocks.ListBlock(
        ProductChooserBlock(label=_("product")),
        label=_("picked products"),
        required=False,
        help_text=_("Used when the products are picked by the editor."),
    )
    count = blocks.IntegerBlock(label=_("how many"), default=8, min_value=1, max_value=MAX_FEATURED)

    class Meta:
        icon = "tag"
        label = _("featured products")
        template = "cms/blocks/featured_products.html"

    def get_context(self, value: Any, parent_context: dict | None = None) -> dict:
        context = super().get_context(value, parent_context)
        context["products"] = featured_products(
            rule=value["rule"],
            picked_ids=[product.pk for product in value["products"] if product is not None],
            count=value["count"] or 8,
        )
        return context


def featured_products(*, rule: str, picked_ids: list[int], count: int) -> list:
    """Storefront products for a featured block, as cards: the picked ones in the editor's order
    (only those still on sale), or the first `count` by rule. One query (the renditions are
    read when the block's card grid is rendered anew)."""
    count = max(1, min(count, MAX_FEATURED))
    if rule == FeaturedProductsBlock.PICKED:
        if not picked_ids:
            return []
        picked = storefront_products(cards=True).filter(pk__in=picked_ids[:MAX_FEATURED])
        by_id = {product.pk: product for product in picked}
        return [by_id[pk] for pk in picked_ids if pk in by_id][:count]
    if rule == "ocop5":
        filters = CatalogueFilters(min_stars=5, sort="best_selling")
    elif rule == "best_selling":
        filters = CatalogueFilters(sort="best_selling")
    else:
        filters = CatalogueFilters(sort="newest")
    return list(storefront_products(filters, cards=True)[:count])


class FeaturedEnterprisesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    enterprises = blocks.ListBlock(
        EnterpriseChooserBlock(label=_("enterprise")), label=_("enterprises")
    )

    class Meta:
        icon = "group"
        label = _("featured enterprises")
        template = "cms/blocks/featured_enterprises.html"

    def get_context(self, value: Any, parent_context: dict | None = None) -> dict:
        context = super().get_context(value, parent_context)
        ids = [enterprise.pk for enterprise in value["enterprises"] if enterprise is not None]
        rows = (
            Enterprise.objects.approved()
            .filter(pk__in=ids)
            .select_related("logo")
            .prefetch_related(renditions_prefetch("logo", LOGO_IMAGE))
        )
        by_id = {enterprise.pk: enterprise for enterprise in rows}
        context["enterprises"] = [by_id[pk] for pk in ids if pk in by_id]
        return context


class CategoryGridBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120)

    class Meta:
        icon = "table"
        label = _("category grid")
        template = "cms/blocks/category_grid.html"
        help_text = _("The catalogue's top-level categories, each linking to its products.")

    def get_context(self, value: Any, parent_context: dict | None = None) -> dict:
        context = super().get_context(value, parent_context)
        context["categories"] = list(Category.get_root_nodes())
        return context


class NewsTeaserBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    count = blocks.IntegerBlock(label=_("how many"), default=3, min_value=1, max_value=6)

    class Meta:
        icon = "doc-full"
        label = _("latest news")
        template = "cms/blocks/news_teaser.html"

    def get_context(self, value: Any, parent_context: dict | None = None) -> dict:
        context = super().get_context(value, parent_context)
        # by name: the models module defines its fields with these blocks
        news_page = apps.get_model("cms", "NewsPage")
        context["articles"] = list(news_page.objects.for_listing()[: value["count"] or 3])
        return context


class ScanToTraceBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    text = blocks.RichTextBlock(
        label=_("text"), features=["bold", "italic", "link"], required=False
    )
    steps = blocks.ListBlock(blocks.CharBlock(label=_("step"), max_length=200), label=_("steps"))

    class Meta:
        icon = "search"
        label = _("scan to trace explainer")
        template = "cms/blocks/scan_to_trace.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt = blocks.CharBlock(label=_("image description"), max_length=200)
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("image")
        template = "cms/blocks/image.html"


RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "blockquote"]


class HomeStreamBlock(blocks.StreamBlock):
    hero = HeroBlock()
    featured_products = FeaturedProductsBlock()
    featured_enterprises = FeaturedEnterprisesBlock()
    category_grid = CategoryGridBlock()
    news_teaser = NewsTeaserBlock()
    rich_text = blocks.RichTextBlock(
        label=_("text"), features=RICH_TEXT_FEATURES, template="cms/blocks/rich_text.html"
    )
    scan_to_trace = ScanToTraceBlock()


class ContentStreamBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(
        label=_("text"), features=RICH_TEXT_FEATURES, template="cms/blocks/rich_text.html"
    )
    image = ImageBlock()
    featured_products = FeaturedProductsBlock()
    scan_to_trace = ScanToTraceBlock()
