import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Min
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PillowImage
from wagtail.images import get_image_model

from accounts.divisions import home_province_code, province_of_ward
from accounts.models import User
from marketplace.categories import DEFAULT_TREE
from marketplace.demo_catalogue import CURATED_PRODUCTS
from marketplace.demo_certificates import OCOP_BANDS, OCOP_PART_MAXIMA, add_years, ocop_scores
from marketplace.demo_images import PICTURES
from marketplace.models import Product, ProductEvent, ProductImage, Variant, validate_gtin
from marketplace.services import refresh_product_summary
from traceability.models import Certificate

pytestmark = pytest.mark.django_db

S = Product.Status
CURATED = len(CURATED_PRODUCTS)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Demo pictures and their renditions are written to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path


def seed(products):
    call_command("seed_demo", "--products", str(products), stdout=io.StringIO())


def row_counts():
    return {
        "products": Product.objects.count(),
        "variants": Variant.objects.count(),
        "gallery": ProductImage.objects.count(),
        "events": ProductEvent.objects.count(),
        "certificates": Certificate.objects.count(),
        "links": Product.certificates.through.objects.count(),
        "images": get_image_model().objects.count(),
    }


def summaries():
    return Product.objects.values_list("pk", "min_price_vnd", "total_stock")


def test_seeding_products_twice_changes_nothing():
    # given
    seed(40)
    first = row_counts()
    # when
    seed(40)
    # then
    assert row_counts() == first
    assert first["products"] == 40
    assert first["images"] == len(PICTURES)


def test_a_larger_count_adds_only_the_missing_products():
    # given
    seed(40)
    before = set(Product.objects.values_list("slug", flat=True))
    # when
    seed(55)
    # then
    after = set(Product.objects.values_list("slug", flat=True))
    assert len(after) == 55
    assert before <= after
    new_numbers = sorted(int(slug.rsplit("-", 1)[1]) for slug in after - before)
    assert new_numbers == list(range(40 - CURATED + 1, 55 - CURATED + 1))


def test_a_count_below_the_curated_products_makes_the_first_ones():
    # when
    seed(3)
    # then
    assert sorted(Product.objects.values_list("slug", flat=True)) == sorted(
        item.slug for item in CURATED_PRODUCTS[:3]
    )


def test_curated_products_fit_the_seeding_keys():
    # given
    categories = {slug for _name, slug, _group, _children in DEFAULT_TREE} | {
        slug for *_parent, children in DEFAULT_TREE for _name, slug in children
    }
    # then: generated products are recognised by the number their slug ends with
    assert [item.slug for item in CURATED_PRODUCTS if item.slug[-1].isdigit()] == []
    # and three GTIN item numbers are kept for each curated product
    assert {len(item.variants) for item in CURATED_PRODUCTS} == {1, 2, 3}
    assert {item.category for item in CURATED_PRODUCTS} <= categories
    assert {key for item in CURATED_PRODUCTS for key in item.pictures} == {
        picture.key for picture in PICTURES
    }


def test_summaries_are_what_the_catalogue_service_computes():
    # given: the default demo, where some products have a pack no longer on sale
    seed(120)
    assert Variant.objects.filter(is_active=False).count() == 2
    seeded = {pk: (price, stock) for pk, price, stock in summaries()}
    # when
    for pk in seeded:
        refresh_product_summary(product_id=pk)
    # then
    assert {pk: (price, stock) for pk, price, stock in summaries()} == seeded


def test_published_products_have_a_pack_on_sale():
    # given
    seed(120)
    # when
    published = Product.objects.filter(status=S.PUBLISHED)
    # then
    assert not published.exclude(variants__is_active=True).exists()
    assert not published.filter(min_price_vnd=0).exists()


def test_gtins_are_valid_unique_and_vietnamese():
    # given
    seed(120)
    # when
    gtins = list(Variant.objects.exclude(gtin="").values_list("gtin", flat=True))
    # then
    assert len(gtins) == 76
    assert len(set(gtins)) == len(gtins)
    for gtin in gtins:
        validate_gtin(gtin)
        assert gtin.startswith("893")
    tea = Variant.objects.filter(product__slug="che-moc-cau-tan-cuong-dac-biet")
    assert list(tea.order_by("sort_order").values_list("gtin", flat=True)) == [
        "8939000000005",
        "8939000000012",
        "8939000000029",
    ]


def test_curated_certificates_expired_expiring_and_valid_relative_to_today():
    # given
    seed(CURATED)
    today = timezone.localdate()
    ocop = Certificate.objects.filter(kind=Certificate.Kind.OCOP)

    def products(certificates):
        return set(certificates.values_list("products__slug", flat=True))

    # then
    assert products(ocop.filter(expires_on__lt=today)) == {
        "tra-tui-loc-la-bang",
        "mien-dong-dinh-hoa",
    }
    assert products(ocop.filter(expires_on__range=(today, today + datetime.timedelta(30)))) == {
        "che-non-tom-tan-cuong",
        "che-moc-cau-la-bang-hop-qua",
    }
    assert products(
        ocop.filter(
            expires_on__range=(today + datetime.timedelta(31), today + datetime.timedelta(90))
        )
    ) == {"che-dinh-tan-cuong-hop-go", "che-bup-quan-chu"}
    assert products(ocop.filter(revoked_at__isnull=False)) == {"tinh-bot-nghe-dai-tu"}
    assert ocop.valid_on(today).count() == 14
    assert Certificate.objects.filter(kind=Certificate.Kind.VIETGAP).count() == 3
    assert Certificate.objects.filter(kind=Certificate.Kind.FOOD_SAFETY).count() == 3
    assert Product.objects.filter(certificates__isnull=True).count() == 8


def test_ocop_certificates_last_36_months_with_scores_in_the_star_band():
    # given
    seed(120)
    # then
    for certificate in Certificate.objects.filter(kind=Certificate.Kind.OCOP):
        low, high = OCOP_BANDS[certificate.star_level]
        parts = (certificate.score_part_a, certificate.score_part_b, certificate.score_part_c)
        assert low <= sum(parts) <= high
        assert all(part <= maximum for part, maximum in zip(parts, OCOP_PART_MAXIMA, strict=True))
        assert certificate.expires_on == add_years(certificate.issued_on, 3)
        assert certificate.number.endswith(("/QĐ-UBND", "/QĐ-BNN-VPĐP"))


@pytest.mark.parametrize("stars", [3, 4, 5])
def test_ocop_scores_add_up_to_the_band(stars):
    # given
    low, high = OCOP_BANDS[stars]
    for seed_value in range(200):
        # when
        parts = ocop_scores(stars, random.Random(seed_value))
        # then
        assert low <= sum(parts) <= high
        assert all(
            0 <= part <= maximum for part, maximum in zip(parts, OCOP_PART_MAXIMA, strict=True)
        )


def test_demo_pictures_are_real_images():
    # given
    seed(CURATED)
    # when
    images = get_image_model().objects.filter(title__startswith="Ảnh mẫu")
    # then
    assert images.count() == len(PICTURES)
    for image in images:
        with image.open_file() as file:
            picture = PillowImage.open(file)
            picture.load()
        assert (picture.format, picture.size) == ("PNG", (800, 800))
        assert (image.width, image.height) == (800, 800)
        assert image.description
    assert not Product.objects.filter(main_image__isnull=True).exists()
    gallery = ProductImage.objects.filter(product__slug="che-moc-cau-tan-cuong-dac-biet")
    assert list(gallery.order_by("sort_order").values_list("alt_text", flat=True)) == [
        "Búp chè một tôm hai lá",
        "Chén trà xanh nước vàng sánh",
        "Những luống chè trên đồi",
    ]


def test_review_history_matches_each_status():
    # given
    seed(40)
    officer = User.objects.get(phone="+84912000002")
    owner = User.objects.get(phone="+84913000000")
    # when
    moc_cau = Product.objects.get(slug="che-moc-cau-tan-cuong-dac-biet")
    # then
    assert list(moc_cau.events.values_list("from_status", "to_status", "actor")) == [
        (S.DRAFT, S.PENDING_REVIEW, owner.pk),
        (S.PENDING_REVIEW, S.PUBLISHED, officer.pk),
    ]
    events_by_status = set(
        Product.objects.annotate(events_count=Count("events")).values_list("status", "events_count")
    )
    assert events_by_status == {
        (S.DRAFT, 0),
        (S.PENDING_REVIEW, 1),
        (S.PUBLISHED, 2),
        (S.REJECTED, 2),
    }
    rejected = Product.objects.get(slug="tra-xanh-tui-loc-huong-nhai")
    assert rejected.events.last().reason == rejected.review_reason != ""


def test_products_come_from_real_thai_nguyen_wards_and_spread_over_the_year():
    # given
    seed(120)
    now = timezone.now()
    # then
    wards = set(Product.objects.values_list("origin_ward_code", flat=True))
    assert {province_of_ward(ward) for ward in wards} == {home_province_code()}
    assert len(wards) == 35
    assert len(set(Product.objects.values_list("enterprise", flat=True))) == 12
    span = Product.objects.filter(status=S.PUBLISHED).aggregate(
        first=Min("published_at"), last=Max("published_at")
    )
    assert now - datetime.timedelta(days=366) < span["first"] < now - datetime.timedelta(days=300)
    assert now - datetime.timedelta(days=30) < span["last"] < now
    assert not Product.objects.exclude(status=S.PUBLISHED).exclude(published_at=None).exists()
    assert not Product.objects.filter(
        enterprise__status="pending", status__in=[S.PUBLISHED, S.PENDING_REVIEW, S.REJECTED]
    ).exists()


def test_storefront_pages_answer_after_seeding(client):
    # given
    seed(40)
    published = Product.objects.on_storefront().exclude(slug__regex=r"-\d+$").first()
    generated = Product.objects.on_storefront().filter(slug__regex=r"-\d+$").first()
    enterprise = published.enterprise
    # when
    pages = [
        reverse("marketplace:catalogue"),
        reverse("marketplace:product", args=["che-moc-cau-tan-cuong-dac-biet"]),
        reverse("marketplace:product", args=[published.slug]),
        reverse("marketplace:product", args=[generated.slug]),
        reverse("marketplace:enterprises"),
        reverse("marketplace:enterprise", args=[enterprise.slug]),
    ]
    responses = [client.get(page) for page in pages]
    # then
    assert [response.status_code for response in responses] == [200] * len(pages)
    assert "OCOP 4★" in responses[1].content.decode()
