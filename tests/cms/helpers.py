"""Building a small storefront tree for the cms tests."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from cms.models import (
    CampaignPage,
    CampaignProduct,
    ContentPage,
    EnterpriseStoryPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    StoryIndexPage,
)

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(html: str) -> list[dict[str, Any]]:
    """Every JSON-LD object printed in the page, parsed."""
    items: list[dict[str, Any]] = []
    for text in JSON_LD.findall(html):
        data = json.loads(text)
        items.extend(data if isinstance(data, list) else [data])
    return items


def of_type(items: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    (found,) = [item for item in items if item["@type"] == kind]
    return found


def home() -> HomePage:
    return HomePage.objects.get(locale__language_code="vi")


def image(title: str = "Đồi chè") -> Any:
    return get_image_model().objects.create(title=title, file=get_test_image_file())


def content_page(**fields: Any) -> ContentPage:
    fields.setdefault("title", "Giới thiệu")
    fields.setdefault("slug", "gioi-thieu")
    fields.setdefault("intro", "Sàn thương mại điện tử của tỉnh cho sản phẩm OCOP.")
    return home().add_child(instance=ContentPage(**fields))


def campaign(*, products: list = (), **fields: Any) -> CampaignPage:
    now = timezone.now()
    fields.setdefault("title", "Quà Tết chè Thái")
    fields.setdefault("slug", "qua-tet")
    fields.setdefault("intro", "Hộp quà chè Tân Cương cho ngày Tết.")
    fields.setdefault("starts_at", now - datetime.timedelta(days=1))
    fields.setdefault("ends_at", now + datetime.timedelta(days=10))
    page = CampaignPage(**fields)
    page.campaign_products = [
        CampaignProduct(product=product, sort_order=n) for n, product in enumerate(products)
    ]
    return home().add_child(instance=page)


def news_index() -> NewsIndexPage:
    existing = NewsIndexPage.objects.first()
    if existing:
        return existing
    return home().add_child(
        instance=NewsIndexPage(title="Tin tức", slug="tin-tuc", intro="Tin của sàn.")
    )


def news(n: int = 1, **fields: Any) -> NewsPage:
    fields.setdefault("title", f"Festival Trà Thái Nguyên lần thứ {n}")
    fields.setdefault("slug", f"festival-tra-{n}")
    fields.setdefault("intro", "Lễ hội chè lớn nhất năm của tỉnh.")
    fields.setdefault("author", "Ban biên tập")
    fields.setdefault("date", datetime.date(2026, 11, n))
    return news_index().add_child(instance=NewsPage(**fields))


def story(enterprise: Any, **fields: Any) -> EnterpriseStoryPage:
    index = StoryIndexPage.objects.first() or home().add_child(
        instance=StoryIndexPage(title="Câu chuyện nhà sản xuất", slug="cau-chuyen")
    )
    fields.setdefault("title", f"Chuyện của {enterprise.name}")
    fields.setdefault("slug", f"chuyen-{enterprise.slug}")
    fields.setdefault("intro", "Ba thế hệ làm chè trên đồi Tân Cương.")
    return index.add_child(instance=EnterpriseStoryPage(enterprise=enterprise, **fields))
