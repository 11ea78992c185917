"""Traceability in the back office: each enterprise sees only its own areas, batches, serials
and steps (another's are a 404); members copy, publish, issue serials and print labels;
officers handle the queue of suspected fakes."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role, assign_role
from tests.accounts.factories import UserFactory
from tests.marketplace.factories import CertificateFactory, MembershipFactory
from tests.traceability.factories import ProductionAreaFactory, traced_batch
from traceability.models import Batch, LabelRun, ProductionArea, Serial, SuspicionReport
from traceability.scanlog import flush_scans
from traceability.services import report_suspected_fake

pytestmark = pytest.mark.django_db


def member_of(enterprise):
    user = MembershipFactory(enterprise=enterprise).user
    assign_role(user, Role.ENTERPRISE_MEMBER)
    return user


def officer():
    user = UserFactory()
    assign_role(user, Role.OFFICER)
    return user


@pytest.fixture
def mine_and_theirs():
    mine = traced_batch(serials=2)
    theirs = traced_batch(serials=2, variant__gtin="")
    return mine, theirs


def test_another_enterprises_rows_are_404(client, mine_and_theirs):
    # given
    mine, theirs = mine_and_theirs
    client.force_login(member_of(mine.enterprise))
    their_area = theirs.areas.get()
    their_serial = theirs.serials.first()
    their_event = theirs.events.first()
    # when / then: their rows
    urls = [
        reverse("traceability_areas:edit", args=[their_area.pk]),
        reverse("traceability_batches:edit", args=[theirs.pk]),
        reverse("traceability_batches:inspect", args=[theirs.pk]),
        reverse("traceability_batches:serials", args=[theirs.pk]),
        reverse("traceability_batches:copy", args=[theirs.pk]),
        reverse("traceability_batches:report", args=[theirs.pk]),
        reverse("traceability_batches:serial_qr", args=[their_serial.pk, "svg"]),
        reverse("traceability_batches:add_event", args=[mine.pk]) + f"?corrects={their_event.pk}",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    # and my own rows answer
    assert client.get(reverse("traceability_batches:serials", args=[mine.pk])).status_code == 200
    svg = client.get(
        reverse("traceability_batches:serial_qr", args=[mine.serials.first().pk, "svg"])
    )
    assert svg["Content-Type"] == "image/svg+xml"
    listing = client.get(reverse("traceability_batches:index")).content.decode()
    assert mine.lot in listing
    assert theirs.lot not in listing


def test_member_records_an_area_copies_a_batch_publishes_and_prints(
    client, django_capture_on_commit_callbacks
):
    # given
    last = traced_batch()
    user = member_of(last.enterprise)
    client.force_login(user)
    # when: a new area
    response = client.post(
        reverse("traceability_areas:add"),
        {
            "enterprise": last.enterprise.pk,
            "code": "VN-TNGO-9001",
            "name": "Đồi chè xóm Nhà Thờ",
            "ward_code": "5503",
            "latitude": "21.58",
            "longitude": "105.78",
            "area_ha": "1.2",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ProductionArea.objects.filter(code="VN-TNGO-9001").exists()
    # when: copy last season's batch, changing only dates and quantity
    response = client.post(
        reverse("traceability_batches:copy", args=[last.pk]),
        {
            "lot": "TC2026-12A",
            "production_date": timezone.localdate().isoformat(),
            "expiry_date": (timezone.localdate() + datetime.timedelta(days=365)).isoformat(),
            "quantity": "200",
        },
    )
    new = Batch.objects.get(lot="TC2026-12A")
    assert response.status_code == 302
    assert new.events.count() == last.events.count()
    # when: publish, issue 200 serials, make the label sheet
    client.post(reverse("traceability_batches:publish", args=[new.pk]))
    new.refresh_from_db()
    assert new.is_published
    client.post(reverse("traceability_batches:serials", args=[new.pk]), {"count": "200"})
    assert new.serials.count() == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("traceability_batches:labels", args=[new.pk]), {"size": "38x45"}
        )
    run = LabelRun.objects.get(batch=new)
    assert response.status_code == 302
    assert run.status == "done"
    assert run.done_count == 200
    pdf = client.get(reverse("traceability_batches:label_file", args=[new.pk, run.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_too_many_serials_is_a_clear_message(client, settings):
    settings.TRACE_MAX_SERIALS_PER_REQUEST = 1000
    batch = traced_batch()
    client.force_login(member_of(batch.enterprise))
    response = client.post(
        reverse("traceability_batches:serials", args=[batch.pk]), {"count": "100000"}
    )
    assert response.status_code == 200
    assert "1.000" in response.content.decode()
    assert Serial.objects.count() == 0


def test_published_batch_form_refuses_changes(client):
    batch = traced_batch()
    client.force_login(member_of(batch.enterprise))
    response = client.post(
        reverse("traceability_batches:edit", args=[batch.pk]),
        {"lot": "CHANGED", "quantity": "1", "production_date": "2026-01-01"},
    )
    batch.refresh_from_db()
    assert response.status_code == 200
    assert batch.lot != "CHANGED"


def test_implausible_batch_is_not_published_and_shows_why(client):
    batch = traced_batch(
        publish=False, expiry_date=timezone.localdate() - datetime.timedelta(days=60)
    )
    client.force_login(member_of(batch.enterprise))
    page = client.get(reverse("traceability_batches:publish", args=[batch.pk])).content.decode()
    assert "⛔" in page
    response = client.post(reverse("traceability_batches:publish", args=[batch.pk]))
    batch.refresh_from_db()
    assert response.status_code == 200
    assert not batch.is_published


def test_officer_handles_the_fake_queue_but_cannot_change_batches(client):
    batch = traced_batch(serials=1)
    report = report_suspected_fake(
        code="X", message="Tem mờ", batch=batch, enterprise_id=batch.enterprise_id
    )
    user = officer()
    client.force_login(user)
    listing = client.get(reverse("traceability_reports:index"))
    assert listing.status_code == 200
    response = client.post(
        reverse("traceability_reports:action", args=[report.pk, "handle"]),
        {"reason": "Đã làm việc với cửa hàng"},
    )
    report.refresh_from_db()
    assert response.status_code == 302
    assert report.status == SuspicionReport.Status.HANDLED
    assert report.handled_by == user
    refused = client.post(reverse("traceability_batches:serials", args=[batch.pk]), {"count": "5"})
    assert refused.status_code == 302  # Wagtail answers PermissionDenied with a redirect
    assert batch.serials.count() == 1
    assert client.get(reverse("traceability_batches:report", args=[batch.pk])).status_code == 200


@pytest.mark.parametrize("corrects", ["abc", "1e5", "²"])
def test_a_correction_of_a_step_that_is_not_a_number_is_a_404(client, corrects):
    batch = traced_batch(publish=False)
    client.force_login(member_of(batch.enterprise))
    url = reverse("traceability_batches:add_event", args=[batch.pk])
    assert client.get(url, {"corrects": corrects}).status_code == 404


def test_member_cannot_attach_another_enterprises_area(client):
    batch = traced_batch(publish=False)
    foreign = ProductionAreaFactory()
    client.force_login(member_of(batch.enterprise))
    response = client.post(
        reverse("traceability_batches:add_event", args=[batch.pk]),
        {"step": "harvest", "occurred_at": "2026-11-01 08:00", "area": foreign.pk},
    )
    assert response.status_code == 200
    assert batch.events.count() == 2


def test_a_new_batchs_steps_offer_only_the_members_own_areas_and_certificates(client):
    # given
    area = ProductionAreaFactory(name="Đồi chè của mình")
    variant = traced_batch(variant__product__enterprise=area.enterprise).variant
    foreign_area = ProductionAreaFactory(name="Đồi chè nhà khác")
    foreign_certificate = CertificateFactory(
        enterprise=foreign_area.enterprise, number="999/QĐ-KHAC"
    )
    client.force_login(member_of(area.enterprise))
    # when: the page, with the blank step the page copies for each new step
    page = client.get(reverse("traceability_batches:add")).content.decode()
    # then
    assert area.name in page
    assert foreign_area.name not in page
    assert foreign_certificate.number not in page
    # when: a step names the other enterprise's certificate anyway
    response = client.post(
        reverse("traceability_batches:add"),
        {
            "variant": variant.pk,
            "lot": "TC2026-FOREIGN",
            "quantity": "10",
            "production_date": timezone.localdate().isoformat(),
            "events-TOTAL_FORMS": "1",
            "events-INITIAL_FORMS": "0",
            "events-MIN_NUM_FORMS": "0",
            "events-MAX_NUM_FORMS": "1000",
            "events-0-step": "harvest",
            "events-0-occurred_at": timezone.localdate().isoformat() + " 07:30",
            "events-0-place": "Đồi",
            "events-0-certificate": foreign_certificate.pk,
            "events-0-ORDER": "1",
        },
    )
    # then: refused, nothing written
    assert response.status_code == 200
    assert not Batch.objects.filter(lot="TC2026-FOREIGN").exists()


def test_member_creates_a_batch_with_its_harvest_in_one_form(client):
    # given
    area = ProductionAreaFactory()
    variant = traced_batch(variant__product__enterprise=area.enterprise).variant
    client.force_login(member_of(area.enterprise))
    assert client.get(reverse("traceability_batches:add")).status_code == 200
    # when
    response = client.post(
        reverse("traceability_batches:add"),
        {
            "variant": variant.pk,
            "lot": "TC2026-NEW",
            "quantity": "120",
            "production_date": timezone.localdate().isoformat(),
            "expiry_date": "",
            "areas": [area.pk],
            "notes": "",
            "events-TOTAL_FORMS": "1",
            "events-INITIAL_FORMS": "0",
            "events-MIN_NUM_FORMS": "0",
            "events-MAX_NUM_FORMS": "1000",
            "events-0-step": "harvest",
            "events-0-occurred_at": (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
            + " 07:30",
            "events-0-area": area.pk,
            "events-0-performed_by": "Tổ hái chè số 1",
            "events-0-description": "",
            "events-0-place": "",
            "events-0-destination": "",
            "events-0-correction_reason": "",
            "events-0-ORDER": "1",
        },
    )
    # then
    assert response.status_code == 302, response.content.decode()[-3000:]
    batch = Batch.objects.get(lot="TC2026-NEW")
    assert batch.enterprise == area.enterprise
    assert batch.events.get().area == area
    assert len(batch.short_code) == 8
    assert batch.plausibility_flags == []


def test_fake_queue_shows_the_serials_checks_by_place(client, settings):
    settings.TRACE_PROVINCE_HEADER = "HTTP_X_PROVINCE_CODE"
    batch = traced_batch(serials=1)
    serial = batch.serials.get()
    url = f"/01/{batch.variant.gtin}/10/{batch.lot}/21/{serial.value}"
    for province in (19, 1, 79):
        client.get(url, HTTP_X_PROVINCE_CODE=str(province))
    flush_scans()  # the checks are written in bulk (traceability.scanlog)
    client.force_login(officer())
    page = client.get(reverse("traceability_reports:index")).content.decode()
    assert "Thái Nguyên: 1" in page
    assert "Hồ Chí Minh: 1" in page


def test_every_page_opens_for_a_member_and_an_officer(client):
    batch = traced_batch(serials=2)
    report_suspected_fake(code="X", batch=batch, enterprise_id=batch.enterprise_id)
    area = batch.areas.get()
    pages = [
        reverse("traceability_areas:index"),
        reverse("traceability_areas:add"),
        reverse("traceability_areas:edit", args=[area.pk]),
        reverse("traceability_batches:index"),
        reverse("traceability_batches:add"),
        reverse("traceability_batches:inspect", args=[batch.pk]),
        reverse("traceability_batches:serials", args=[batch.pk]),
        reverse("traceability_batches:copy", args=[batch.pk]),
        reverse("traceability_batches:add_event", args=[batch.pk]),
        reverse("traceability_batches:add_event", args=[batch.pk])
        + f"?corrects={batch.events.first().pk}",
        reverse("traceability_batches:report", args=[batch.pk]),
        reverse("traceability_reports:index"),
    ]
    client.force_login(member_of(batch.enterprise))
    for url in pages:
        assert client.get(url).status_code == 200, url
    client.force_login(officer())
    for url in [pages[0], pages[3], pages[5], pages[6], pages[10], pages[11]]:
        assert client.get(url).status_code == 200, url
