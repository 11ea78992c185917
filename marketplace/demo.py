"""Demo enterprises of every kind, in real Thái Nguyên wards. Idempotent: keyed by tax code.

The names, people and stories are invented for this project.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.utils import timezone
from stdnum.vn import mst

from accounts.demo import ensure_user
from accounts.roles import Role, assign_role
from marketplace.models import Enterprise, EnterpriseEvent, Membership
from marketplace.slugs import vietnamese_slug


@dataclass(frozen=True)
class DemoEnterprise:
    kind: str
    name: str
    representative: str
    ward_code: int
    story: str


K = Enterprise.Kind
CURATED = [
    DemoEnterprise(
        K.COOPERATIVE,
        "HTX Chè Đồi Sương Tân Cương",
        "Hoàng Văn Bình",
        5503,
        "Mười hai hộ trồng chè trên những quả đồi sương sớm phía tây thành phố, "
        "hái một tôm hai lá và sao chè bằng chảo gang.",
    ),
    DemoEnterprise(
        K.COMPANY,
        "Công ty TNHH Trà Xanh La Bằng",
        "Đỗ Thị Lan",
        5818,
        "Xưởng chè dưới chân núi Tam Đảo, làm chè móc câu và trà túi lọc từ vùng "
        "nguyên liệu đạt VietGAP.",
    ),
    DemoEnterprise(
        K.HOUSEHOLD,
        "Hộ kinh doanh Chè Bà Tư Phú Lương",
        "Nguyễn Thị Tư",
        5611,
        "Ba thế hệ làm chè trên đồi Phú Lương, mỗi mẻ chè vẫn được bà Tư tự tay vò và sao.",
    ),
    DemoEnterprise(
        K.COOPERATIVE,
        "HTX Mật Ong Rừng Võ Nhai",
        "Lý Văn Thắng",
        5716,
        "Những đàn ong nuôi dưới tán rừng núi đá vôi, cho mật hoa rừng đặc và thơm.",
    ),
    DemoEnterprise(
        K.COMPANY,
        "Công ty CP Nông Sản Định Hóa",
        "Ma Văn Hùng",
        5569,
        "Gạo Bao Thai, miến dong và các sản phẩm từ vùng An toàn khu Định Hóa.",
    ),
    DemoEnterprise(
        K.HOUSEHOLD,
        "Hộ kinh doanh Miến Dong Cô Hoa",
        "Trần Thị Hoa",
        5569,
        "Miến dong làm từ củ dong riềng trồng tại xã, phơi nắng tự nhiên, không chất tẩy trắng.",
    ),
    DemoEnterprise(
        K.COOPERATIVE,
        "HTX Nông Nghiệp Đại Từ Xanh",
        "Phạm Quốc Toản",
        5830,
        "Chè, nấm và rau an toàn của các xã vùng chè Đại Từ.",
    ),
    DemoEnterprise(
        K.COMPANY,
        "Công ty TNHH Dược Liệu Núi Pháo",
        "Vũ Thanh Tâm",
        5818,
        "Cao dược liệu và trà thảo mộc từ cây thuốc trồng dưới tán rừng.",
    ),
    DemoEnterprise(
        K.HOUSEHOLD,
        "Hộ kinh doanh Gốm Thủ Công Phổ Yên",
        "Đặng Văn Lực",
        5860,
        "Bộ ấm chén và đồ gốm nặn tay, nung củi, dành riêng cho trà Thái Nguyên.",
    ),
    DemoEnterprise(
        K.COOPERATIVE,
        "HTX Bánh Chưng Bờ Đậu",
        "Lương Thị Nga",
        5611,
        "Bánh chưng gói lá dong, nhân đỗ xanh và thịt lợn địa phương, luộc mười giờ.",
    ),
    DemoEnterprise(
        K.COMPANY,
        "Công ty TNHH Hồng Vành Khuyên Bắc Kạn",
        "Triệu Văn Sơn",
        1843,
        "Hồng không hạt, na và miến dong của vùng Bắc Kạn cũ.",
    ),
    DemoEnterprise(
        K.HOUSEHOLD,
        "Hộ kinh doanh Nếp Cái Hoa Vàng Phú Bình",
        "Ngô Thị Hằng",
        5908,
        "Gạo nếp cái hoa vàng và rượu nếp nấu thủ công.",
    ),
]

GENERATED_PREFIXES = {
    K.COMPANY: "Công ty TNHH",
    K.COOPERATIVE: "HTX",
    K.HOUSEHOLD: "Hộ kinh doanh",
}
GENERATED_TRADES = ["Chè", "Mật Ong", "Miến Dong", "Nông Sản", "Dược Liệu", "Gạo", "Nấm", "Đặc Sản"]
GIVEN_NAMES = [
    "An",
    "Bình",
    "Cường",
    "Dung",
    "Giang",
    "Hà",
    "Khánh",
    "Linh",
    "Minh",
    "Nam",
    "Phương",
    "Quân",
]
FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Hoàng", "Phạm", "Vũ", "Đỗ", "Ma", "Lý", "Triệu"]


def generated_trade(index: int) -> str:
    """The trade in the name of the index-th demo enterprise, when it is a generated one."""
    return GENERATED_TRADES[index % len(GENERATED_TRADES)]


def demo_tax_code(index: int) -> str:
    """A valid, deterministic 10-digit tax code for the index-th demo enterprise (46xxxxxxxx)."""
    serial = index
    while True:
        body = f"46{serial:07d}"
        check = mst.calc_check_digit(body)
        if len(check) == 1:
            return body + check
        serial += 10_000_000 // 2  # step to a body whose check digit exists


def demo_enterprises(count: int, ward_codes: list[int]) -> list[DemoEnterprise]:
    rng = random.Random(20261123)  # noqa: S311 - demo data, reproducible on purpose
    items = list(CURATED[:count])
    kinds = list(GENERATED_PREFIXES)
    for index in range(len(items), count):
        kind = kinds[index % len(kinds)]
        trade = generated_trade(index)
        ward = ward_codes[index % len(ward_codes)]
        person = f"{rng.choice(FAMILY_NAMES)} Văn {rng.choice(GIVEN_NAMES)}"
        items.append(
            DemoEnterprise(
                kind,
                f"{GENERATED_PREFIXES[kind]} {trade} Thái Nguyên số {index + 1}",
                person,
                ward,
                f"Cơ sở {trade.lower()} của gia đình {person}.",
            )
        )
    return items


def seed_enterprises(*, count: int, ward_codes: list[int], password_hash: str) -> list[Enterprise]:
    """Create (or find) `count` enterprises, most approved, one pending, one suspended."""
    wanted = demo_enterprises(count, ward_codes)
    tax_codes = [demo_tax_code(index) for index in range(len(wanted))]
    existing = {e.tax_code: e for e in Enterprise.objects.filter(tax_code__in=tax_codes)}
    now = timezone.now()
    enterprises: list[Enterprise] = []
    for index, (item, tax_code) in enumerate(zip(wanted, tax_codes, strict=True)):
        enterprise = existing.get(tax_code)
        if enterprise is None:
            status = Enterprise.Status.APPROVED
            if count >= 8 and index == count - 1:
                status = Enterprise.Status.PENDING
            elif count >= 8 and index == count - 2:
                status = Enterprise.Status.SUSPENDED
            enterprise = Enterprise.objects.create(
                kind=item.kind,
                name=item.name,
                slug=f"{vietnamese_slug(item.name)[:200]}-{index + 1}",
                tax_code=tax_code,
                representative=item.representative,
                phone=f"+849130{index:05d}",
                email=f"dn{index + 1}@ocop.example.vn",
                ward_code=item.ward_code,
                street=f"Thôn {index % 9 + 1}",
                story=f"<p>{item.story}</p>",
                status=status,
                approved_at=now if status == Enterprise.Status.APPROVED else None,
            )
            EnterpriseEvent.objects.create(
                enterprise=enterprise, to_status=Enterprise.Status.PENDING
            )
            if status != Enterprise.Status.PENDING:
                EnterpriseEvent.objects.create(
                    enterprise=enterprise,
                    from_status=Enterprise.Status.PENDING,
                    to_status=status,
                    notified_at=now,
                )
        if index < len(CURATED):
            owner = ensure_user(
                name=item.representative,
                phone=f"0913{index:06d}",
                email=f"chu{index + 1}@ocop.example.vn",
                password_hash=password_hash,
            )
            if not Membership.objects.filter(enterprise=enterprise, user=owner).exists():
                Membership.objects.create(
                    enterprise=enterprise, user=owner, role=Membership.Role.OWNER
                )
                assign_role(owner, Role.ENTERPRISE_MEMBER)
        enterprises.append(enterprise)
    return enterprises
