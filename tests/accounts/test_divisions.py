"""`accounts.divisions` reads the vietnam-provinces package's JSON instead of importing its
enums (6.6 MB a worker): every code and name must agree with the enums all the same. That a
worker imports none of the package's modules: tests/performance/test_budgets.py."""

import pytest
from django.core.exceptions import ValidationError
from vietnam_provinces import Province, Ward

from accounts import divisions


def test_every_province_and_ward_agrees_with_the_packages_enums():
    provinces = {int(province.code): province.name for province in Province.iter_all()}
    wards = {int(ward.code): (ward.name, int(ward.province_code)) for ward in Ward.iter_all()}

    assert dict(divisions.province_choices()) == provinces
    assert len(wards) > 3000
    for code, (name, province_code) in wards.items():
        assert divisions.ward_name(code) == name
        assert divisions.province_of_ward(code) == province_code
    for code, name in provinces.items():
        assert divisions.province_name(code) == name
        assert dict(divisions.ward_choices(code)) == {
            ward: name for ward, (name, province) in wards.items() if province == code
        }


def test_choices_are_sorted_by_name_and_thai_nguyen_holds_tan_cuong():
    names = [name for _code, name in divisions.province_choices()]
    assert names == sorted(names)
    wards = divisions.home_ward_choices()
    assert [name for _code, name in wards] == sorted(name for _code, name in wards)
    assert (5503, "Xã Tân Cương") in wards


@pytest.mark.parametrize("value", [None, 0, "", "abc", "5503x", 99999999, [], 5.5e20])
def test_unknown_or_malformed_codes_have_no_name(value):
    assert divisions.ward_name(value) == ""
    assert divisions.province_name(value) == ""
    assert divisions.province_of_ward(value) is None


def test_codes_sent_as_text_are_read_as_numbers():
    assert divisions.ward_name("5503") == "Xã Tân Cương"
    assert divisions.province_of_ward("5503") == 19
    assert divisions.province_name("19") == "Thái Nguyên"


def test_validators_refuse_an_unknown_ward_and_a_ward_of_another_province():
    with pytest.raises(ValidationError) as unknown:
        divisions.validate_ward_code(1)
    assert unknown.value.code == "invalid_ward"
    with pytest.raises(ValidationError) as elsewhere:
        divisions.validate_ward_in_province(ward_code=5503, province_code=1)
    assert elsewhere.value.code == "ward_not_in_province"
    divisions.validate_ward_in_province(ward_code=5503, province_code=19)
