import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Address
from accounts.services import save_address
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

THAI_NGUYEN = 19
TAN_CUONG = 5503
HANOI = 1


def test_first_address_becomes_the_default_and_a_new_default_replaces_it():
    # given
    user = UserFactory()
    first = save_address(
        user=user,
        full_name="Lê Mai",
        phone="0912345678",
        province_code=THAI_NGUYEN,
        ward_code=TAN_CUONG,
        street="Xóm Soi",
    )
    # when
    second = save_address(
        user=user,
        full_name="Lê Mai",
        phone="0912345678",
        province_code=THAI_NGUYEN,
        ward_code=5443,
        street="Số 4 Hoàng Văn Thụ",
        make_default=True,
    )
    # then
    first.refresh_from_db()
    assert not first.is_default
    assert second.is_default
    assert str(first) == "Xóm Soi, Xã Tân Cương, Thái Nguyên"


def test_a_ward_outside_the_province_is_refused_and_nothing_saved():
    user = UserFactory()
    with pytest.raises(ValidationError):
        save_address(
            user=user,
            full_name="Lê Mai",
            phone="0912345678",
            province_code=HANOI,
            ward_code=TAN_CUONG,
            street="Xóm Soi",
        )
    assert Address.objects.count() == 0


def test_address_form_preselects_thai_nguyen(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("accounts:add_address"))
    html = response.content.decode()
    assert '<option value="19" selected>Thái Nguyên</option>' in html
    assert "Xã Tân Cương" in html


def test_wards_json_lists_a_province_and_refuses_an_unknown_one(client):
    ok = client.get(reverse("accounts:wards_json", args=[THAI_NGUYEN]))
    unknown = client.get(reverse("accounts:wards_json", args=[999]))
    assert ok.status_code == 200
    assert {"code": TAN_CUONG, "name": "Xã Tân Cương"} in ok.json()["wards"]
    assert len(ok.json()["wards"]) == 92
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "unknown_province"
