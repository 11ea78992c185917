import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.phone import format_phone, normalize_phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0912 345 678", "+84912345678"),
        ("0912.345.678", "+84912345678"),
        ("+84 912-345-678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("(+84) 912 345 678", "+84912345678"),
        ("0812345678", "+84812345678"),
        ("0208 3855 123", "+842083855123"),
    ],
)
def test_normalize_phone_accepts_every_common_spelling(typed, stored):
    # when
    result = normalize_phone(typed)
    # then
    assert result == stored


@pytest.mark.parametrize(
    "typed", ["", "abc", "0123456789", "091234567", "+1 202 555 0143", "0" * 40, "09123456789"]
)
def test_normalize_phone_refuses_invalid_numbers(typed):
    # when
    with pytest.raises(ValidationError) as error:
        normalize_phone(typed)
    # then
    assert error.value.code == "invalid_phone"


def test_invalid_phone_message_is_vietnamese_by_default():
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        normalize_phone("12")
    assert error.value.messages == [
        "Hãy nhập số điện thoại Việt Nam hợp lệ, ví dụ 0912 345 678 hoặc 0208 3855 123."
    ]


def test_format_phone_shows_the_national_spelling():
    assert format_phone("+84912345678") == "0912 345 678"
