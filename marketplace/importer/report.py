"""What an import tells its caller: counts of what changed, and every problem with its line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from django.utils.translation import gettext as _

Phase = Literal["check", "write"]
ProgressCallback = Callable[[Phase, int, int], None]
"""Called as `progress(phase, done, total)`: rows checked, then products written."""


@dataclass(frozen=True)
class RowIssue:
    """A problem with a cell. `line` is the row as a spreadsheet numbers it (the header is 1);
    `column` is empty when the problem is the whole row."""

    line: int
    column: str
    message: str


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do), or why it did nothing: `errors`.

    `warnings` tell what was changed on the way in (HTML removed from a description) without
    stopping the import.
    """

    filename: str
    dry_run: bool
    rows: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    categories_created: int = 0
    enterprises: Counts = field(default_factory=Counts)
    products: Counts = field(default_factory=Counts)
    variants: Counts = field(default_factory=Counts)
    certificates: Counts = field(default_factory=Counts)

    @property
    def succeeded(self) -> bool:
        return not self.errors

    def tallies(self) -> list[tuple[str, Counts]]:
        """The counts of each kind of row, labelled for people."""
        return [
            (_("Enterprises"), self.enterprises),
            (_("Products"), self.products),
            (_("Variants"), self.variants),
            (_("OCOP certificates"), self.certificates),
        ]

    def error(self, line: int, column: str, message: str) -> None:
        self.errors.append(RowIssue(line, column, message))

    def warn(self, line: int, column: str, message: str) -> None:
        self.warnings.append(RowIssue(line, column, message))
