"""Administrative units (provinces and wards after the 2025 reorganisation).

The data comes from the `vietnam-provinces` package; rows store the integer codes and names are
looked up here, so that a renamed ward shows its new name everywhere without a data migration.

The package offers its data two ways: as Python enums and dataclasses (`Ward.from_code`), and
as the JSON it builds them from (`NESTED_DIVISIONS_JSON_PATH`). Importing the first costs every
worker 6.6 MB (3,321 enum members and as many frozen dataclasses); the JSON read into two
dictionaries of names costs 2.6 MB, and only once a name is looked up. So the JSON is read,
found beside the package without importing it (its `__init__` imports the enums).
`tests/accounts/test_divisions.py` checks every code and name against the enums.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class _Division(NamedTuple):
    name: str
    province_code: int


class _Divisions(NamedTuple):
    provinces: dict[int, str]
    wards: dict[int, _Division]


def data_path() -> Path:
    """The package's `data/nested-divisions.json` (its `NESTED_DIVISIONS_JSON_PATH`)."""
    spec = importlib.util.find_spec("vietnam_provinces")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("The vietnam-provinces package is not installed.")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "nested-divisions.json"


@cache
def _divisions() -> _Divisions:
    with data_path().open(encoding="utf-8") as data:
        provinces = json.load(data)
    return _Divisions(
        provinces={int(province["code"]): province["name"] for province in provinces},
        wards={
            int(ward["code"]): _Division(ward["name"], int(province["code"]))
            for province in provinces
            for ward in province["wards"]
        },
    )


@cache
def province_choices() -> list[tuple[int, str]]:
    return sorted(_divisions().provinces.items(), key=lambda item: item[1])


@cache
def ward_choices(province_code: int) -> list[tuple[int, str]]:
    wards = [
        (code, ward.name)
        for code, ward in _divisions().wards.items()
        if ward.province_code == int(province_code)
    ]
    return sorted(wards, key=lambda item: item[1])


def home_province_code() -> int:
    return int(settings.HOME_PROVINCE_CODE)


def home_ward_choices() -> list[tuple[int, str]]:
    return ward_choices(home_province_code())


def _code(value: object) -> int:
    """The code as a number; 0 (no division has it) when it is missing or not a number."""
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0


def ward_name(ward_code: int | None) -> str:
    ward = _divisions().wards.get(_code(ward_code))
    return ward.name if ward else ""


def province_name(province_code: int | None) -> str:
    return _divisions().provinces.get(_code(province_code), "")


def province_of_ward(ward_code: int) -> int | None:
    ward = _divisions().wards.get(_code(ward_code))
    return ward.province_code if ward else None


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
