"""GS1 identifiers: the syntax dictionary, its checks, and Digital Link URIs."""

from traceability.gs1.digital_link import (
    CANONICAL_STEM,
    DigitalLink,
    build_digital_link,
    build_uri,
    parse_digital_link,
    parse_path_and_query,
)
from traceability.gs1.linters import check_digit, is_valid_check_digit

__all__ = [
    "CANONICAL_STEM",
    "DigitalLink",
    "build_digital_link",
    "build_uri",
    "check_digit",
    "is_valid_check_digit",
    "parse_digital_link",
    "parse_path_and_query",
]
