"""Administrative units (provinces and wards after the 2025 reorganisation).

The data comes from the `vietnam-provinces` package; rows store the integer codes and names are
looked up here, so that a renamed ward shows its new name everywhere without a data migration.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from vietnam_provinces import Province, ProvinceCode, Ward, WardCode


@cache
def province_choices() -> list[tuple[int, str]]:
    provinces = sorted(Province.iter_all(), key=lambda province: province.name)
    return [(int(province.code), province.name) for province in provinces]


@cache
def ward_choices(province_code: int) -> list[tuple[int, str]]:
    wards = sorted(Ward.iter_by_province(ProvinceCode(province_code)), key=lambda ward: ward.name)
    return [(int(ward.code), ward.name) for ward in wards]


def home_province_code() -> int:
    return int(settings.HOME_PROVINCE_CODE)


def home_ward_choices() -> list[tuple[int, str]]:
    return ward_choices(home_province_code())


@cache
def ward_name(ward_code: int | None) -> str:
    if not ward_code:
        return ""
    try:
        return Ward.from_code(WardCode(int(ward_code))).name
    except ValueError:
        return ""


@cache
def province_name(province_code: int | None) -> str:
    if not province_code:
        return ""
    try:
        return Province.from_code(ProvinceCode(int(province_code))).name
    except ValueError:
        return ""


@cache
def province_of_ward(ward_code: int) -> int | None:
    try:
        return int(Ward.from_code(WardCode(int(ward_code))).province_code)
    except ValueError:
        return None


def validate_province_code(value: int) -> None:
    if not province_name(value):
        raise ValidationError(_("Choose a province from the list."), code="invalid_province")


def validate_ward_code(value: int) -> None:
    if not ward_name(value):
        raise ValidationError(_("Choose a ward or commune from the list."), code="invalid_ward")


def validate_ward_in_province(*, ward_code: int, province_code: int) -> None:
    """Raise ValidationError unless the ward exists and lies in the province."""
    validate_province_code(province_code)
    validate_ward_code(ward_code)
    if province_of_ward(ward_code) != int(province_code):
        raise ValidationError(
            _("This ward or commune is not in the chosen province."), code="ward_not_in_province"
        )
