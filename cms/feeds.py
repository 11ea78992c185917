"""Product feeds for other channels (Google Merchant Center, Facebook catalogue): every active,
in-stock variant of a storefront product, linking to our product page and, when the variant
has a published batch, to the trace page of its newest one."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.text import Truncator

from cms.blocks import renditions_prefetch
from marketplace.models import Product, Variant
from traceability.links import batch_trace_url
from traceability.selectors import published_batches_by_variant

FEED_IMAGE = "fill-800x800"
CHUNK = 1000
XML_NAME = "feeds/products.xml"
CSV_NAME = "feeds/products.csv"
GOOGLE = "http://base.google.com/ns/1.0"
CSV_COLUMNS = [
    "id",
    "item_group_id",
    "title",
    "description",
    "availability",
    "condition",
    "price",
    "link",
    "image_link",
    "brand",
    "gtin",
    "product_type",
    "custom_label_0",
    "trace_url",
]


@dataclass(frozen=True)
class FeedItem:
    id: str
    item_group_id: str
    title: str
    description: str
    availability: str
    condition: str
    price: str
    link: str
    image_link: str
    brand: str
    gtin: str
    product_type: str
    custom_label_0: str
    trace_url: str


def feed_variants() -> QuerySet[Variant]:
    """Active variants with stock of products on the storefront, with what an item needs."""
    return (
        Variant.objects.filter(
            is_active=True, stock__gt=0, product__in=Product.objects.on_storefront()
        )
        .select_related("product__enterprise", "product__category", "product__main_image")
        .prefetch_related(renditions_prefetch("product__main_image", FEED_IMAGE))
        .order_by("pk")
    )


def feed_items(*, base_url: str = "") -> Iterator[FeedItem]:
    """The feed's items, read in chunks of CHUNK variants (three queries a chunk: variants,
    renditions, batches; renditions missing on first run are made once)."""
    base_url = (base_url or settings.SITE_URL).rstrip("/")
    last_pk = 0
    with translation.override(settings.LANGUAGE_CODE):
        while True:
            variants = list(feed_variants().filter(pk__gt=last_pk)[:CHUNK])
            if not variants:
                return
            batches = published_batches_by_variant([variant.pk for variant in variants])
            for variant in variants:
                newest = batches.get(variant.pk) or []
                yield _item(variant, base_url, newest[0] if newest else None)
            last_pk = variants[-1].pk


def _item(variant: Variant, base_url: str, batch: object | None) -> FeedItem:
    product = variant.product
    image_link = ""
    if product.main_image is not None:
        url = product.main_image.get_rendition(FEED_IMAGE).url
        image_link = url if url.startswith(("http://", "https://")) else base_url + url
    stars = product.ocop_badge_stars or 0
    description = " ".join(strip_tags(product.description).split()) or product.name
    return FeedItem(
        id=variant.sku,
        item_group_id=str(product.pk),
        title=Truncator(f"{product.name} – {variant.name}").chars(150),
        description=Truncator(description).chars(5000),
        availability="in_stock",
        condition="new",
        price=f"{variant.price_vnd} VND",
        link=base_url + reverse("marketplace:product", args=[product.slug]),
        image_link=image_link,
        brand=product.enterprise.name,
        gtin=variant.gtin.zfill(14) if variant.gtin else "",
        product_type=product.category.name,
        custom_label_0=f"OCOP {stars}★" if stars else "",
        trace_url=batch_trace_url(batch) if batch is not None else "",
    )


def feed_xml(items: list[FeedItem]) -> bytes:
    """An RSS 2.0 document with Google's `g:` namespace, which Facebook reads too."""
    ET.register_namespace("g", GOOGLE)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = settings.WAGTAIL_SITE_NAME
    ET.SubElement(channel, "link").text = settings.SITE_URL
    ET.SubElement(channel, "description").text = settings.WAGTAIL_SITE_NAME
    for item in items:
        element = ET.SubElement(channel, "item")
        for name, value in asdict(item).items():
            if name == "trace_url" or not value:
                continue
            ET.SubElement(element, f"{{{GOOGLE}}}{name}").text = value
        if item.trace_url:
            detail = ET.SubElement(element, f"{{{GOOGLE}}}product_detail")
            ET.SubElement(detail, f"{{{GOOGLE}}}section_name").text = "Truy xuất nguồn gốc"
            ET.SubElement(detail, f"{{{GOOGLE}}}attribute_name").text = "trace_url"
            ET.SubElement(detail, f"{{{GOOGLE}}}attribute_value").text = item.trace_url
    return bytes(ET.tostring(rss, encoding="utf-8", xml_declaration=True))


def feed_csv(items: list[FeedItem]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for item in items:
        writer.writerow(asdict(item))
    return out.getvalue().encode("utf-8-sig")


def write_product_feeds() -> int:
    """Build both feeds and replace the stored files (media storage). Returns the item count.
    Safe to run twice."""
    items = list(feed_items())
    for name, content in ((XML_NAME, feed_xml(items)), (CSV_NAME, feed_csv(items))):
        if default_storage.exists(name):
            default_storage.delete(name)
        default_storage.save(name, ContentFile(content))
    return len(items)
