import pytest
from django.urls import reverse

from tests.accounts.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _sign_in(client, identifier, password=TEST_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": identifier, "password": password})


@pytest.mark.parametrize("identifier", ["0912 345 678", "+84912345678", "MAI@example.vn"])
def test_sign_in_with_phone_in_any_spelling_or_email(client, identifier):
    # given
    user = UserFactory(phone="+84912345678", email="mai@example.vn")
    # when
    response = _sign_in(client, identifier)
    # then
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_wrong_password_gets_a_clear_vietnamese_message(client):
    # given
    UserFactory(phone="+84912345678")
    # when
    response = _sign_in(client, "0912345678", "sai-mat-khau")
    # then
    assert response.status_code == 200
    assert "Số điện thoại (hoặc email) và mật khẩu không khớp" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_account_gets_the_same_message_as_a_wrong_password(client):
    response = _sign_in(client, "0987000000", "whatever-123")
    assert response.status_code == 200
    assert "Số điện thoại (hoặc email) và mật khẩu không khớp" in response.content.decode()


def test_sign_in_is_locked_after_repeated_failures_even_with_the_right_password(client, settings):
    # given
    UserFactory(phone="+84912345678")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "0912345678", "sai-mat-khau").status_code == 200
    # when: the last allowed failure, written in another spelling of the same number
    locked = _sign_in(client, "+84 912 345 678", "sai-mat-khau")
    after = _sign_in(client, "0912345678")
    # then
    assert locked.status_code == 429
    assert after.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in after.content.decode()
    assert "_auth_user_id" not in client.session


def test_behind_the_proxy_one_visitors_failures_lock_out_no_one_else(client, settings):
    # given: the site behind one proxy, which puts each visitor's address in X-Forwarded-For
    settings.PROXY_COUNT = 1
    UserFactory(phone="+84912345678")
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    url = reverse("accounts:login")
    wrong = {"username": "0912345678", "password": "sai-mat-khau"}
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, wrong, **attacker)
    assert client.post(url, wrong, **attacker).status_code == 429
    # when: the owner signs in from their own address
    owner = {"username": "0912345678", "password": TEST_PASSWORD}
    response = client.post(url, owner, HTTP_X_FORWARDED_FOR="198.51.100.7")
    # then
    assert response.status_code == 302


def test_a_success_resets_the_failure_count(client, settings):
    # given
    UserFactory(phone="+84912345678")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, "0912345678", "sai-mat-khau")
    # when
    assert _sign_in(client, "0912345678").status_code == 302
    client.logout()
    # then: the counter starts again
    assert _sign_in(client, "0912345678", "sai-mat-khau").status_code == 200


def test_staff_sign_in_to_the_wagtail_admin_with_a_phone(client):
    # given
    UserFactory(phone="+84912345678", is_superuser=True, is_staff=True)
    # when
    response = client.post(
        "/admin/login/", {"username": "0912 345 678", "password": TEST_PASSWORD}, follow=True
    )
    # then
    assert response.status_code == 200
    assert response.wsgi_request.user.is_authenticated
