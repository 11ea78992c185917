"""Budgets that hold on any machine (issue 10): SQL queries per page and API endpoint, pinned;
HTML bytes of the trace and product pages; no N+1 on the storefront pages (django-zeal); no
module in a worker that serves nothing here.

Only what other tests do not pin already is pinned here: the home, news, product and search
pages, the catalogue with stars and sort, the trace page by Digital Link, the product and cart
APIs, place_order, the VNPay IPN and the insights summary have their own counts beside their
behaviour. Timings belong to the benchmark (bench/pages.py), never to tests.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from zeal import zeal_context

from marketplace.models import Enterprise, Order
from tests.accounts.factories import UserFactory
from tests.marketplace.factories import (
    EnterpriseFactory,
    ProductFactory,
    VariantFactory,
    certify,
)
from tests.marketplace.test_checkout import FORM as CHECKOUT_FORM
from tests.traceability.factories import GTIN, at, traced_batch
from traceability.models import TraceEvent

pytestmark = pytest.mark.django_db

# the page's products. After the warm-up the site and its footer settings (cms/sites.py), the
# category (from the kept tree), the filter form and the card grid (marketplace/page_cache.py)
# come from the cache, and so does the count, kept a minute (marketplace/views.py:
# CachedCountPaginator). Was 5: the site, the settings, the category and the form's categories
# were read.
CATEGORY_PAGE_QUERIES = 1
# the product's page: see tests/marketplace/test_catalogue.py (8) + the gallery's renditions
PRODUCT_PAGE_BYTES = 40_000
TRACE_PAGE_BYTES = 30_000
# the short link finds the serial, then the same page as the Digital Link, then the scan
# The item with its lot, product and enterprise; the rest of the page is the lot's cached
# fragment and the check goes to the scan buffer (was 14: 7 to build, 7 to log the scan).
SHORT_LINK_QUERIES = 1
SHORT_LINK_QUERIES_COLD = 7  # the fragment rendered: steps, areas and theirs, certificates, inputs
# session, cart, lines, order settings (created at the first read), the header's item count
CART_PAGE_QUERIES = 6  # was 8: the site and footer settings are cached (cms/sites.py)
CHECKOUT_PAGE_QUERIES = 5  # was 7, as the cart page
CART_ADD_QUERIES = 7  # to a cart the session already has
# a first visitor's: the variant, then the cart and its line in one transaction (was 10: the
# cart was made on its own, then its line looked for), and the session (one INSERT:
# accounts/sessions.py), committed asynchronously (accounts/transactions.py), which in a test's
# transaction is one more savepoint and its release (in production: `SET LOCAL`, once for the
# cart and once for the session)
FIRST_CART_ADD_QUERIES = 10
# the session's save is one savepoint deeper, as above (was 32)
CHECKOUT_POST_QUERIES = 34
ORDER_PAGE_QUERIES = 11
ENTERPRISE_DIRECTORY_QUERIES = 2  # count, page (was 4: the site and settings, now cached)
# the enterprise, the count, the page (its card grid cached; was 5 with the site and settings)
ENTERPRISE_PAGE_QUERIES = 3
QR_IMAGE_QUERIES = 4
EPCIS_QUERIES = 4


def queries_of(client, method: str, url: str, data=None, **extra) -> tuple[int, object]:
    """One request: its SQL queries, counted, and N+1 detection on (django-zeal raises
    NPlusOneError when a relation is loaded lazily, one query per row, for several rows)."""
    with CaptureQueriesContext(connection) as queries, zeal_context():
        response = getattr(client, method)(url, data or {}, **extra)
    return len(queries), response


def catalogue_of(count: int, enterprise: Enterprise | None = None) -> list:
    enterprise = enterprise or EnterpriseFactory()
    variants = []
    for _index in range(count):
        variant = VariantFactory(product__enterprise=enterprise)
        certify(variant.product)
        variants.append(variant)
    return variants


def fill_cart(client, *variants) -> None:
    for variant in variants:
        client.post(reverse("marketplace:cart_add"), {"variant": variant.pk, "quantity": 1})


# --- Storefront pages -------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "page"), [(1, 1), (30, 2)])
def test_category_page_with_filters_costs_the_same_queries_at_any_size_and_depth(
    client, count, page
):
    # given
    catalogue_of(count)
    client.get("/")  # the footer settings' row exists from the first visit on
    url = reverse("marketplace:catalogue")
    params = {"category": "che-thai-nguyen", "stars": "3", "sort": "price_asc", "page": page}
    client.get(url, params)
    # when
    count_, response = queries_of(client, "get", url, params)
    # then
    assert response.status_code == 200
    assert count_ == CATEGORY_PAGE_QUERIES


def test_product_page_stays_under_its_html_budget(client):
    # given: a product with several variants, a certificate and related products
    product = ProductFactory()
    for index in range(4):
        VariantFactory(product=product, name=f"Hộp {index + 1}00g")
    certify(product)
    for _index in range(6):
        VariantFactory(product__enterprise=product.enterprise)
    url = reverse("marketplace:product", args=[product.slug])
    client.get(url)
    # when
    _count, response = queries_of(client, "get", url)
    # then
    assert response.status_code == 200
    assert len(response.content) < PRODUCT_PAGE_BYTES


def test_short_link_trace_page_costs_fixed_queries_and_stays_under_budget(client):
    # given
    batch = traced_batch(serials=1, variant__gtin="")
    certify(batch.variant.product)
    serial = batch.serials.get()
    cold, _response = queries_of(client, "get", f"/t/{serial.value}")
    # when: the scan is buffered, written in bulk later (traceability.scanlog)
    count, response = queries_of(client, "get", f"/t/{serial.value}", HTTP_USER_AGENT="budget")
    # then
    assert response.status_code == 200
    assert cold == SHORT_LINK_QUERIES_COLD
    assert count == SHORT_LINK_QUERIES
    assert len(response.content) < TRACE_PAGE_BYTES


def test_digital_link_trace_page_has_no_n_plus_one_with_many_steps(client):
    # given
    batch = traced_batch(serials=1)
    certify(batch.variant.product)
    for hour in range(10):
        TraceEvent.objects.create(batch=batch, step="inspection", occurred_at=at(3, hour))
    # when
    _count, response = queries_of(
        client, "get", f"/01/{GTIN}/10/{batch.lot}/21/{batch.serials.get().value}"
    )
    # then
    assert response.status_code == 200
    assert len(response.content) < TRACE_PAGE_BYTES


@pytest.mark.parametrize("count", [1, 30])
def test_enterprise_pages_cost_the_same_queries_whatever_their_products(client, count):
    # given
    enterprise = EnterpriseFactory()
    catalogue_of(count, enterprise)
    client.get("/")
    # when
    directory, first = queries_of(client, "get", reverse("marketplace:enterprises"))
    page, second = queries_of(
        client, "get", reverse("marketplace:enterprise", args=[enterprise.slug])
    )
    # then
    assert (first.status_code, second.status_code) == (200, 200)
    assert directory == ENTERPRISE_DIRECTORY_QUERIES
    assert page == ENTERPRISE_PAGE_QUERIES


# --- Cart and checkout ------------------------------------------------------------------------


def test_a_first_visitors_add_to_cart_costs_fixed_queries(client):
    # given
    variant = catalogue_of(1)[0]
    # when
    count, response = queries_of(
        client, "post", reverse("marketplace:cart_add"), {"variant": variant.pk, "quantity": 1}
    )
    # then
    assert response.status_code == 302
    assert count == FIRST_CART_ADD_QUERIES


@pytest.mark.parametrize("lines", [1, 5])
def test_cart_and_checkout_cost_the_same_queries_whatever_the_cart(client, lines):
    # given
    variants = catalogue_of(lines + 1)
    client.get("/")
    fill_cart(client, *variants[:-1])
    # when
    add, added = queries_of(
        client, "post", reverse("marketplace:cart_add"), {"variant": variants[-1].pk, "quantity": 1}
    )
    cart, cart_page = queries_of(client, "get", reverse("marketplace:cart"))
    checkout, checkout_page = queries_of(client, "get", reverse("marketplace:checkout"))
    # then
    assert (added.status_code, cart_page.status_code, checkout_page.status_code) == (302, 200, 200)
    assert add == CART_ADD_QUERIES
    assert cart == CART_PAGE_QUERIES
    assert checkout == CHECKOUT_PAGE_QUERIES


def test_cod_checkout_and_the_order_page_cost_fixed_queries(client):
    # given: two enterprises, so the order has two parts
    fill_cart(client, *catalogue_of(1), *catalogue_of(1))
    # when
    placed, response = queries_of(client, "post", reverse("marketplace:checkout"), CHECKOUT_FORM)
    order = Order.objects.get()
    shown, page = queries_of(client, "get", reverse("marketplace:order", args=[order.code]))
    # then
    assert response.status_code == 302
    assert placed == CHECKOUT_POST_QUERIES
    assert page.status_code == 200
    assert shown == ORDER_PAGE_QUERIES


# --- Back office and API ----------------------------------------------------------------------


def test_qr_image_costs_fixed_queries(client):
    # given
    batch = traced_batch(serials=1)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("traceability_batches:serial_qr", args=[batch.serials.get().pk, "png"])
    client.get(url)
    # when
    count, response = queries_of(client, "get", url)
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert count == QR_IMAGE_QUERIES


def test_epcis_events_cost_fixed_queries(client):
    # given
    batch = traced_batch(serials=1)
    # when
    count, response = queries_of(
        client, "get", "/api/v1/epcis/events", {"gtin": GTIN, "lot": batch.lot}
    )
    # then
    assert response.status_code == 200
    assert count == EPCIS_QUERIES


# Modules a worker must not load, with what they would cost it:
UNUSED_MODULES = {
    # 6.6 MB: the package's enums of every ward (accounts.divisions reads its JSON instead)
    "vietnam_provinces": "accounts.divisions imports the package",
    # 7.3 MB: HEIC decoding, which the site does not take (pyproject.toml, override-dependencies)
    "pillow_heif": "pillow-heif is installed: it is not in uv.lock any more; remove it from this "
    "virtualenv (.venv/bin/uv pip uninstall --python .venv/bin/python pillow-heif)",
}


def test_a_worker_loads_no_module_that_serves_nothing_here():
    # A new interpreter, as a gunicorn worker: the WSGI application with every URL, an image
    # opened by Willow, a ward named.
    script = (
        "import io, sys\n"
        "from config.wsgi import application\n"
        "from django.urls import get_resolver\n"
        "from PIL import Image\n"
        "import willow\n"
        "from accounts.divisions import ward_name\n"
        "get_resolver()._populate()\n"
        "picture = io.BytesIO()\n"
        "Image.new('RGB', (8, 8)).save(picture, 'AVIF')\n"
        "assert willow.Image.open(picture).get_size() == (8, 8)\n"
        "assert ward_name(5503) == 'Xã Tân Cương'\n"
        "print(' '.join(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    assert {"django", "wagtail", "willow", "PIL"} <= loaded
    for module, why in UNUSED_MODULES.items():
        assert module not in loaded, why
