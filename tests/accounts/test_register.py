import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from accounts.services import register_user
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_register_user_stores_normalised_phone_and_vietnamese_name(password):
    # when
    user = register_user(
        full_name="Nguyễn Thị Thu Hà",
        phone="0912 345 678",
        email="Ha@Example.VN",
        password=password,
    )
    # then
    user.refresh_from_db()
    assert user.phone == "+84912345678"
    assert user.email == "ha@example.vn"
    assert user.get_full_name() == "Nguyễn Thị Thu Hà"
    assert user.first_name == "Hà"
    assert user.check_password(password)
    assert not user.is_staff


def test_register_user_refuses_a_duplicate_phone_in_any_spelling(password):
    # given
    UserFactory(phone="+84912345678")
    # when
    with pytest.raises(ValidationError) as error:
        register_user(full_name="Lê Văn B", phone="+84 912 345 678", password=password)
    # then
    assert "phone" in error.value.message_dict
    assert User.objects.count() == 1


def test_register_user_refuses_a_duplicate_email_ignoring_case(password):
    # given
    UserFactory(email="mai@example.vn")
    # when
    with pytest.raises(ValidationError) as error:
        register_user(
            full_name="Lê Thị Mai", phone="0987654321", email="MAI@example.vn", password=password
        )
    # then
    assert "email" in error.value.message_dict
    assert User.objects.count() == 1


def test_two_accounts_without_email_may_coexist(password):
    register_user(full_name="A", phone="0987654321", password=password)
    register_user(full_name="B", phone="0987654322", password=password)
    assert User.objects.filter(email="").count() == 2


def test_registration_page_signs_the_shopper_in(client, password):
    # when
    response = client.post(
        reverse("accounts:register"),
        {
            "full_name": "Trần Văn Nam",
            "phone": "0978 111 222",
            "email": "",
            "password1": password,
            "password2": password,
        },
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    user = User.objects.get(phone="+84978111222")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_registration_page_explains_a_bad_phone_in_vietnamese(client, password):
    # when
    response = client.post(
        reverse("accounts:register"),
        {
            "full_name": "Trần Văn Nam",
            "phone": "12345",
            "password1": password,
            "password2": password,
        },
    )
    # then
    assert response.status_code == 200
    assert "Hãy nhập số điện thoại Việt Nam hợp lệ" in response.content.decode()
    assert User.objects.count() == 0


def test_registration_page_explains_a_duplicate_phone(client, password):
    # given
    UserFactory(phone="+84978111222")
    # when
    response = client.post(
        reverse("accounts:register"),
        {
            "full_name": "Trần Nam",
            "phone": "0978111222",
            "password1": password,
            "password2": password,
        },
    )
    # then
    assert response.status_code == 200
    assert "Số điện thoại này đã có tài khoản" in response.content.decode()
    assert User.objects.count() == 1


def test_registration_page_refuses_mismatched_and_weak_passwords(client):
    response = client.post(
        reverse("accounts:register"),
        {"full_name": "Trần Nam", "phone": "0978111222", "password1": "12345678", "password2": "x"},
    )
    assert response.status_code == 200
    assert "Hai mật khẩu không khớp nhau." in response.content.decode()
    assert User.objects.count() == 0


def test_registration_page_speaks_english_under_en(client, password):
    response = client.post(
        "/en" + reverse("accounts:register"),
        {"full_name": "Tran Nam", "phone": "12", "password1": password, "password2": password},
    )
    assert "Enter a valid Vietnamese phone number" in response.content.decode()
