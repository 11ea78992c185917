from __future__ import annotations

import factory
from stdnum.vn import mst

from marketplace.models import Enterprise, Membership
from tests.accounts.factories import UserFactory


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
