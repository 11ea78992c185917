"""Demo traceability data: growing areas in real Thái Nguyên wards, two seasons of batches per
product with their harvest and processing steps, serials, and scans (some of them suspicious).

Idempotent: areas are keyed by code, batches by (variant, lot); a second run adds nothing. The
variants come from the caller (seed_demo), so this module never imports the marketplace.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from traceability.links import label_url
from traceability.models import Batch, ProductionArea, ScanEvent, Serial, TraceEvent
from traceability.services import (
    create_batch,
    issue_serials,
    publish_batch,
    record_scan,
    report_suspected_fake,
)

SEED = 20261123
SERIALS_PER_BATCH = 24
# Thái Nguyên (19), Hà Nội (1), Hồ Chí Minh (79), Bắc Ninh (27 after 2025): a copied label
# turning up in several provinces.
FAR_PROVINCES = (1, 79, 27)

STEPS = [
    # step, days before production, hour, who, what
    ("harvest", 3, 6, "Tổ hái chè số 2", "Hái thủ công một tôm hai lá vào sáng sớm."),
    ("withering", 3, 14, "Xưởng chè của HTX", "Làm héo tự nhiên trên nong tre 6 giờ."),
    ("rolling", 2, 8, "Xưởng chè của HTX", "Vò chè bằng máy vò nhỏ, sàng tách cục."),
    ("drying", 2, 10, "Xưởng chè của HTX", "Sao chè bằng chảo gang, lửa củi, hai lần."),
    ("inspection", 1, 9, "Cán bộ kỹ thuật HTX", "Kiểm tra độ ẩm dưới 5%, cảm quan đạt."),
    ("packing", 0, 15, "Tổ đóng gói", "Đóng túi hút chân không, dán tem truy xuất."),
]


@dataclass
class DemoTrace:
    areas: int = 0
    batches: int = 0
    serials: int = 0
    scans: int = 0
    urls: list[str] | None = None


def _local(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _area(enterprise: Any, rng: random.Random) -> tuple[ProductionArea, bool]:
    code = f"VN-TNGO-{enterprise.pk:04d}"
    area, created = ProductionArea.objects.get_or_create(
        enterprise=enterprise,
        code=code,
        defaults={
            "name": f"Đồi chè {enterprise.ward_name}",
            "ward_code": enterprise.ward_code,
            "latitude": Decimal("21.5900") + Decimal(rng.randint(-900, 900)) / 10_000,
            "longitude": Decimal("105.8000") + Decimal(rng.randint(-900, 900)) / 10_000,
            "area_ha": Decimal(rng.randint(50, 600)) / 100,
        },
    )
    if created:
        area.certificates.set(enterprise.certificates.filter(kind__in=["vietgap", "organic"]))
    return area, created


def _batch(variant: Any, area: ProductionArea, lot: str, produced: datetime.date) -> Batch | None:
    if Batch.objects.filter(variant=variant, lot=lot).exists():
        return None
    batch = create_batch(
        variant=variant,
        lot=lot,
        production_date=produced,
        expiry_date=produced + datetime.timedelta(days=540),
        quantity=SERIALS_PER_BATCH * 10,
        areas=[area],
    )
    TraceEvent.objects.bulk_create(
        TraceEvent(
            batch=batch,
            step=step,
            occurred_at=_local(produced - datetime.timedelta(days=days), hour),
            area=area if step == "harvest" else None,
            place="" if step == "harvest" else f"Xưởng chè {area.ward_name}",
            performed_by=who,
            description=what,
            quantity_kg=Decimal(rng_quantity(lot)) if step == "harvest" else None,
        )
        for step, days, hour, who, what in STEPS
    )
    batch.certificates.set(area.certificates.all())
    return publish_batch(batch=batch)


def rng_quantity(lot: str) -> int:
    return 80 + sum(ord(char) for char in lot) % 120


@transaction.atomic
def seed_traceability(*, variants: Iterable[Any], today: datetime.date | None = None) -> DemoTrace:
    """Areas, two published batches per variant (last season's and this one), serials, and
    scans: most serials checked once or twice in Thái Nguyên, one seen in several provinces
    (an alert), one unknown serial tried (an alert) and one shopper's report."""
    rng = random.Random(SEED)  # noqa: S311 (demo data, not security)
    today = today or timezone.localdate()
    result = DemoTrace(urls=[])
    new_batches: list[Batch] = []
    for index, variant in enumerate(variants):
        area, created = _area(variant.product.enterprise, rng)
        result.areas += created
        prefix = "".join(char for char in variant.sku.upper() if char.isalnum())[:8] or "LOT"
        for season, days_ago in (("A", 200), ("B", 20 + index)):
            lot = f"{prefix}-{today:%y}{season}"
            batch = _batch(variant, area, lot, today - datetime.timedelta(days=days_ago))
            if batch is not None:
                new_batches.append(batch)
    for batch in new_batches:
        issue_serials(batch=batch, count=SERIALS_PER_BATCH)
        result.batches += 1
        result.serials += SERIALS_PER_BATCH
        result.scans += _scans(batch, rng)
    latest = Batch.objects.filter(lot__endswith="B").select_related("variant").order_by("id")
    for batch in [*latest.exclude(variant__gtin="")[:3], *latest.filter(variant__gtin="")[:1]]:
        serial = batch.serials.order_by("id").first()
        assert result.urls is not None
        result.urls.append(
            label_url(gtin=batch.variant.gtin, lot=batch.lot, serial=serial.value if serial else "")
        )
    return result


def _scans(batch: Batch, rng: random.Random) -> int:
    serials = list(Serial.objects.filter(batch=batch).order_by("id"))
    count = 0
    base = timezone.make_aware(
        datetime.datetime.combine(batch.production_date, datetime.time(9))
    ) + datetime.timedelta(days=5)
    # the first serials stay unscanned so the demo shows "first check"
    for position, serial in enumerate(serials[4:12]):
        for visit in range(1 + position % 2):
            record_scan(
                outcome=ScanEvent.Outcome.GENUINE,
                visitor=f"demo-{batch.pk}-{position}-{visit}",
                serial_id=serial.pk,
                batch_id=batch.pk,
                enterprise_id=batch.enterprise_id,
                code=serial.value,
                province_code=19,
                at=base + datetime.timedelta(hours=rng.randint(1, 400)),
            )
            count += 1
    if batch.lot.endswith("A"):
        copied = serials[-1]
        for offset, province in enumerate((19, *FAR_PROVINCES)):
            record_scan(
                outcome=ScanEvent.Outcome.GENUINE,
                visitor=f"demo-copy-{batch.pk}-{offset}",
                serial_id=copied.pk,
                batch_id=batch.pk,
                enterprise_id=batch.enterprise_id,
                code=copied.value,
                province_code=province,
                at=base + datetime.timedelta(days=10 + offset),
            )
            count += 1
        record_scan(
            outcome=ScanEvent.Outcome.UNKNOWN_SERIAL,
            visitor=f"demo-fake-{batch.pk}",
            batch_id=batch.pk,
            enterprise_id=batch.enterprise_id,
            code=f"{batch.variant.gtin}/{batch.lot}/ZZZZ9999ZZ",
            province_code=79,
            at=base + datetime.timedelta(days=12),
        )
        report_suspected_fake(
            code=f"{batch.lot}/ZZZZ9999ZZ",
            message="Mua ở chợ, tem in mờ và mã không kiểm tra được.",
            batch=batch,
            enterprise_id=batch.enterprise_id,
            province_code=79,
        )
        count += 1
    return count
