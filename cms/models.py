"""Wagtail pages and site settings of the storefront.

The tree: HomePage at the site root; under it content pages (about, how to buy, policies),
campaigns, one news index with its articles and one index of producers' stories."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Locale, Orderable, Page, PageManager, Site
from wagtail.query import PageQuerySet
from wagtail.search import index

from cms.blocks import (
    TEASER_IMAGE,
    ContentStreamBlock,
    HomeStreamBlock,
    LinkBlock,
    renditions_prefetch,
)
from cms.choosers import enterprise_chooser_viewset, product_chooser_viewset
from cms.languages import language_links
from cms.sites import cached_settings
from marketplace.selectors import CatalogueFilters, storefront_products

DESCRIPTION_LENGTH = 160
NEWS_PER_PAGE = 12
STORY_PRODUCTS = 8
SHARE_IMAGE = "fill-1200x630"
PAGE_IMAGE = "width-960"


class StorefrontPage(Page):
    """What every page of the storefront has: a picture for social cards, a description that
    falls back to the page's own text, breadcrumbs, and a flag for listings and the sitemap."""

    share_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image for social networks"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown when the page is shared; the page's own picture otherwise."),
    )

    promote_panels: ClassVar[list] = [*Page.promote_panels, FieldPanel("share_image")]

    class Meta:
        abstract = True

    def summary(self) -> str:
        """The page's own short text, for descriptions and teasers."""
        return str(getattr(self, "intro", "") or "")

    def meta_description(self) -> str:
        text = self.search_description or self.summary() or self.title
        return Truncator(strip_tags(text)).chars(DESCRIPTION_LENGTH)

    def social_image(self) -> Any:
        return self.share_image or getattr(self, "image", None)

    def is_listed(self) -> bool:
        """Whether menus, listings and the sitemap show the page now."""
        return True

    def get_sitemap_urls(self, request: HttpRequest | None = None) -> list[dict[str, Any]]:
        return super().get_sitemap_urls(request) if self.is_listed() else []

    def breadcrumbs(self) -> list[Page]:
        """The live ancestors below the tree's root, then the page (one query)."""
        return [*self.get_ancestors().filter(depth__gt=1).live(), self]

    og_type: ClassVar[str] = "website"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["breadcrumbs"] = self.breadcrumbs() if self.depth > 2 else [self]
        context["og_type"] = self.og_type
        # the switcher leads to this page's translations (one query)
        context["page_language_links"] = language_links(
            request, self.get_translations(inclusive=True).live().select_related("locale")
        )
        return context


MAX_CAMPAIGNS_SHOWN = 3


class HomePage(StorefrontPage):
    """The storefront's front page, at the root of the site, built from blocks."""

    intro = models.CharField(
        _("introduction"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences shown under the site name."),
    )
    body = StreamField(HomeStreamBlock(), verbose_name=_("body"), blank=True)

    parent_page_types: ClassVar[list[str]] = ["wagtailcore.Page"]
    subpage_types: ClassVar[list[str]] = [
        "cms.ContentPage",
        "cms.CampaignPage",
        "cms.NewsIndexPage",
        "cms.StoryIndexPage",
    ]
    max_count = 1

    content_panels: ClassVar[list] = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields: ClassVar[list] = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = _("home page")

    def route(self, request: HttpRequest, path_components: list[str]) -> Any:
        """Serve the address from this language's tree, or, where editors have not translated
        that page yet, from the Vietnamese tree: `/en/tin-tuc/` shows the Vietnamese news
        (with the interface in English) rather than a 404. Costs a query only on that path."""
        try:
            return super().route(request, path_components)
        except Http404:
            default = self.get_translation_or_none(Locale.get_default())
            if default is None or default.pk == self.pk:
                raise
            return default.specific.route(request, path_components)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        running = self.running_campaigns()
        context["campaigns"] = running[:MAX_CAMPAIGNS_SHOWN]
        # the hero's call to action hides a campaign that is not running (cms.blocks.HeroBlock)
        context["running_campaign_ids"] = {campaign.pk for campaign in running}
        return context

    def running_campaigns(self) -> list[CampaignPage]:
        """The campaigns under this home page running now, the latest started first: they show
        on the home page from their start to their end with no editor's step (one query, and
        one for their banners' renditions when they have banners)."""
        return list(
            CampaignPage.objects.child_of(self)
            .running()
            .select_related("image")
            .prefetch_related(renditions_prefetch("image", TEASER_IMAGE))
            .order_by("-starts_at", "-pk")
        )

    def social_image(self) -> Any:
        if self.share_image:
            return self.share_image
        for block in self.body:
            if block.block_type == "hero" and block.value["image"]:
                return block.value["image"]
        return None


class ContentPage(StorefrontPage):
    """A page of text: about us, how to buy, how to join, delivery, returns, privacy."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    body = StreamField(ContentStreamBlock(), verbose_name=_("body"), blank=True)

    parent_page_types: ClassVar[list[str]] = ["cms.HomePage", "cms.ContentPage"]
    subpage_types: ClassVar[list[str]] = ["cms.ContentPage"]

    content_panels: ClassVar[list] = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields: ClassVar[list] = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = _("content page")


class CampaignPageQuerySet(PageQuerySet):
    def running(self, at: datetime.datetime | None = None) -> CampaignPageQuerySet:
        """Live campaigns that have started and not ended at `at` (now by default)."""
        at = at or timezone.now()
        return (
            self.live()
            .filter(starts_at__lte=at)
            .filter(models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=at))
        )


class CampaignPage(StorefrontPage):
    """A landing page with a collection of products, shown from its start to its end: after
    the end it leaves menus, listings and the sitemap, and its address answers "ended"."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("banner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(_("banner description"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    body = StreamField(ContentStreamBlock(), verbose_name=_("body"), blank=True)

    objects = PageManager.from_queryset(CampaignPageQuerySet)()

    parent_page_types: ClassVar[list[str]] = ["cms.HomePage"]
    subpage_types: ClassVar[list[str]] = []

    content_panels: ClassVar[list] = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("starts_at"), FieldPanel("ends_at")], heading=_("When the campaign runs")
        ),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Banner")),
        InlinePanel("campaign_products", label=_("products"), heading=_("Product collection")),
        FieldPanel("body"),
    ]
    search_fields: ClassVar[list] = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.FilterField("starts_at"),
        index.FilterField("ends_at"),
    ]

    class Meta:
        verbose_name = _("campaign page")

    def clean(self) -> None:
        super().clean()
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})

    def has_started(self, at: datetime.datetime | None = None) -> bool:
        return self.starts_at <= (at or timezone.now())

    def has_ended(self, at: datetime.datetime | None = None) -> bool:
        return self.ends_at is not None and self.ends_at <= (at or timezone.now())

    def is_listed(self) -> bool:
        return self.has_started() and not self.has_ended()

    def products(self) -> list:
        """The collection's products still on the storefront, in the editor's order, as cards
        (two queries; the renditions are read when their grid is rendered anew)."""
        ids = [item.product_id for item in self.campaign_products.all()]
        if not ids:
            return []
        on_sale = storefront_products(cards=True).filter(pk__in=ids)
        by_id = {product.pk: product for product in on_sale}
        return [by_id[pk] for pk in ids if pk in by_id]

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.has_ended():
            return render(
                request, "cms/campaign_ended.html", {"page": self, "self": self}, status=410
            )
        if not self.has_started():
            return render(request, "404.html", status=404)
        return super().serve(request, *args, **kwargs)

    def serve_preview(self, request: HttpRequest, mode_name: str) -> HttpResponse:
        # editors preview a campaign before its start and after its end
        return super().serve(request)


class CampaignProduct(Orderable):
    page = ParentalKey(CampaignPage, on_delete=models.CASCADE, related_name="campaign_products")
    product = models.ForeignKey(
        "marketplace.Product",
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels: ClassVar[list] = [FieldPanel("product", widget=product_chooser_viewset.widget_class)]

    class Meta(Orderable.Meta):
        verbose_name = _("campaign product")


class ListingQuerySet(PageQuerySet):
    def for_listing(self) -> ListingQuerySet:
        """Live, public pages, newest first, with their pictures' renditions (two queries:
        the pages and the renditions, plus one for view restrictions)."""
        return (
            self.live()
            .public()
            .select_related("image")
            .prefetch_related(renditions_prefetch("image", TEASER_IMAGE))
            .order_by("-date", "-pk")
        )


class IndexPage(StorefrontPage):
    intro = models.CharField(_("introduction"), max_length=300, blank=True)

    content_panels: ClassVar[list] = [*Page.content_panels, FieldPanel("intro")]
    search_fields: ClassVar[list] = [*Page.search_fields, index.SearchField("intro")]

    class Meta:
        abstract = True

    child_model: ClassVar[str] = ""

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        children = apps.get_model("cms", self.child_model).objects.for_listing()
        children = children.descendant_of(self)
        tag = request.GET.get("tag", "").strip()
        if tag and self.child_model == "NewsPage":
            children = children.filter(tags__name=tag)
        context["tag"] = tag
        context["page_obj"] = Paginator(children, NEWS_PER_PAGE).get_page(request.GET.get("page"))
        return context


class NewsIndexPage(IndexPage):
    parent_page_types: ClassVar[list[str]] = ["cms.HomePage"]
    subpage_types: ClassVar[list[str]] = ["cms.NewsPage"]
    child_model = "NewsPage"
    template = "cms/index_page.html"

    class Meta:
        verbose_name = _("news index")


class StoryIndexPage(IndexPage):
    parent_page_types: ClassVar[list[str]] = ["cms.HomePage"]
    subpage_types: ClassVar[list[str]] = ["cms.EnterpriseStoryPage"]
    child_model = "EnterpriseStoryPage"
    template = "cms/index_page.html"

    class Meta:
        verbose_name = _("index of producers' stories")


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.NewsPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticlePage(StorefrontPage):
    """Shared by news articles and producers' stories: a date, an author, a picture."""

    date = models.DateField(_("date"), default=timezone.localdate)
    author = models.CharField(_("author"), max_length=120, blank=True)
    intro = models.CharField(_("summary"), max_length=300)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("main image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(_("main image description"), max_length=200, blank=True)
    body = StreamField(ContentStreamBlock(), verbose_name=_("body"), blank=True)

    objects = PageManager.from_queryset(ListingQuerySet)()

    og_type = "article"

    search_fields: ClassVar[list] = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.SearchField("author"),
        index.FilterField("date"),
    ]

    class Meta:
        abstract = True


class NewsPage(ArticlePage):
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))

    parent_page_types: ClassVar[list[str]] = ["cms.NewsIndexPage"]
    subpage_types: ClassVar[list[str]] = []
    template = "cms/article_page.html"

    content_panels: ClassVar[list] = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("author"), FieldPanel("tags")], heading=_("Article")
        ),
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Main image")),
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = _("news article")


class EnterpriseStoryPage(ArticlePage):
    """The story of a producer, linked to its enterprise and showing its products."""

    enterprise = models.ForeignKey(
        "marketplace.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    parent_page_types: ClassVar[list[str]] = ["cms.StoryIndexPage"]
    subpage_types: ClassVar[list[str]] = []
    template = "cms/article_page.html"

    content_panels: ClassVar[list] = [
        *Page.content_panels,
        FieldPanel("enterprise", widget=enterprise_chooser_viewset.widget_class),
        MultiFieldPanel([FieldPanel("date"), FieldPanel("author")], heading=_("Story")),
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Main image")),
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = _("producer's story")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["products"] = list(
            storefront_products(
                CatalogueFilters(enterprise=self.enterprise, sort="best_selling"), cards=True
            )[:STORY_PRODUCTS]
        )
        return context


@register_setting(icon="site")
class OperatorSettings(BaseSiteSetting):
    """Who runs the site, shown in the footer, and the site's menus. Read once per request."""

    operator_name = models.CharField(
        _("operator"), max_length=200, default="Sở Công Thương tỉnh Thái Nguyên"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    hotline = models.CharField(_("hotline"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    main_menu = StreamField([("link", LinkBlock())], verbose_name=_("main menu"), blank=True)
    footer_menu = StreamField([("link", LinkBlock())], verbose_name=_("footer menu"), blank=True)

    panels: ClassVar[list] = [
        MultiFieldPanel(
            [
                FieldPanel("operator_name"),
                FieldPanel("address"),
                FieldPanel("hotline"),
                FieldPanel("email"),
            ],
            heading=_("Contacts shown in the footer"),
        ),
        FieldPanel("main_menu"),
        FieldPanel("footer_menu"),
    ]

    @classmethod
    def for_request(cls, request: HttpRequest) -> OperatorSettings:
        """The settings every page's footer and menus show, from the cache when known
        (cms/sites.py), kept on the request as Wagtail does. The admin's edit view reads
        `for_site`, the row itself, so an editor never sees or saves over a kept copy."""
        attr_name = cls.get_cache_attr_name()
        if hasattr(request, attr_name):
            return getattr(request, attr_name)  # type: ignore[no-any-return]
        site = Site.find_for_request(request)
        if site is None:
            raise cls.DoesNotExist(f"{cls.__name__} does not exist for site None.")
        site_settings: OperatorSettings = cached_settings(cls, site)
        site_settings._request = request
        setattr(request, attr_name, site_settings)
        return site_settings

    class Meta:
        verbose_name = _("operator contacts and menus")
