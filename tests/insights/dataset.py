"""A small, known data set whose figures are worked out by hand in EXPECTED.

Three sellers (A: cooperative in Tân Cương, B: company and C: household in Phú Thịnh) and a
pending one; seven checkouts over two past days and today, with a delivery, a completion, a
COD refusal at the door, a return of a refunded order, a cancelled unpaid part and a cancelled
paid part that was refunded; scans of A's labels and of an unknown serial; OCOP certificates
valid, expiring, lapsed in the period, lapsed long ago and revoked.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from marketplace.models import Enterprise, Order, OrderLine, Product, SubOrder, Variant
from marketplace.services import refresh_ocop_badges
from tests.marketplace.factories import (
    CertificateFactory,
    EnterpriseFactory,
    ProductFactory,
    VariantFactory,
)
from tests.traceability.factories import gtin_for, traced_batch
from traceability.models import ScanEvent

TAN_CUONG = 5503
PHU_THINH = 5506
Status = SubOrder.Status


@dataclass
class DataSet:
    today: datetime.date
    first_day: datetime.date  # today - 10
    second_day: datetime.date  # today - 9
    a: Enterprise
    b: Enterprise
    c: Enterprise
    pending: Enterprise
    products: dict[str, Product]


def local(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


_codes = iter(range(1, 10_000))


def place(
    *,
    when: datetime.datetime,
    method: str,
    parts: list[tuple[Variant, int, str]],
    payment_status: str = Order.PaymentStatus.PENDING,
    settled: bool = False,
) -> Order:
    """An order as checkout leaves it, written directly: one part per enterprise, one line each."""
    items = sum(variant.price_vnd * quantity for variant, quantity, _status in parts)
    order = Order.objects.create(
        code=f"DH{next(_codes):06d}",
        name="Nguyễn Thị Hoa",
        phone="+84987654321",
        province_code=19,
        ward_code=TAN_CUONG,
        street="12 Tân Cương",
        payment_method=method,
        payment_status=payment_status,
        items_vnd=items,
        shipping_vnd=0,
        total_vnd=items,
    )
    for variant, quantity, status in parts:
        sub_order = SubOrder.objects.create(
            order=order,
            enterprise_id=variant.product.enterprise_id,
            status=status,
            items_vnd=variant.price_vnd * quantity,
            shipping_vnd=0,
            payment_settled_at=timezone.now() if settled else None,
        )
        OrderLine.objects.create(
            sub_order=sub_order,
            variant=variant,
            product_name=variant.product.name,
            variant_name=variant.name,
            sku=variant.sku,
            unit_price_vnd=variant.price_vnd,
            quantity=quantity,
            line_total_vnd=variant.price_vnd * quantity,
        )
        SubOrder.objects.filter(pk=sub_order.pk).update(created_at=when)
    Order.objects.filter(pk=order.pk).update(created_at=when)
    return order


def build() -> DataSet:
    today = timezone.localdate()
    first, second = today - datetime.timedelta(days=10), today - datetime.timedelta(days=9)
    approved = timezone.now() - datetime.timedelta(days=5)
    a = EnterpriseFactory(
        name="HTX Chè A",
        kind=Enterprise.Kind.COOPERATIVE,
        ward_code=TAN_CUONG,
        approved_at=approved,
    )
    b = EnterpriseFactory(
        name="Công ty B", kind=Enterprise.Kind.COMPANY, ward_code=PHU_THINH, approved_at=approved
    )
    c = EnterpriseFactory(
        name="Hộ C", kind=Enterprise.Kind.HOUSEHOLD, ward_code=PHU_THINH, approved_at=approved
    )
    pending = EnterpriseFactory(name="Chờ duyệt", status=Enterprise.Status.PENDING)

    a1 = VariantFactory(
        product__enterprise=a, product__name="Chè A1", price_vnd=100_000, gtin=gtin_for(901)
    )
    a2 = VariantFactory(product__enterprise=a, product__name="Chè A2", price_vnd=50_000)
    b1 = VariantFactory(product__enterprise=b, product__name="Miến B1", price_vnd=30_000)
    draft = ProductFactory(enterprise=c, name="Nháp C", status=Product.Status.DRAFT)

    # OCOP certificates, as of today (the end of the period)
    valid = CertificateFactory(enterprise=a, star_level=4)
    a1.product.certificates.add(valid)
    CertificateFactory(enterprise=a, expires_on=today + datetime.timedelta(days=30))
    lapsed = CertificateFactory(
        enterprise=b,
        star_level=3,
        issued_on=today - datetime.timedelta(days=1000),
        expires_on=first,
    )
    b1.product.certificates.add(lapsed)
    CertificateFactory(
        enterprise=b,
        issued_on=today - datetime.timedelta(days=1500),
        expires_on=today - datetime.timedelta(days=400),
    )
    CertificateFactory(enterprise=c, revoked_at=timezone.now())
    refresh_ocop_badges(product_ids=[a1.product_id, b1.product_id])

    cod, vnpay, momo, zalopay = "cod", "vnpay", "momo", "zalopay"
    paid, refunded = Order.PaymentStatus.PAID, Order.PaymentStatus.REFUNDED
    place(when=local(first), method=cod, parts=[(a1, 2, Status.DELIVERED)])
    place(
        when=local(first, 11),
        method=vnpay,
        payment_status=paid,
        settled=True,
        parts=[(a2, 1, Status.COMPLETED), (b1, 3, Status.CANCELLED)],
    )
    place(when=local(first, 12), method=cod, parts=[(b1, 1, Status.DELIVERY_FAILED)])
    place(
        when=local(first, 13),
        method=momo,
        payment_status=refunded,
        parts=[(a1, 1, Status.RETURNED)],
    )
    place(when=local(first, 23), method=cod, parts=[(a2, 4, Status.CANCELLED)])
    place(
        when=local(second, 0), method=zalopay, payment_status=paid, parts=[(b1, 2, Status.SHIPPED)]
    )
    place(when=timezone.now(), method=cod, parts=[(a1, 1, Status.PLACED)])

    batch = traced_batch(variant=a1, serials=1)
    serial = batch.serials.get()
    for hour in (9, 15):
        ScanEvent.objects.create(
            serial=serial,
            batch=batch,
            outcome=ScanEvent.Outcome.GENUINE,
            visitor_key="v",
            scanned_at=local(first, hour),
        )
    ScanEvent.objects.create(
        batch=batch,
        outcome=ScanEvent.Outcome.UNKNOWN_SERIAL,
        visitor_key="w",
        scanned_at=local(second, 9),
    )
    ScanEvent.objects.create(
        outcome=ScanEvent.Outcome.UNKNOWN_SERIAL, visitor_key="x", scanned_at=local(second, 10)
    )
    return DataSet(
        today=today,
        first_day=first,
        second_day=second,
        a=a,
        b=b,
        c=c,
        pending=pending,
        products={"a1": a1.product, "a2": a2.product, "b1": b1.product, "draft": draft},
    )


# The figures of the period from the first day to today, worked out by hand from build().
EXPECTED: dict[str, Any] = {
    "enterprises_registered": 4,  # A, B, C and the pending one, all created today
    "enterprises_approved": 3,
    "enterprises_taking_part": 3,
    "enterprises_active": 2,  # A and B sold; C did not
    "products_listed": 4,  # A1, A2, B1 and C's draft
    "products_published": 3,
    "products_ocop": 1,  # A1; B1's certificate lapsed on the first day
    "products_sold": 3,
    "certificates_valid": 2,
    "certificates_expiring": 1,
    "certificates_expired": 1,  # B's, on the first day; the one of 400 days ago is older
    "checkouts": 7,
    "orders": 8,  # the VNPay checkout has a part for A and one for B
    "orders_online": 4,
    "orders_delivered": 2,  # delivered + completed
    "orders_refused": 2,  # refused at the door + returned
    "orders_cancelled": 2,
    "cod_orders_delivered": 1,
    "cod_orders_refused": 1,
    "items": 8,  # 2 + 1 + 1 + 1 + 2 + 1 (cancelled parts left out)
    "revenue_vnd": 540_000,  # 200k + 50k + 30k + 100k + 60k + 100k (today)
    "gross_vnd": 540_000,
    "gross_online_vnd": 210_000,  # 50k VNPay + 100k MoMo + 60k ZaloPay
    "delivered_vnd": 250_000,
    "refused_vnd": 130_000,
    "refunded_vnd": 190_000,  # B's cancelled paid part 90k + the refunded MoMo order 100k
    "cancelled_vnd": 290_000,
    "online_share": 0.5,
    "cod_refusal_rate": 0.5,
    "qr_scans": 4,
    "suspicious_scans": 2,
    "visits": 0,
}
