import pytest

from accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_wagtail_admin_speaks_vietnamese(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert 'lang="vi"' in response.content.decode()


def test_administrator_creates_a_user_with_a_phone_in_the_admin(client):
    # given
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    # when
    response = client.post(
        "/admin/users/new/",
        {
            "phone": "0978 123 456",
            "email": "canbo2@example.vn",
            "first_name": "Hà",
            "last_name": "Nguyễn Thu",
            "password1": "chè-tân-cương-2026",
            "password2": "chè-tân-cương-2026",
            "is_active": "on",
        },
    )
    # then
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(phone="+84978123456").get_full_name() == "Nguyễn Thu Hà"
