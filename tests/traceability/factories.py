from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from tests.marketplace.factories import EnterpriseFactory, VariantFactory
from traceability.gs1 import check_digit
from traceability.models import Batch, ProductionArea, TraceEvent
from traceability.services import issue_serials, publish_batch, random_code

GTIN = "08931234567897"  # a valid GTIN-14 (check digit 7)


class ProductionAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductionArea

    enterprise = factory.SubFactory(EnterpriseFactory)
    code = factory.Sequence(lambda n: f"VN-TNGO-{n:04d}")
    name = factory.Sequence(lambda n: f"Đồi chè Hồng Thái {n}")
    ward_code = 5503
    latitude = Decimal("21.583300")
    longitude = Decimal("105.783300")
    area_ha = Decimal("2.50")


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Batch
        skip_postgeneration_save = True

    variant = factory.SubFactory(VariantFactory, gtin=factory.Sequence(lambda n: gtin_for(n)))
    lot = factory.Sequence(lambda n: f"TC2026-{n:03d}")
    production_date = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=10)
    )
    expiry_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=355))
    quantity = 500
    short_code = factory.LazyFunction(lambda: random_code(8))


def gtin_for(n: int) -> str:
    """A valid GTIN-14 under the demo prefix 893 9999 (not the one in GTIN)."""
    body = f"0893999{n:06d}"
    return body + str(check_digit(body))


def at(days_ago: int, hour: int = 8) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def traced_batch(*, serials: int = 0, publish: bool = True, **fields: object) -> Batch:
    """A batch with an area, a harvest and a drying step, published, with `serials` issued."""
    if "variant" not in fields:
        fields.setdefault("variant__gtin", GTIN)
    batch = BatchFactory(**fields)
    area = ProductionAreaFactory(enterprise=batch.enterprise)
    batch.areas.add(area)
    TraceEvent.objects.create(
        batch=batch,
        step="harvest",
        occurred_at=at(14),
        area=area,
        performed_by="Tổ hái chè số 3",
        description="Hái một tôm hai lá",
        quantity_kg=Decimal(120),
    )
    TraceEvent.objects.create(
        batch=batch,
        step="drying",
        occurred_at=at(12),
        place="Xưởng sao chè Hồng Thái",
        description="Sao chè bằng chảo gang",
    )
    if publish:
        batch = publish_batch(batch=batch)
    if serials:
        issue_serials(batch=batch, count=serials)
    return batch
