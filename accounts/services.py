"""State changes for accounts. Views, admin, commands and tests all call these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.divisions import validate_ward_in_province
from accounts.models import Address, User
from accounts.phone import normalize_phone


@transaction.atomic
def register_user(
    *, full_name: str, phone: str, password: str, email: str = "", is_staff: bool = False
) -> User:
    """Create an account identified by its phone number.

    Raises ValidationError (keyed by field) for an invalid phone number or email, or when the
    phone or email already belongs to an account. Nothing is written in that case.
    """
    normalized_phone = normalize_phone(phone)
    normalized_email = (email or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if User.objects.filter(phone=normalized_phone).exists():
        errors["phone"] = [_("An account with this phone number already exists.")]
    if normalized_email and User.objects.filter(email__iexact=normalized_email).exists():
        errors["email"] = [_("An account with this email address already exists.")]
    if errors:
        raise ValidationError(errors)
    user = User(phone=normalized_phone, email=normalized_email, is_staff=is_staff)
    user.set_full_name(full_name)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def save_address(
    *,
    user: User,
    full_name: str,
    phone: str,
    province_code: int,
    ward_code: int,
    street: str,
    make_default: bool = False,
) -> Address:
    """Keep a delivery address for a shopper; the first one becomes the default.

    Raises ValidationError for an invalid phone or a ward outside the province.
    """
    validate_ward_in_province(ward_code=ward_code, province_code=province_code)
    has_addresses = Address.objects.filter(user=user).exists()
    is_default = make_default or not has_addresses
    if is_default and has_addresses:
        Address.objects.filter(user=user, is_default=True).update(is_default=False)
    address = Address(
        user=user,
        full_name=full_name.strip(),
        phone=normalize_phone(phone),
        province_code=province_code,
        ward_code=ward_code,
        street=street.strip(),
        is_default=is_default,
    )
    address.full_clean()
    address.save()
    return address
