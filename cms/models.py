"""Wagtail pages and site settings of the storefront."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
    """The storefront's front page, at the root of the site."""

    intro = models.CharField(
        _("introduction"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences shown under the site name."),
    )
    body = RichTextField(
        _("body"), blank=True, features=["h2", "h3", "bold", "italic", "link", "ol", "ul"]
    )

    parent_page_types: ClassVar[list[str]] = ["wagtailcore.Page"]
    subpage_types: ClassVar[list[str]] = []
    max_count = 1

    content_panels: ClassVar[list] = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields: ClassVar[list] = [*Page.search_fields, index.SearchField("intro")]

    class Meta:
        verbose_name = _("home page")


@register_setting(icon="site")
class OperatorSettings(BaseSiteSetting):
    """Who runs the site: shown in the footer of every page."""

    operator_name = models.CharField(
        _("operator"), max_length=200, default="Sở Công Thương tỉnh Thái Nguyên"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    hotline = models.CharField(_("hotline"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)

    panels: ClassVar[list] = [
        MultiFieldPanel(
            [
                FieldPanel("operator_name"),
                FieldPanel("address"),
                FieldPanel("hotline"),
                FieldPanel("email"),
            ],
            heading=_("Contacts shown in the footer"),
        )
    ]

    class Meta:
        verbose_name = _("operator contacts")
