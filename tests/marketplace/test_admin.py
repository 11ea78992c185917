"""The marketplace's back office in the Wagtail admin: isolation between enterprises, the
officer's review queue and decisions, and bad input refused."""

import datetime
import io
import json

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model

from accounts.roles import Role, assign_role
from marketplace.models import Category, Enterprise, Product, ProductEvent, Variant
from marketplace.services import refresh_ocop_badges
from tests.accounts.factories import UserFactory
from tests.marketplace.factories import (
    CertificateFactory,
    EnterpriseFactory,
    MembershipFactory,
    ProductFactory,
    VariantFactory,
    certify,
)
from traceability.models import Certificate

pytestmark = pytest.mark.django_db


def member_of(enterprise, role="owner"):
    user = MembershipFactory(enterprise=enterprise, role=role).user
    assign_role(user, Role.ENTERPRISE_MEMBER)
    return user


def officer():
    user = UserFactory()
    assign_role(user, Role.OFFICER)
    return user


def draftail(text):
    block = {
        "key": "a1b2c",
        "type": "unstyled",
        "text": text,
        "depth": 0,
        "inlineStyleRanges": [],
        "entityRanges": [],
        "data": {},
    }
    return json.dumps({"blocks": [block], "entityMap": {}})


def product_form(enterprise, **overrides):
    data = {
        "enterprise": enterprise.pk,
        "name": "Chè nõn tôm Tân Cương",
        "category": "",
        "origin_ward_code": "5503",
        "description": draftail("Chè hái một tôm hai lá."),
        "main_image": "",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "0",
        "variants-MIN_NUM_FORMS": "1",
        "variants-MAX_NUM_FORMS": "1000",
        "variants-0-name": "Hộp 200g",
        "variants-0-sku": "NT-200",
        "variants-0-price_vnd": "180000",
        "variants-0-stock": "25",
        "variants-0-weight_g": "200",
        "variants-0-gtin": "",
        "variants-0-is_active": "on",
        "variants-0-ORDER": "1",
        "variants-0-id": "",
        "variants-0-DELETE": "",
    }
    data["category"] = Category.objects.get(slug="che-thai-nguyen").pk
    data.update(overrides)
    return data


# --- Isolation ---------------------------------------------------------------------------------


def test_a_member_lists_only_their_own_enterprise_and_products(client):
    # given
    mine, theirs = EnterpriseFactory(name="HTX Của Tôi"), EnterpriseFactory(name="HTX Người Khác")
    ProductFactory(enterprise=mine, name="Chè của tôi")
    ProductFactory(enterprise=theirs, name="Chè người khác")
    client.force_login(member_of(mine))
    # when
    enterprises = client.get(reverse("enterprises:index")).content.decode()
    products = client.get(reverse("products:index")).content.decode()
    # then
    assert "HTX Của Tôi" in enterprises
    assert "HTX Người Khác" not in enterprises
    assert "Chè của tôi" in products
    assert "Chè người khác" not in products


@pytest.mark.parametrize(
    "url_name",
    [
        "products:edit",
        "products:inspect",
        "products:history",
        "products:usage",
        "products:delete",
    ],
)
def test_another_enterprises_product_is_a_404_in_every_admin_view(client, url_name):
    # given
    product = ProductFactory(enterprise=EnterpriseFactory())
    client.force_login(member_of(EnterpriseFactory()))
    # when
    response = client.get(reverse(url_name, args=[product.pk]))
    # then
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("url_name", "args"),
    [
        ("enterprises:edit", lambda e, c, p: [e.pk]),
        ("enterprises:inspect", lambda e, c, p: [e.pk]),
        ("certificates:edit", lambda e, c, p: [c.pk]),
        ("certificates:inspect", lambda e, c, p: [c.pk]),
        ("products:action", lambda e, c, p: [p.pk, "submit"]),
        ("products:action", lambda e, c, p: [p.pk, "archive"]),
    ],
)
def test_another_enterprises_rows_are_unreachable(client, url_name, args):
    # given
    theirs = EnterpriseFactory()
    certificate = CertificateFactory(enterprise=theirs)
    product = ProductFactory(enterprise=theirs, status=Product.Status.DRAFT)
    client.force_login(member_of(EnterpriseFactory()))
    # when
    response = client.get(reverse(url_name, args=args(theirs, certificate, product)))
    # then
    assert response.status_code == 404


def test_a_member_edits_their_own_product(client):
    # given
    mine = EnterpriseFactory()
    product = ProductFactory(enterprise=mine)
    client.force_login(member_of(mine))
    # then
    assert client.get(reverse("products:edit", args=[product.pk])).status_code == 200
    assert client.get(reverse("enterprises:edit", args=[mine.pk])).status_code == 200


def test_a_member_cannot_create_a_product_for_another_enterprise(client):
    # given
    mine, theirs = EnterpriseFactory(), EnterpriseFactory()
    client.force_login(member_of(mine))
    # when
    response = client.post(reverse("products:add"), product_form(theirs))
    # then
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    assert Product.objects.count() == 0


def test_a_member_cannot_attach_another_enterprises_certificate(client):
    # given
    mine = EnterpriseFactory()
    foreign = CertificateFactory(enterprise=EnterpriseFactory())
    client.force_login(member_of(mine))
    # when
    response = client.post(reverse("products:add"), product_form(mine, certificates=[foreign.pk]))
    # then
    assert response.status_code == 200
    assert Product.objects.count() == 0


# --- Listing a product ------------------------------------------------------------------------


def test_a_member_adds_a_product_with_a_variant_as_a_draft(client):
    # given
    mine = EnterpriseFactory()
    client.force_login(member_of(mine))
    # when
    response = client.post(reverse("products:add"), product_form(mine))
    # then
    assert response.status_code == 302, response.content.decode()[-3000:]
    product = Product.objects.get()
    assert (product.status, product.slug, product.enterprise) == (
        "draft",
        "che-non-tom-tan-cuong",
        mine,
    )
    variant = Variant.objects.get()
    assert (variant.enterprise, variant.price_vnd, variant.sku) == (mine, 180_000, "NT-200")
    assert (product.min_price_vnd, product.total_stock) == (180_000, 25)


def test_the_site_history_is_closed_to_enterprise_members(client):
    # given: a member's draft, logged by Wagtail
    mine, theirs = EnterpriseFactory(), EnterpriseFactory()
    client.force_login(member_of(mine))
    data = product_form(mine, name="Bản nháp chưa công bố")
    assert client.post(reverse("products:add"), data).status_code == 302
    urls = [reverse("wagtailadmin_reports:site_history")]
    urls.append(reverse("wagtailadmin_reports:site_history_results"))
    # when: another enterprise's member asks for it
    client.force_login(member_of(theirs))
    # then: Wagtail's refusal (back to the dashboard, with its message)
    for url in urls:
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    # and the officers keep it
    client.force_login(officer())
    assert "Bản nháp chưa công bố" in client.get(urls[0]).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("variants-0-price_vnd", "-1000", "Hãy nhập một giá trị lớn hơn hoặc bằng 0."),
        ("variants-0-gtin", "8936012345679", "GTIN"),
        ("name", "", "bắt buộc"),
    ],
)
def test_bad_product_input_is_refused_and_nothing_is_saved(client, field, value, message):
    # given
    mine = EnterpriseFactory()
    client.force_login(member_of(mine))
    # when
    response = client.post(reverse("products:add"), product_form(mine, **{field: value}))
    # then
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Product.objects.count() == 0
    assert Variant.objects.count() == 0


def test_a_sku_already_used_by_the_enterprise_is_refused_before_saving(client):
    # given
    mine = EnterpriseFactory()
    VariantFactory(product=ProductFactory(enterprise=mine), sku="NT-200")
    client.force_login(member_of(mine))
    # when
    response = client.post(reverse("products:add"), product_form(mine))
    # then
    assert response.status_code == 200
    assert "Mã SKU này đã dùng cho một sản phẩm khác của bạn." in response.content.decode()
    assert Product.objects.count() == 1


def test_scripts_in_the_description_are_stored_as_harmless_text(client):
    # given
    mine = EnterpriseFactory()
    client.force_login(member_of(mine))
    # when
    client.post(
        reverse("products:add"),
        product_form(mine, description=draftail("<script>alert(1)</script>Chè ngon")),
    )
    # then
    description = Product.objects.get().description
    assert "<script>" not in description
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Chè ngon" in description


# --- Review -------------------------------------------------------------------------------------


def test_member_submits_and_officer_publishes_a_product(client):
    # given
    mine = EnterpriseFactory()
    product = ProductFactory(enterprise=mine, status=Product.Status.DRAFT, published_at=None)
    VariantFactory(product=product)
    client.force_login(member_of(mine))
    # when: the member submits it
    client.post(reverse("products:action", args=[product.pk, "submit"]), {"reason": ""})
    # then
    product.refresh_from_db()
    assert product.status == "pending_review"
    # when: the officer publishes it
    client.force_login(officer())
    response = client.post(reverse("products:action", args=[product.pk, "publish"]), {"reason": ""})
    # then
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.status == "published"
    assert list(ProductEvent.objects.values_list("to_status", flat=True)) == [
        "pending_review",
        "published",
    ]


def test_an_officer_rejects_only_with_a_reason(client):
    # given
    product = ProductFactory(status=Product.Status.PENDING_REVIEW)
    client.force_login(officer())
    url = reverse("products:action", args=[product.pk, "reject"])
    # when
    response = client.post(url, {"reason": "  "})
    # then
    assert response.status_code == 200
    assert "bắt buộc" in response.content.decode()
    product.refresh_from_db()
    assert product.status == "pending_review"
    # when
    client.post(url, {"reason": "Ảnh sản phẩm chưa rõ"})
    # then
    product.refresh_from_db()
    assert (product.status, product.review_reason) == ("rejected", "Ảnh sản phẩm chưa rõ")


def test_an_officer_cannot_edit_a_sellers_product_or_prices(client):
    # given
    product = ProductFactory()
    client.force_login(officer())
    # then
    assert client.get(reverse("products:inspect", args=[product.pk])).status_code == 200
    response = client.get(reverse("products:edit", args=[product.pk]), follow=True)
    assert response.redirect_chain == [(reverse("wagtailadmin_home"), 302)]
    assert "không có quyền" in response.content.decode()


def test_a_member_cannot_publish_their_own_product(client):
    # given
    mine = EnterpriseFactory()
    product = ProductFactory(enterprise=mine, status=Product.Status.PENDING_REVIEW)
    client.force_login(member_of(mine))
    # when
    response = client.post(reverse("products:action", args=[product.pk, "publish"]))
    # then: Wagtail answers a refused permission with its dashboard and a message
    assert response.url == reverse("wagtailadmin_home")
    product.refresh_from_db()
    assert product.status == "pending_review"


def test_the_officer_approves_a_registration_from_the_queue(
    client, django_capture_on_commit_callbacks
):
    # given
    pending = EnterpriseFactory(status=Enterprise.Status.PENDING, email="htx@example.vn")
    EnterpriseFactory(status=Enterprise.Status.APPROVED, name="Đã duyệt")
    client.force_login(officer())
    # when: the dashboard shows the queue and the list filters it
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    queue = client.get(reverse("enterprises:index"), {"status": "pending"}).content.decode()
    # then
    assert "1 hồ sơ doanh nghiệp" in home
    assert pending.name in queue
    assert "Đã duyệt" not in queue
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enterprises:action", args=[pending.pk, "approve"]), {"reason": ""}
        )
    # then
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "approved"
    assert mail.outbox[0].to == ["htx@example.vn"]


def test_an_officer_revokes_a_certificate_and_the_badge_goes(client):
    # given
    product = ProductFactory()
    VariantFactory(product=product)
    certificate = certify(product)
    url = reverse("marketplace:product", args=[product.slug])
    assert "OCOP 4★" in client.get(url).content.decode()
    client.force_login(officer())
    # when
    client.post(
        reverse("certificates:action", args=[certificate.pk, "revoke"]),
        {"reason": "Cơ sở không còn đáp ứng tiêu chí"},
    )
    # then
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Cơ sở không còn đáp ứng tiêu chí"
    assert "OCOP 4★" not in client.get(url).content.decode()


def _certificate_form(enterprise, **overrides):
    today = datetime.date.today()
    data = {
        "enterprise": enterprise.pk,
        "kind": "ocop",
        "number": "123/QĐ-UBND",
        "issuing_body": "UBND tỉnh Thái Nguyên",
        "issued_on": (today - datetime.timedelta(days=30)).isoformat(),
        "expires_on": (today + datetime.timedelta(days=900)).isoformat(),
        "star_level": "4",
        "score_part_a": "",
        "score_part_b": "",
        "score_part_c": "",
        "document": "",
    }
    data.update(overrides)
    return data


def test_stars_a_member_enters_show_only_once_an_officer_has_checked_them(client):
    # given: a published product of a member's enterprise
    product = ProductFactory()
    VariantFactory(product=product)
    url = reverse("marketplace:product", args=[product.slug])
    client.force_login(member_of(product.enterprise))
    # when: the member enters a 5★ certificate and links it
    response = client.post(
        reverse("certificates:add"), _certificate_form(product.enterprise, star_level="5")
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    certificate = Certificate.objects.get()
    product.certificates.add(certificate)
    refresh_ocop_badges(product_ids=[product.pk])
    # then: nothing shows yet, and the officers are told
    assert certificate.verified_at is None
    assert "OCOP 5★" not in client.get(url).content.decode()
    client.force_login(officer())
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "1 chứng nhận cần kiểm tra" in dashboard
    queue = client.get(reverse("certificates:index"), {"unchecked": "true"}).content.decode()
    assert "123/QĐ-UBND" in queue
    # when: an officer confirms it
    client.post(reverse("certificates:action", args=[certificate.pk, "verify"]), {"reason": ""})
    # then
    assert "OCOP 5★" in client.get(url).content.decode()


def test_a_member_changing_the_stars_of_a_checked_certificate_waits_for_a_new_check(client):
    # given: a product with a checked 4★ certificate
    product = ProductFactory()
    VariantFactory(product=product)
    certificate = certify(product)
    url = reverse("marketplace:product", args=[product.slug])
    assert "OCOP 4★" in client.get(url).content.decode()
    client.force_login(member_of(product.enterprise))
    # when: the member makes it 5★
    form = _certificate_form(product.enterprise, number=certificate.number, star_level="5")
    form["issued_on"], form["expires_on"] = certificate.issued_on, certificate.expires_on
    response = client.post(reverse("certificates:edit", args=[certificate.pk]), form)
    # then: no stars until an officer checks the change
    assert response.status_code == 302, response.content.decode()[-2000:]
    certificate.refresh_from_db()
    assert (certificate.star_level, certificate.verified_at) == (5, None)
    page = client.get(url).content.decode()
    assert "OCOP 5★" not in page
    assert "OCOP 4★" not in page


def test_publishing_a_product_checks_the_certificates_it_shows(client):
    # given: a product sent for review with a certificate its enterprise entered
    product = ProductFactory(status="pending_review")
    VariantFactory(product=product)
    certificate = certify(product, verified_at=None)
    client.force_login(officer())
    # when
    client.post(reverse("products:action", args=[product.pk, "publish"]), {"reason": ""})
    # then
    certificate.refresh_from_db()
    assert certificate.verified_at is not None
    url = reverse("marketplace:product", args=[product.slug])
    assert "OCOP 4★" in client.get(url).content.decode()


# --- Images -------------------------------------------------------------------------------------


def _png(width, height):
    buffer = io.BytesIO()
    PILImage.new("1", (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("che.jpg", b"this is not an image at all"),
        ("bom.png", _png(8000, 6000)),  # 48 million pixels in a few kilobytes
    ],
)
def test_images_that_are_not_images_or_too_large_are_refused(client, name, content):
    # given
    client.force_login(member_of(EnterpriseFactory()))
    # when
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Ảnh chè", "file": SimpleUploadedFile(name, content), "collection": "1"},
    )
    # then
    assert response.status_code == 200
    assert get_image_model().objects.count() == 0
