"""The trace page's cached fragment: served from the cache, and never stale."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from marketplace.services.enterprises import suspend_enterprise
from tests.accounts.factories import UserFactory
from tests.marketplace.factories import certify
from tests.traceability.factories import GTIN, ProductionAreaFactory, at, traced_batch
from tests.traceability.test_trace_page import vi
from traceability.models import TraceEvent
from traceability.scanlog import flush_scans
from traceability.services import append_trace_event, revoke_certificate, verify_certificate

pytestmark = pytest.mark.django_db


def _page(client, url: str, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def _lot_url(batch) -> str:
    return f"/01/{GTIN}/10/{batch.lot}"


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries.captured_queries)


def test_second_view_is_the_cached_fragment_around_a_fresh_verdict(client):
    # given
    batch = traced_batch(serials=1)
    certify(batch.variant.product)
    url = f"/01/{GTIN}/10/{batch.lot}/21/{batch.serials.get().value}"
    first = _page(client, url)
    # when
    with CaptureQueriesContext(connection) as queries:
        second = _page(client, url)
    # then: one query, the same page but for the count of checks
    assert len(queries.captured_queries) == 1
    assert vi("Verified — first check") in first
    assert vi("Verified — first check") not in second
    assert first.split('role="status"')[0] == second.split('role="status"')[0]
    assert first.split("</div>", 1)[1] == second.split("</div>", 1)[1]


def test_languages_have_their_own_fragment(client):
    batch = traced_batch()
    vietnamese = _page(client, _lot_url(batch))
    english = _page(client, _lot_url(batch) + "?lang=en")
    assert "From harvest to pack" in english
    with translation.override("vi"):
        assert translation.gettext("From harvest to pack") in vietnamese
    assert 'lang="en"' in english


def test_a_revoked_certificate_shows_at_once(client):
    # given
    batch = traced_batch()
    certificate = certify(batch.variant.product)
    assert vi("revoked") not in _page(client, _lot_url(batch))
    # when
    revoke_certificate(certificate=certificate, officer=UserFactory(), reason="Sai phạm")
    # then
    assert vi("revoked") in _page(client, _lot_url(batch))


def test_a_certificate_shows_once_checked_and_at_once(client):
    # given: a certificate the enterprise entered, not checked yet
    batch = traced_batch()
    certificate = certify(batch.variant.product, number="77/QĐ-CHUAKIEMTRA", verified_at=None)
    assert certificate.number not in _page(client, _lot_url(batch))
    # when
    verify_certificate(certificate=certificate, officer=UserFactory())
    # then: the kept fragment is renewed
    assert certificate.number in _page(client, _lot_url(batch))


def test_a_certificate_attached_to_the_batch_or_its_area_shows_at_once(client):
    # given
    batch = traced_batch()
    _page(client, _lot_url(batch))
    on_batch = certify(batch.variant.product, number="VG-BATCH-1")
    batch.variant.product.certificates.remove(on_batch)
    assert "VG-BATCH-1" not in _page(client, _lot_url(batch))
    # when / then: linked from the batch's side
    batch.certificates.add(on_batch)
    assert "VG-BATCH-1" in _page(client, _lot_url(batch))
    # when / then: linked from the certificate's side, to the batch's area
    on_area = certify(batch.variant.product, number="VG-AREA-2")
    batch.variant.product.certificates.remove(on_area)
    assert "VG-AREA-2" not in _page(client, _lot_url(batch))
    on_area.production_areas.add(batch.areas.get())
    assert "VG-AREA-2" in _page(client, _lot_url(batch))
    # when / then: unlinked
    on_area.production_areas.clear()
    assert "VG-AREA-2" not in _page(client, _lot_url(batch))


def test_a_new_step_a_renamed_area_and_a_new_input_lot_show_at_once(client):
    # given
    batch = traced_batch()
    _page(client, _lot_url(batch))
    # when / then
    append_trace_event(batch=batch, step="packing", occurred_at=at(2), description="Đóng túi")
    assert "Đóng túi" in _page(client, _lot_url(batch))
    area = batch.areas.get()
    area.name = "Đồi chè Tân Cương"
    area.save()
    assert "Đồi chè Tân Cương" in _page(client, _lot_url(batch))
    source = traced_batch(variant__gtin="", lot="NGUON-1")
    source.areas.add(ProductionAreaFactory(enterprise=batch.enterprise, name="Nương chè Phúc Xuân"))
    batch.input_batches.add(source)
    assert "Nương chè Phúc Xuân" in _page(client, _lot_url(batch))
    TraceEvent.objects.filter(batch=batch, step="packing").delete()
    assert "Đóng túi" not in _page(client, _lot_url(batch))


def test_a_suspended_enterprise_loses_its_buy_link_at_once(client):
    # given
    batch = traced_batch()
    assert vi("Buy this product") in _page(client, _lot_url(batch))
    # when
    suspend_enterprise(enterprise=batch.variant.product.enterprise, officer=None, reason="Kiểm tra")
    # then
    assert vi("Buy this product") not in _page(client, _lot_url(batch))


def test_a_product_renamed_or_losing_its_ocop_badge_shows_at_once(client):
    # given
    batch = traced_batch()
    certificate = certify(batch.variant.product)
    assert "<strong>OCOP 4★</strong>" in _page(client, _lot_url(batch))
    product = type(batch.variant.product).objects.get(pk=batch.variant.product_id)
    # when: changed behind the models' backs, as a bulk update would
    type(product).objects.filter(pk=product.pk).update(
        name="Chè Tân Cương đặc biệt", ocop_badge_stars=None
    )
    # then
    page = _page(client, _lot_url(batch))
    assert "Chè Tân Cương đặc biệt" in page
    assert "<strong>OCOP 4★</strong>" not in page
    assert certificate.number in page


def test_certificate_validity_follows_the_day(client, monkeypatch):
    # given: a certificate that expires today
    batch = traced_batch()
    certify(batch.variant.product, expires_on=timezone.localdate(), number="OCOP-HOM-NAY")
    assert vi("revoked") not in _page(client, _lot_url(batch))
    today_page = _page(client, _lot_url(batch))
    # when: the next day
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    # then
    expired = vi("expired on %(day)s").split("%")[0].strip()
    assert expired not in today_page
    assert expired in _page(client, _lot_url(batch))


def test_an_unchanged_lot_page_is_answered_304_and_still_counted(client):
    # given
    batch = traced_batch()
    first = client.get(_lot_url(batch))
    etag = first["ETag"]
    # when
    again = client.get(_lot_url(batch), HTTP_IF_NONE_MATCH=etag)
    # then
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert again["Cache-Control"] == "private, no-cache"
    assert flush_scans() == 2
    assert batch.scans.count() == 2


def test_a_serial_page_changes_its_etag_with_each_check(client):
    batch = traced_batch(serials=1)
    url = f"/01/{GTIN}/10/{batch.lot}/21/{batch.serials.get().value}"
    first = client.get(url)
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
