"""Vietnamese phone numbers: parse, validate, store as E.164, show in the national format.

Numbers are stored as E.164 (`+84912345678`) so that one number has exactly one spelling,
whatever the shopper typed (`0912 345 678`, `+84 912-345-678`, `84912345678`).
"""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REGION = "VN"
INVALID_PHONE_MESSAGE = _(
    "Enter a valid Vietnamese phone number, for example 0912 345 678 or 0208 3855 123."
)


def normalize_phone(raw: str) -> str:
    """Return the E.164 form of a Vietnamese phone number.

    Raises ValidationError (code ``invalid_phone``) when the text is not a valid number in
    Vietnam's numbering plan. Spaces, dots, dashes and brackets are ignored.
    """
    text = (raw or "").strip()
    if not text or len(text) > 32:
        raise ValidationError(INVALID_PHONE_MESSAGE, code="invalid_phone")
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(INVALID_PHONE_MESSAGE, code="invalid_phone") from error
    if number.country_code != 84 or not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID_PHONE_MESSAGE, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: str) -> None:
    """Model-field validator: accepts any spelling that `normalize_phone` understands."""
    normalize_phone(value)


def looks_like_phone(text: str) -> bool:
    """True when a sign-in identifier is meant as a phone number rather than an email."""
    return "@" not in text


def format_phone(e164: str) -> str:
    """Show a stored number the way Vietnamese people write it: `0912 345 678`."""
    try:
        number = phonenumbers.parse(e164, REGION)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
