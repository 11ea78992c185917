"""The storefront's kept fragments (marketplace/page_cache.py): a kept product page, card grid
or filter form is the one rendered anew, with every visitor's own CSRF token, and whatever it
shows changes it at once."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace import services
from marketplace.models import Category, Product, ProductImage, Variant
from marketplace.services.enterprises import suspend_enterprise
from tests.marketplace.test_catalogue import make_product, ocop, wagtail_image
from tests.marketplace.test_import_products import row, run_import
from tests.traceability.factories import traced_batch
from traceability.services import revoke_certificate

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def page_of(client, product) -> str:
    response = client.get(reverse("marketplace:product", args=[product.slug]))
    assert response.status_code == 200
    return response.content.decode()


def without_tokens(html: str) -> str:
    return TOKEN.sub("", html)


def test_a_kept_product_page_is_the_page_rendered_anew():
    # given
    product = make_product()
    ocop(product)
    first_visitor, second_visitor = Client(), Client()
    # when
    first = page_of(first_visitor, product)
    kept = page_of(second_visitor, product)
    # then
    assert "<!--product:" not in first + kept
    assert TOKEN.search(kept)
    assert without_tokens(kept) == without_tokens(first)


def test_each_visitor_adds_to_the_cart_with_their_own_token_from_a_kept_page():
    # given: the page is kept after the first visitor's view
    product = make_product()
    variant = product.variants.get()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_token = TOKEN.search(page_of(first, product)).group(1)
    second_token = TOKEN.search(page_of(second, product)).group(1)
    add = reverse("marketplace:cart_add")
    form = {"variant": variant.pk, "quantity": 1}
    # when
    stolen = second.post(add, {**form, "csrfmiddlewaretoken": first_token})
    own = second.post(add, {**form, "csrfmiddlewaretoken": second_token})
    # then: the kept page did not hand the first visitor's token to the second
    assert stolen.status_code == 403
    assert own.status_code == 302


def _reprice(product):
    # as the seller's pack form does: the pack, then the product's lowest price
    Variant.objects.filter(product=product).update(price_vnd=250_000)
    services.refresh_product_summary(product_id=product.pk)


def _sell_out(product):
    # as an order does: the stock column moves, nothing is saved through the model
    Variant.objects.filter(product=product).update(stock=F("stock") - 10)


def _rename(product):
    product.name = "Chè Tân Cương đặc biệt"
    product.save()


def _add_gallery_picture(product):
    ProductImage.objects.create(product=product, image=wagtail_image("Đồi chè"), alt_text="Đồi chè")


def _publish_a_lot(product):
    traced_batch(variant=product.variants.get(), lot="LOT-NEW-1")


def _revoke_ocop(product):
    revoke_certificate(certificate=product.certificates.get(), officer=None, reason="Hết hiệu lực")


@pytest.mark.parametrize(
    ("change", "gone", "shown"),
    [
        (_reprice, "180.000\u00a0₫", "250.000\u00a0₫"),
        (_sell_out, 'name="quantity"', None),
        (_rename, "<h1>Chè Tân Cương</h1>", "<h1>Chè Tân Cương đặc biệt</h1>"),
        (_add_gallery_picture, None, 'alt="Đồi chè"'),
        (_publish_a_lot, None, "LOT-NEW-1"),
        (_revoke_ocop, "QĐ 123", None),
    ],
    ids=["price", "stock", "name", "gallery", "lot", "certificate"],
)
def test_what_a_kept_product_page_shows_changes_it_at_once(client, change, gone, shown):
    # given: the page is kept
    product = make_product()
    ocop(product)
    before = page_of(client, product)
    assert gone is None or gone in before
    assert shown is None or shown not in before
    # when
    change(product)
    # then
    after = page_of(client, product)
    assert gone is None or gone not in after
    assert shown is None or shown in after


def test_a_kept_product_page_is_gone_when_its_enterprise_is_suspended(client):
    # given
    product = make_product()
    page_of(client, product)
    # when
    suspend_enterprise(enterprise=product.enterprise, officer=None, reason="Kiểm tra")
    # then
    assert client.get(reverse("marketplace:product", args=[product.slug])).status_code == 404


def test_a_kept_card_grid_shows_a_new_price_and_a_withdrawn_product_goes(client):
    # given
    kept, withdrawn = make_product(name="Chè búp"), make_product(name="Chè móc câu")
    url = reverse("marketplace:catalogue")
    assert "Chè móc câu" in client.get(url).content.decode()
    # when
    Variant.objects.filter(product=kept).update(price_vnd=99_000)
    Product.objects.filter(pk=kept.pk).update(min_price_vnd=99_000)  # as the summary does
    Product.objects.filter(pk=withdrawn.pk).update(status=Product.Status.ARCHIVED)
    # then
    html = client.get(url).content.decode()
    assert "99.000\u00a0₫" in html
    assert "Chè móc câu" not in html


def test_a_new_category_shows_in_a_kept_filter_form(client):
    # given
    make_product()
    url = reverse("marketplace:catalogue")
    assert "Chè shan tuyết" not in client.get(url).content.decode()
    # when
    Category.objects.get(slug="che-thai-nguyen").add_child(name="Chè shan tuyết", slug="shan")
    # then
    assert '<option value="shan">Chè shan tuyết</option>' in client.get(url).content.decode()


def test_the_filter_form_is_kept_per_choice_and_shows_each_visitors_choice(client):
    # given
    make_product()
    url = reverse("marketplace:catalogue")
    client.get(url, {"stars": "4"})
    # when
    html = client.get(url, {"stars": "3"}).content.decode()
    # then
    assert '<option value="3" selected>' in html
    assert '<option value="4" selected>' not in html


def test_product_page_date_is_part_of_its_key(client, monkeypatch):
    # given: an OCOP badge that expires today
    product = make_product()
    today = timezone.localdate()
    ocop(product, expires=today)
    assert "OCOP 4★" in page_of(client, product)
    # when: the next day
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    # then
    assert "OCOP 4★" not in page_of(client, product)


def test_a_certificate_changed_by_an_import_shows_on_a_kept_product_page(client):
    # given: a product and its OCOP certificate from a workbook, its page kept
    run_import([row()], publish=True)
    product = Product.objects.get(name="Chè Tân Cương đặc biệt")
    assert "01/03/2027" in page_of(client, product)
    # when: the next workbook extends the certificate (bulk updates send no signal)
    run_import([row(ocop_expires_on="2028-03-01")], publish=True)
    # then
    assert "01/03/2028" in page_of(client, product)


def test_fragments_are_kept_apart_from_the_small_entries_a_burst_of_visitors_adds(client):
    # given: a product page kept
    product = make_product()
    page_of(client, product)
    fragments = caches["fragments"]
    kept = [key for key in fragments._cache if ":product-page:" in key]
    assert len(kept) == 1
    # when: the default cache is filled past its bound by counters (a festival's crowd of
    # trace-page visitors, each with a rate-limit counter), which culls a third of it
    for visitor in range(settings.CACHES["default"]["OPTIONS"]["MAX_ENTRIES"] + 1):
        cache.set(f"visitor-{visitor}", 1)
    # then: the page's parts are still kept
    assert len(cache._cache) < settings.CACHES["default"]["OPTIONS"]["MAX_ENTRIES"]
    assert fragments.get(kept[0].split(":", 2)[2]) is not None


def test_the_fragments_cache_of_a_worker_is_bounded_by_its_entries(client, settings):
    # given: room for 20 fragments (FRAGMENT_CACHE_ENTRIES)
    fragments = settings.CACHES["fragments"]
    settings.CACHES = settings.CACHES | {"fragments": fragments | {"OPTIONS": {"MAX_ENTRIES": 20}}}
    products = [make_product(name=f"Chè búp số {index}") for index in range(30)]
    # when: 30 different product pages are shown (each kept, with its related products' grid)
    for product in products:
        page_of(client, product)
    # then
    kept = caches["fragments"]._cache
    assert len(kept) <= 20
    assert any(":product-page:" in key for key in kept)
