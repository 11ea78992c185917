"""GS1 Digital Link rules (shared/specs/traceability.md §1), each with valid and invalid cases."""

from __future__ import annotations

import pytest

from traceability.exceptions import InvalidDigitalLink
from traceability.gs1 import (
    build_digital_link,
    check_digit,
    parse_digital_link,
    parse_path_and_query,
)
from traceability.gs1.dictionary import ai_rules

G = "09520123456788"


def test_dictionary_is_loaded_from_gs1_file():
    # given / when
    rules = ai_rules()
    # then
    assert rules["01"].dl_qualifiers == (("22", "10", "21"), ("235",))
    assert rules["414"].dl_qualifiers == (("254",), ("7040",))
    assert rules["10"].is_dl_attribute
    assert not rules["21"].is_dl_attribute
    assert rules["3103"].is_predefined_length
    assert rules["3103"].excludes == ("310n",)
    assert rules["8030"].requires[0][1] == ("01", "21")
    assert rules["7007"].components[1].is_optional


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("02345673", True),
        ("416000336108", True),
        ("1234567890128", True),
        ("12345678901231", True),
        ("123456789012345675", True),
        ("02345674", False),
        ("1234567890129", False),
        ("12345678901232", False),
    ],
)
def test_check_digits(number, valid):
    assert (check_digit(number[:-1]) == int(number[-1])) is valid


@pytest.mark.parametrize(
    ("uri", "canonical"),
    [
        (f"https://id.gs1.org/01/{G}", f"https://id.gs1.org/01/{G}"),
        (f"https://example.com/01/{G}/10/ABC%2d123", f"https://id.gs1.org/01/{G}/10/ABC-123"),
        (f"HTTPS://EXAMPLE.COM/01/{G}/21/S1", f"https://id.gs1.org/01/{G}/21/S1"),
        (f"http://a/01/{G}/22/C/10/L/21/S", f"https://id.gs1.org/01/{G}/22/C/10/L/21/S"),
        (f"https://a/01/{G}/22/C/21/S", f"https://id.gs1.org/01/{G}/22/C/21/S"),
        (f"https://a/01/{G}/235/TPX?10=L1", f"https://id.gs1.org/01/{G}/235/TPX?10=L1"),
        (f"https://a/stem/x/01/{G}/10/L", f"https://id.gs1.org/01/{G}/10/L"),
        ("https://a/00/faux/00/006141411234567890", "https://id.gs1.org/00/006141411234567890"),
        (f"https://a/01/{G}/10/A%2Fb", f"https://id.gs1.org/01/{G}/10/A%2Fb"),
        (f"https://a/01/{G}/10/ABC+123", f"https://id.gs1.org/01/{G}/10/ABC%2B123"),
        (f"https://a/01/{G}?lot=x&linkType=gs1:pip&&singleton#frag", f"https://id.gs1.org/01/{G}"),
        (f"https://a/01/{G}/10/L?98=X&17=260700", f"https://id.gs1.org/01/{G}/10/L?17=260700&98=X"),
        (
            f"https://a/01/{G}?7007=260101260131&422=704",
            f"https://id.gs1.org/01/{G}?7007=260101260131&422=704",
        ),
        (f"https://a/01/{G}/21/S?8030=AbC-_", f"https://id.gs1.org/01/{G}/21/S?8030=AbC-_"),
        (
            "https://[::1]:8000/414/9520123456788/254/X",
            "https://id.gs1.org/414/9520123456788/254/X",
        ),
        (f"https://127.0.0.1/01/{G}?3103=000250", f"https://id.gs1.org/01/{G}?3103=000250"),
    ],
)
def test_valid_digital_links_and_their_canonical_form(uri, canonical):
    assert parse_digital_link(uri).canonical() == canonical


@pytest.mark.parametrize(
    "uri",
    [
        f"HtTp://a/01/{G}",  # mixed-case scheme
        f"ftp://a/01/{G}",
        f"https://bad_host/01/{G}",
        "https://a/01/9520123456788",  # GTIN-13 unpadded
        "https://a/01/09520123456789",  # check digit
        f"https://a/01/{G}/21/S/10/L",  # qualifier order
        f"https://a/01/{G}/10/L/11/240716",  # 11 is not a qualifier
        f"https://a/01/{G}/235/T/21/S",  # mixing alternatives
        f"https://a/01/{G}/badrequest",
        f"https://a/01/{G}?10=L",  # lot belongs in the path
        f"https://a/01/{G}?21=S",
        f"https://a/01/{G}?999=x",  # unknown AI
        f"https://a/01/{G}?89=x",
        f"https://a/01/{G}?17=",  # empty
        f"https://a/01/{G}/10/A%4gB",  # incomplete escape
        f"https://a/01/{G}/10/ABC%2",
        f"https://a/01/{G}/10/A%00",
        f"https://a/01/{G}/10/L/",  # trailing slash
        "https://a/01//10/L",
        f"https://a/01/{G}?17=261301",  # month 13
        f"https://a/01/{G}?7007=260100",  # harvest date has no day 00
        f"https://a/01/{G}?17=260101&17=260101",  # duplicate
        f"https://a/01/{G}/10/L?10=M",
        f"https://a/01/{G}?8030=ABC",  # 8030 needs 01+21
        f"https://a/01/{G}?98=XYZ+987",  # + is a space in the query
        f"https://a/01/{G}?422=999",  # not a country
        f"https://a/01/{G}?422=704&426=704",  # excluded pair
        f"https://a/01/{G}?3103=000250&3102=000250",  # 310n exclusive
        f"https://a/01/{G}?8200=https://x",  # never a DL attribute
        f"https://a/01/{G}/10/{'A' * 21}",  # too long
        f"https://a/01/{G}/10/Chè",  # non-ASCII
        f"https://a/01/{G}/10/A B",
        "https://a/",
    ],
)
def test_invalid_digital_links_are_refused_with_a_reason(uri):
    with pytest.raises(InvalidDigitalLink) as error:
        parse_digital_link(uri)
    assert error.value.message


def test_sliding_century_for_leap_days():
    # 2028 is a leap year, 1977 is not (in 2026, "77" is 1977 and "28" is 2028)
    parse_digital_link(f"https://a/01/{G}?17=280229")
    with pytest.raises(InvalidDigitalLink):
        parse_digital_link(f"https://a/01/{G}?17=770229")


def test_generation_puts_qualifiers_in_order_and_validates():
    assert (
        build_digital_link(gtin=G, lot="TN2024-07", serial="7GQ2KX9P", stem="https://tra.vn/")
        == f"https://tra.vn/01/{G}/10/TN2024-07/21/7GQ2KX9P"
    )
    with pytest.raises(InvalidDigitalLink):
        build_digital_link(gtin="09520123456789", lot="L")


def test_decoded_paths_keep_literal_percent_only_before_two_hex_digits():
    link = parse_path_and_query(f"/01/{G}/10/AB%25C", "", path_is_decoded=True)
    assert link.get("10") == "AB%25C"
    with pytest.raises(InvalidDigitalLink):
        parse_path_and_query(f"/01/{G}/10/AB%C", "", path_is_decoded=True)
