"""Journeys 7 and 2: an enterprise records a growing area, a batch with its harvest, publishes
it, issues serials and prints labels; a shopper opens a label URL on a phone (no JavaScript)
and sees where the tea comes from and whether the packet is genuine."""

from __future__ import annotations

import datetime
import io
import re
from urllib.parse import urlsplit

import pytest
import zxingcpp
from django.utils import timezone, translation
from PIL import Image
from playwright.sync_api import expect

from accounts.roles import Role, assign_role
from tests.accounts.factories import UserFactory
from tests.e2e.conftest import PHONE
from tests.e2e.test_seller_journey import sign_in_to_admin
from tests.marketplace.factories import MembershipFactory, VariantFactory, certify
from traceability.models import Batch, LabelRun

pytestmark = pytest.mark.django_db(transaction=True)
GTIN = "08931234567897"


def vi(message: str) -> str:
    with translation.override("vi"):
        return translation.gettext(message)


@pytest.fixture
def shopper(browser):
    context = browser.new_context(**PHONE, java_script_enabled=False)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_enterprise_prints_labels_and_a_shopper_checks_one(
    live_server, laptop_page, shopper, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    variant = VariantFactory(gtin=GTIN, product__name="Chè móc câu Tân Cương")
    certify(variant.product)
    owner = UserFactory(phone="+84913000000")
    MembershipFactory(enterprise=variant.product.enterprise, user=owner)
    assign_role(owner, Role.ENTERPRISE_MEMBER)
    page = laptop_page
    today = timezone.localdate()

    # 1. The owner adds a growing area once
    sign_in_to_admin(page, base, "0913 000 000")
    page.goto(base + "/admin/traceability_areas/new/")
    page.locator("#id_code").fill("VN-TNGO-0101")
    page.locator("#id_name").fill("Đồi chè xóm Soi")
    page.locator("#id_ward_code").select_option(label="Xã Tân Cương")
    page.locator("#id_latitude").fill("21.5912")
    page.locator("#id_longitude").fill("105.7689")
    page.locator("#id_area_ha").fill("1.5")
    page.get_by_role("button", name=re.compile("^Tạo")).first.click()
    expect(page.get_by_text("Đồi chè xóm Soi").first).to_be_visible()

    # 2. ... records a batch with its harvest step
    page.goto(base + "/admin/traceability_batches/new/")
    page.locator("#id_variant").select_option(label=str(variant))
    page.locator("#id_lot").fill("MC2026-11A")
    page.locator("#id_quantity").fill("200")
    page.locator("#id_production_date").fill(today.isoformat())
    page.locator("#id_expiry_date").fill((today + datetime.timedelta(days=365)).isoformat())
    # Leave the date field as a person does: its calendar pop-up, opened on focus, lies over
    # the fields below it and would take the next click (seen on a loaded machine).
    page.locator("#id_expiry_date").press("Escape")
    page.locator("#id_expiry_date").blur()
    area = page.get_by_label(re.compile("Đồi chè xóm Soi"))
    area.check()
    expect(area).to_be_checked()
    page.locator("#id_events-ADD").click()
    page.locator("#id_events-0-step").select_option("harvest")
    harvest_at = today - datetime.timedelta(days=2)
    page.locator("#id_events-0-occurred_at").fill(f"{harvest_at.isoformat()} 06:30")
    page.locator("#id_events-0-area").select_option(label="Đồi chè xóm Soi (VN-TNGO-0101)")
    page.locator("#id_events-0-performed_by").fill("Tổ hái chè xóm Soi")
    page.get_by_role("button", name=re.compile("^Tạo")).first.click()
    expect(page.get_by_text("MC2026-11A").first).to_be_visible()
    batch = Batch.objects.get(lot="MC2026-11A")
    assert batch.events.get().step == "harvest"

    # 3. ... checks and publishes it, issues 200 serials and downloads the label sheet
    submit = page.locator("form[method=post] button[type=submit].button")
    page.goto(f"{base}/admin/traceability_batches/{batch.pk}/publish/")
    submit.last.click()
    expect(page.locator("#id_count")).to_be_visible()
    page.locator("#id_count").fill("200")
    submit.last.click()
    expect(page.get_by_text("200").first).to_be_visible()
    assert batch.serials.count() == 200
    page.locator("#id_size").select_option("38x45")
    page.locator(f"form[action$='/{batch.pk}/labels/'] button").click()
    with page.expect_download() as download:
        page.locator("a[href$='/pdf/']").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    assert LabelRun.objects.get().done_count == 200

    # 4. The label scans: its QR image decodes to the item's Digital Link
    serial = batch.serials.order_by("id").first()
    png = page.request.get(f"{base}/admin/traceability_batches/serial/{serial.pk}/qr.png")
    image = Image.open(io.BytesIO(png.body()))
    (decoded,) = [result.text for result in zxingcpp.read_barcodes(image)]
    assert decoded == f"{base}/01/{GTIN}/10/MC2026-11A/21/{serial.value}"

    # 5. A shopper opens the label URL on a phone, without JavaScript
    label_path = urlsplit(decoded).path
    shopper.goto(base + label_path)
    expect(shopper.get_by_text(vi("Verified — first check"))).to_be_visible()
    expect(shopper.get_by_role("heading", level=1)).to_have_text("Chè móc câu Tân Cương")
    expect(shopper.get_by_text("Đồi chè xóm Soi").first).to_be_visible()
    expect(shopper.get_by_text("MC2026-11A")).to_be_visible()
    expect(shopper.get_by_text("OCOP 4★", exact=True)).to_be_visible()
    expect(shopper.get_by_text("Tổ hái chè xóm Soi")).to_be_visible()
    # scan again
    shopper.goto(base + label_path)
    with translation.override("vi"):
        checked_text = translation.ngettext(
            "Checked %(count)s time, first on %(day)s",
            "Checked %(count)s times, first on %(day)s",
            2,
        )
    checked = checked_text % {
        "count": 2,
        "day": today.strftime("%d/%m/%Y"),
    }
    expect(shopper.get_by_text(checked)).to_be_visible()
    shopper.get_by_role("link", name=vi("Buy this product")).click()
    expect(shopper.get_by_role("heading", level=1)).to_have_text("Chè móc câu Tân Cương")

    # 6. An unknown serial: a clear message and a report of a suspected fake
    shopper.goto(f"{base}/01/{GTIN}/10/MC2026-11A/21/FAKE000001")
    expect(
        shopper.get_by_text(
            vi("This code is not recognised: it was never issued for this product.")
        )
    ).to_be_visible()
    shopper.get_by_role("link", name=vi("Report a suspected fake")).first.click()
    shopper.locator("#id_message").fill("Mua ở chợ, tem in mờ.")
    shopper.locator("button[type=submit]").click()
    expect(
        shopper.get_by_text(vi("Thank you: your report has been sent to the trade department."))
    ).to_be_visible()
