from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from stdnum.vn import mst

from marketplace.models import Category, Enterprise, Membership, Product, Variant
from marketplace.services import refresh_ocop_badges, refresh_product_summary
from tests.accounts.factories import UserFactory
from traceability.models import Certificate


def _tax_code(n: int) -> str:
    serial = n
    while True:
        body = f"01{serial:07d}"
        check = mst.calc_check_digit(body)
        if len(check) == 1:
            return body + check
        serial += 1_000_000


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    kind = Enterprise.Kind.COOPERATIVE
    name = factory.Sequence(lambda n: f"HTX Chè Thử Nghiệm {n}")
    slug = factory.Sequence(lambda n: f"htx-che-thu-nghiem-{n}")
    tax_code = factory.Sequence(lambda n: _tax_code(n * 7 + 1))
    representative = "Hoàng Văn Bình"
    phone = "+84912345678"
    ward_code = 5503
    status = Enterprise.Status.APPROVED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    enterprise = factory.SubFactory(EnterpriseFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.OWNER


def _category() -> Category:
    return Category.objects.get(slug="che-thai-nguyen")


class ProductFactory(factory.django.DjangoModelFactory):
    """A published tea product of an approved enterprise; add variants with VariantFactory."""

    class Meta:
        model = Product

    enterprise = factory.SubFactory(EnterpriseFactory)
    category = factory.LazyFunction(_category)
    name = factory.Sequence(lambda n: f"Chè Tân Cương đặc biệt {n}")
    slug = factory.Sequence(lambda n: f"che-tan-cuong-dac-biet-{n}")
    origin_ward_code = 5503
    status = Product.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory)
    name = "Hộp 200g"
    sku = factory.Sequence(lambda n: f"TN-{n:05d}")
    price_vnd = 180_000
    stock = 20
    weight_g = 200

    @factory.post_generation
    def _summary(obj, create, extracted, **kwargs):
        if create:
            refresh_product_summary(product_id=obj.product_id)


class CertificateFactory(factory.django.DjangoModelFactory):
    """A valid OCOP 4★ certificate; link it with `product.certificates.add(...)`."""

    class Meta:
        model = Certificate

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = Certificate.Kind.OCOP
    number = factory.Sequence(lambda n: f"{n}/QĐ-UBND")
    issuing_body = "UBND tỉnh Thái Nguyên"
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=100))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=900))
    star_level = 4


def certify(product: Product, **fields: object) -> Certificate:
    """Give `product` a certificate (a valid OCOP 4★ unless told otherwise), as the back office
    does: linked, and the product's badge recomputed."""
    certificate = CertificateFactory(enterprise=product.enterprise, **fields)
    product.certificates.add(certificate)
    refresh_ocop_badges(product_ids=[product.pk])
    return certificate
