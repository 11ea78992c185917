import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
from marketplace.models import Enterprise, EnterpriseEvent, Membership, Product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Demo pictures are written to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path


def _counts():
    return (
        User.objects.count(),
        Enterprise.objects.count(),
        Membership.objects.count(),
        EnterpriseEvent.objects.count(),
        Group.objects.count(),
        Product.objects.count(),
    )


def test_seed_demo_builds_a_province_and_is_idempotent(capsys):
    # when
    call_command("seed_demo", "--enterprises", "12", "--products", "40")
    first = _counts()
    call_command("seed_demo", "--enterprises", "12", "--products", "40")
    # then
    assert _counts() == first
    assert Enterprise.objects.count() == 12
    kinds = set(Enterprise.objects.values_list("kind", flat=True))
    assert kinds == {"company", "cooperative", "household"}
    assert Enterprise.objects.filter(status="approved").count() == 10
    assert Product.objects.count() == 40
    assert all(
        Membership.objects.filter(enterprise=e, role="owner").exists()
        for e in Enterprise.objects.all()
    )
    officer = User.objects.get(phone="+84912000002")
    assert officer.groups.filter(name=GROUP_NAMES[Role.OFFICER]).exists()
    output = capsys.readouterr().out
    assert "ocop-demo-2026" in output
    assert "0912000002" in output
    assert "Demo ready: 12 enterprises, 40 products (0 new)." in output


def test_seed_demo_wards_are_real_thai_nguyen_wards():
    call_command("seed_demo", "--enterprises", "20", "--products", "60")
    assert Enterprise.objects.count() == 20
    assert all(e.ward_name for e in Enterprise.objects.all())
    assert all(len(e.tax_code) == 10 for e in Enterprise.objects.all())
    assert Product.objects.values("enterprise").distinct().count() == 20


def test_seed_demo_makes_the_default_catalogue():
    # when
    call_command("seed_demo", stdout=io.StringIO())
    # then
    assert Product.objects.count() == 120
    assert Product.objects.on_storefront().count() == 85


def test_seed_demo_refuses_a_negative_product_count():
    # when
    with pytest.raises(CommandError, match=r"--products must not be negative\."):
        call_command("seed_demo", "--products", "-1")
    # then
    assert Product.objects.count() == 0
