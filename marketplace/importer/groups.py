"""What the rows of an import say about each enterprise, product and OCOP certificate."""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from django.utils.text import Truncator

from marketplace.importer.cells import Row, single_line
from marketplace.importer.report import ImportReport
from marketplace.models import Category, Enterprise, Product
from traceability.models import Certificate

ENTERPRISE_COLUMNS: Final = (
    "enterprise_name",
    "enterprise_kind",
    "ward_code",
    "enterprise_representative",
    "enterprise_phone",
)
PRODUCT_COLUMNS: Final = ("product_name", "category", "description", "ocop_certificate_no")
CERTIFICATE_COLUMNS: Final = (
    "ocop_stars",
    "ocop_issued_on",
    "ocop_expires_on",
    "ocop_issuing_body",
)


@dataclass
class Group:
    """The rows that describe one enterprise, product or certificate, and what they say: for
    each column, the first value given and the line it was given on, and the columns that had a
    bad cell on some row."""

    line: int
    values: dict[str, tuple[Any, int]] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)

    def merge(
        self, row: Row, columns: Iterable[str], *, disagreement: str, report: ImportReport
    ) -> None:
        """Take the row's non-empty values; report each one that differs from an earlier row's."""
        self.invalid.update(row.invalid.intersection(columns))
        for column in columns:
            value = getattr(row, column)
            if value in ("", None):
                continue
            known, line = self.values.setdefault(column, (value, row.line))
            if known != value:
                report.error(row.line, column, disagreement % {"line": line, "value": shown(known)})

    def get(self, column: str) -> Any:
        """The value the rows give for `column`, or None when none gives one."""
        return self.values.get(column, (None, 0))[0]


@dataclass
class EnterpriseGroup(Group):
    instance: Enterprise | None = None


@dataclass
class ProductGroup(Group):
    tax_code: str = ""
    rows: list[Row] = field(default_factory=list)
    instance: Product | None = None
    category: Category | str | None = None  # a str is the name key of a category to create
    is_created: bool = False
    is_changed: bool = False


@dataclass
class CertificateGroup(Group):
    tax_code: str = ""
    number: str = ""
    instance: Certificate | None = None


def name_key(name: str) -> str:
    """What makes two names the same: case, spacing and the encoding of accents aside."""
    return single_line(unicodedata.normalize("NFC", name)).casefold()


def shown(value: object) -> str:
    """A value as a message quotes it: dates as written in the file, long text cut short."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return Truncator(str(value)).chars(40)
