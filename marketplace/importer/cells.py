"""One row of an import file: each cell converted and checked with the models' own validators."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Final

import nh3
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounts.divisions import validate_ward_code
from accounts.phone import normalize_phone
from marketplace.importer.report import ImportReport
from marketplace.models import Enterprise, Product, Variant, normalize_tax_code, validate_gtin
from traceability.models import Certificate

OCOP_COLUMNS: Final = ("ocop_stars", "ocop_certificate_no", "ocop_issued_on", "ocop_expires_on")
# What Product.description (rich text with h3, bold, italic, lists and links) may hold.
DESCRIPTION_TAGS: Final = frozenset(
    {"p", "br", "h3", "b", "strong", "i", "em", "ol", "ul", "li", "a"}
)
DESCRIPTION_ATTRIBUTES: Final = {"a": {"href"}}
LINK_SCHEMES: Final = frozenset({"http", "https", "mailto", "tel"})

_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass
class Row:
    """One data row with its cells converted: "" or None where a cell is empty or bad, and the
    columns whose cells are bad (reported already) in `invalid`."""

    line: int
    invalid: set[str] = field(default_factory=set)
    enterprise_tax_code: str = ""
    enterprise_name: str = ""
    enterprise_kind: str = ""
    ward_code: int | None = None
    enterprise_representative: str = ""
    enterprise_phone: str = ""
    category: str = ""
    product_name: str = ""
    description: str = ""
    variant_name: str = ""
    sku: str = ""
    price_vnd: int | None = None
    stock: int | None = None
    weight_g: int | None = None
    gtin: str = ""
    ocop_stars: int | None = None
    ocop_certificate_no: str = ""
    ocop_issued_on: datetime.date | None = None
    ocop_expires_on: datetime.date | None = None
    ocop_issuing_body: str = ""


def read_row(line: int, cells: dict[str, str], report: ImportReport) -> Row:
    """Convert the cells of one row (column → text), reporting each bad or missing cell."""
    row = Row(line=line)
    for column, text in cells.items():
        if not text:
            continue
        if column == "description":
            row.description, removed = clean_description(text)
            if removed:
                report.warn(
                    line,
                    column,
                    _("Removed what a description may not hold: %(removed)s.")
                    % {"removed": ", ".join(removed)},
                )
            continue
        try:
            value = _CONVERTERS[column](text)
        except ValidationError as error:
            report.error(line, column, " ".join(error.messages))
            row.invalid.add(column)
            continue
        setattr(row, column, value)
    for column in ("enterprise_tax_code", "product_name", "sku"):
        if not cells.get(column):
            report.error(line, column, _("This field is required."))
    if any(cells.get(column) for column in (*OCOP_COLUMNS, "ocop_issuing_body")):
        for column in OCOP_COLUMNS:
            if not cells.get(column):
                report.error(
                    line,
                    column,
                    _(
                        "Give the OCOP stars, certificate number, issue date and expiry date "
                        "together."
                    ),
                )
    if row.ocop_issued_on and row.ocop_expires_on and row.ocop_expires_on <= row.ocop_issued_on:
        report.error(line, "ocop_expires_on", _("The expiry date must be after the issue date."))
        row.ocop_expires_on = None
        row.invalid.add("ocop_expires_on")
    return row


def clean_description(text: str) -> tuple[str, list[str]]:
    """Rich text for Product.description, and the HTML tags and attributes that were removed.

    Plain text becomes escaped paragraphs (a blank line starts a new one, a line break stays a
    line break). HTML keeps only what the description's editor allows: paragraphs, h3, bold,
    italic, lists and links with a safe scheme; scripts and styles go with their content.
    """
    if not _TAG.search(text):
        paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
        return "".join(
            "<p>{}</p>".format("<br>".join(escape(line.strip()) for line in paragraph.split("\n")))
            for paragraph in paragraphs
        ), []
    collector = _TagCollector()
    collector.feed(text)
    collector.close()
    removed = sorted(collector.tags - DESCRIPTION_TAGS) + sorted(collector.attributes)
    html = nh3.clean(
        text,
        tags=set(DESCRIPTION_TAGS),
        attributes=DESCRIPTION_ATTRIBUTES,
        url_schemes=set(LINK_SCHEMES),
        link_rel=None,
    )
    return html.strip(), removed


class _TagCollector(HTMLParser):
    """Collects the tags, and the attributes a description may not hold, of some HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        allowed = DESCRIPTION_ATTRIBUTES.get(tag, set())
        self.attributes.update(name for name, _value in attrs if name not in allowed)


def single_line(text: str) -> str:
    return " ".join(text.split())


def _text_of(model: type[models.Model], field_name: str) -> Callable[[str], str]:
    """A converter to one line of text that passes the model field's validators (its length)."""

    def convert(text: str) -> str:
        value = single_line(text)
        _run_validators(model, field_name, value)
        return value

    return convert


def _whole_number_of(model: type[models.Model], field_name: str) -> Callable[[str], int]:
    """A converter for a count or an amount of đồng: digits only, never negative.

    "180.000" is refused rather than guessed: it is 180 thousand to a Vietnamese reader and
    180 to an English one.
    """

    def convert(text: str) -> int:
        if not _WHOLE_NUMBER.fullmatch(text):
            raise ValidationError(
                _("Write a whole number without dots, commas or spaces, for example 180000.")
            )
        number = int(text)
        if number < 0:
            raise ValidationError(_("This must not be negative."))
        _run_validators(model, field_name, number)
        return number

    return convert


def _run_validators(model: type[models.Model], field_name: str, value: object) -> None:
    """Apply a model field's validators (its length or range, and its own checks) to a value."""
    model_field = model._meta.get_field(field_name)
    assert isinstance(model_field, models.Field)
    model_field.run_validators(value)


def _kind(text: str) -> str:
    kind = text.lower()
    if kind not in Enterprise.Kind.values:
        raise ValidationError(_("Write company, cooperative or household."))
    return kind


def _ward_code(text: str) -> int:
    if not text.isdecimal():
        raise ValidationError(_("Write the ward's code as a number, for example 5503."))
    validate_ward_code(int(text))
    return int(text)


def _gtin(text: str) -> str:
    gtin = re.sub(r"[\s-]", "", text)
    validate_gtin(gtin)
    return gtin


def _stars(text: str) -> int:
    if text not in {"3", "4", "5"}:
        raise ValidationError(_("An OCOP certificate carries 3, 4 or 5 stars."))
    return int(text)


def _date(text: str) -> datetime.date:
    if _ISO_DATE.fullmatch(text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValidationError(_("Write the date as YYYY-MM-DD, for example 2025-03-31."))


_CONVERTERS: Final[dict[str, Callable[[str], Any]]] = {
    "enterprise_tax_code": normalize_tax_code,
    "enterprise_name": _text_of(Enterprise, "name"),
    "enterprise_kind": _kind,
    "ward_code": _ward_code,
    "enterprise_representative": _text_of(Enterprise, "representative"),
    "enterprise_phone": normalize_phone,
    "category": single_line,
    "product_name": _text_of(Product, "name"),
    "variant_name": _text_of(Variant, "name"),
    "sku": _text_of(Variant, "sku"),
    "price_vnd": _whole_number_of(Variant, "price_vnd"),
    "stock": _whole_number_of(Variant, "stock"),
    "weight_g": _whole_number_of(Variant, "weight_g"),
    "gtin": _gtin,
    "ocop_stars": _stars,
    "ocop_certificate_no": _text_of(Certificate, "number"),
    "ocop_issued_on": _date,
    "ocop_expires_on": _date,
    "ocop_issuing_body": _text_of(Certificate, "issuing_body"),
}
