"""Demo certificates: OCOP ratings of products, VietGAP and food safety of enterprises.

Dates are set relative to the day of seeding, so that a fresh demo always has certificates that
expired, some that expire within 30 or 90 days, and some long valid. Numbers and issuing bodies
follow the public pattern (a decision "1234/QĐ-UBND" of the provincial People's Committee); the
certifying companies are invented.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass

from marketplace.models import Enterprise
from traceability.models import Certificate

OCOP_VALIDITY_YEARS = 3  # 36 months, Decision 148/QĐ-TTg
OCOP_BANDS = {3: (50, 69), 4: (70, 89), 5: (90, 100)}
OCOP_PART_MAXIMA = (40, 25, 35)  # parts A, B, C of the 100-point scorecard
# Bắc Kạn merged into Thái Nguyên on 1 July 2025; its wards kept codes below 5000.
PROVINCE_MERGER = datetime.date(2025, 7, 1)
FORMER_BAC_KAN_WARD_CODES = range(1, 5000)
# The Ministry of Agriculture and Rural Development became the Ministry of Agriculture and
# Environment on 1 March 2025; the ministry certifies 5★ products.
MINISTRY_RENAMED = datetime.date(2025, 3, 1)

Kind = Certificate.Kind


@dataclass(frozen=True)
class DemoEnterpriseCertificate:
    """A certificate of a whole enterprise, linked to its products in `categories`."""

    enterprise: int  # index in marketplace.demo.CURATED
    kind: str
    number: str
    issuing_body: str
    validity_years: int
    days_left: int  # from the day of seeding to expiry; negative when already expired
    categories: frozenset[str]


TEA = frozenset({"che-thai-nguyen"})
VIETGAP_BODY = "Công ty TNHH Chứng nhận Nông sản Việt Bắc"
AGRICULTURE_DEPARTMENT = "Sở Nông nghiệp và Môi trường tỉnh Thái Nguyên"
VIETGAP_YEARS = 2
FOOD_SAFETY_YEARS = 3
ENTERPRISE_CERTIFICATES = [
    DemoEnterpriseCertificate(
        0, Kind.VIETGAP, "VietGAP-TT-27-19-0112", VIETGAP_BODY, VIETGAP_YEARS, 410, TEA
    ),
    DemoEnterpriseCertificate(
        1, Kind.VIETGAP, "VietGAP-TT-27-19-0087", VIETGAP_BODY, VIETGAP_YEARS, 20, TEA
    ),
    DemoEnterpriseCertificate(
        1,
        Kind.FOOD_SAFETY,
        "112/2025/NNMT-ATTP",
        AGRICULTURE_DEPARTMENT,
        FOOD_SAFETY_YEARS,
        640,
        TEA,
    ),
    DemoEnterpriseCertificate(
        4,
        Kind.FOOD_SAFETY,
        "131/2025/NNMT-ATTP",
        AGRICULTURE_DEPARTMENT,
        FOOD_SAFETY_YEARS,
        700,
        frozenset({"gao-nep-nong-san"}),
    ),
    DemoEnterpriseCertificate(
        6, Kind.VIETGAP, "VietGAP-TT-27-19-0045", VIETGAP_BODY, VIETGAP_YEARS, -30, TEA
    ),
    DemoEnterpriseCertificate(
        9,
        Kind.FOOD_SAFETY,
        "58/2024/GCNATTP-SCT",
        "Sở Công Thương tỉnh Thái Nguyên",
        FOOD_SAFETY_YEARS,
        75,
        frozenset({"mien-dong-bun-banh"}),
    ),
]


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (or earlier); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def ocop_scores(stars: int, rng: random.Random) -> tuple[int, int, int]:
    """Part A, B and C scores whose total lies in the star band, each within its maximum."""
    total = rng.randint(*OCOP_BANDS[stars])
    part_a, part_b = round(total * 0.40), round(total * 0.25)
    part_c = total - part_a - part_b
    shift = rng.randint(-2, 2)  # some products are stronger in organisation, some in quality
    if 0 <= part_a + shift <= OCOP_PART_MAXIMA[0] and 0 <= part_c - shift <= OCOP_PART_MAXIMA[2]:
        part_a, part_c = part_a + shift, part_c - shift
    return part_a, part_b, part_c


def ocop_issuing_body(*, stars: int, issued_on: datetime.date, ward_code: int) -> str:
    """Who signs the decision: the ministry for 5★, otherwise the province (Bắc Kạn before the
    merger, for products from its former wards)."""
    if stars == 5:
        if issued_on < MINISTRY_RENAMED:
            return "Bộ Nông nghiệp và Phát triển nông thôn"
        return "Bộ Nông nghiệp và Môi trường"
    if ward_code in FORMER_BAC_KAN_WARD_CODES and issued_on < PROVINCE_MERGER:
        return "UBND tỉnh Bắc Kạn"
    return "UBND tỉnh Thái Nguyên"


def ocop_certificate(
    *,
    enterprise: Enterprise,
    stars: int,
    days_left: int,
    ward_code: int,
    today: datetime.date,
    rng: random.Random,
) -> Certificate:
    """An unsaved OCOP certificate expiring `days_left` days after `today`."""
    expires_on = today + datetime.timedelta(days=days_left)
    issued_on = add_years(expires_on, -OCOP_VALIDITY_YEARS)
    part_a, part_b, part_c = ocop_scores(stars, rng)
    suffix = "QĐ-BNN-VPĐP" if stars == 5 else "QĐ-UBND"
    return Certificate(
        enterprise=enterprise,
        kind=Kind.OCOP,
        number=f"{rng.randint(120, 3900)}/{suffix}",
        issuing_body=ocop_issuing_body(stars=stars, issued_on=issued_on, ward_code=ward_code),
        issued_on=issued_on,
        expires_on=expires_on,
        star_level=stars,
        score_part_a=part_a,
        score_part_b=part_b,
        score_part_c=part_c,
    )


@dataclass(frozen=True)
class CertificateScope:
    certificate_id: int
    categories: frozenset[str]


def seed_enterprise_certificates(
    *, enterprises: Sequence[Enterprise], today: datetime.date
) -> dict[int, list[CertificateScope]]:
    """Create the missing VietGAP and food safety certificates of the curated enterprises
    (keyed by enterprise, kind and number); return them by enterprise id with the categories
    of products they cover."""
    scopes: dict[int, list[CertificateScope]] = {}
    for item in ENTERPRISE_CERTIFICATES:
        if item.enterprise >= len(enterprises):
            continue
        enterprise = enterprises[item.enterprise]
        expires_on = today + datetime.timedelta(days=item.days_left)
        certificate, _created = Certificate.objects.get_or_create(
            enterprise=enterprise,
            kind=item.kind,
            number=item.number,
            defaults={
                "issuing_body": item.issuing_body,
                "issued_on": add_years(expires_on, -item.validity_years),
                "expires_on": expires_on,
            },
        )
        scopes.setdefault(enterprise.pk, []).append(
            CertificateScope(certificate.pk, item.categories)
        )
    return scopes
