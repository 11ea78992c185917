"""Import the catalogue from a CSV or XLSX file, all or nothing (see docs/import.md).

python manage.py import_products FILE [--publish] [--create-categories] [--dry-run]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from marketplace.exceptions import ImportFileError
from marketplace.importer import ImportReport, Phase, RowIssue, import_products


class Command(BaseCommand):
    help = (
        "Import enterprises, products, variants and OCOP certificates from a CSV or XLSX file. "
        "Nothing is written when any row is bad; importing the same file twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV (UTF-8) or XLSX file.")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish new products and approve new enterprises (otherwise officers review "
            "them).",
        )
        parser.add_argument(
            "--create-categories",
            action="store_true",
            help="Create unknown categories as top-level categories (otherwise they are errors).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and count, but write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        # call_command(stderr=...) passes its stream in the options; the command line does not.
        progress = _ProgressBars(
            stream=options.get("stderr") or sys.stderr,
            disable=True if options["verbosity"] == 0 else None,
        )
        try:
            with path.open("rb") as file:
                report = import_products(
                    file=file,
                    filename=path.name,
                    publish=options["publish"],
                    create_categories=options["create_categories"],
                    dry_run=options["dry_run"],
                    progress=progress,
                )
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}
            ) from error
        except ImportFileError as error:
            raise CommandError(
                _("%(file)s: %(error)s") % {"file": path.name, "error": error.message}
            ) from error
        finally:
            progress.close()
        for issue in report.warnings:
            self.stderr.write(_describe(issue), self.style.WARNING)
        for issue in report.errors:
            self.stderr.write(_describe(issue))
        if report.errors:
            count = len(report.errors)
            raise CommandError(
                ngettext(
                    "%(count)s problem in %(file)s; nothing was imported.",
                    "%(count)s problems in %(file)s; nothing was imported.",
                    count,
                )
                % {"count": count, "file": report.filename}
            )
        self._write_summary(report)

    def _write_summary(self, report: ImportReport) -> None:
        if report.dry_run:
            self.stdout.write(self.style.WARNING(_("Dry run: nothing was written.")))
        self.stdout.write(
            ngettext(
                "%(counter)s row read from %(file)s.",
                "%(counter)s rows read from %(file)s.",
                report.rows,
            )
            % {"counter": report.rows, "file": report.filename}
        )
        for label, counts in report.tallies():
            self.stdout.write(
                _("%(kind)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                % {
                    "kind": label,
                    "created": counts.created,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                }
            )
        self.stdout.write(
            _("Categories created: %(count)s.") % {"count": report.categories_created}
        )


def _describe(issue: RowIssue) -> str:
    if issue.column:
        return _("line %(line)s, %(column)s: %(message)s") % {
            "line": issue.line,
            "column": issue.column,
            "message": issue.message,
        }
    return _("line %(line)s: %(message)s") % {"line": issue.line, "message": issue.message}


class _ProgressBars:
    """The import's progress as one tqdm bar per phase; `disable=None` hides it off a terminal."""

    def __init__(self, *, stream: TextIO, disable: bool | None) -> None:
        self.stream = stream
        self.disable = disable
        self.phase: Phase | None = None
        self.bar: tqdm | None = None

    def __call__(self, phase: Phase, done: int, total: int) -> None:
        if self.bar is None or phase != self.phase:
            self.close()
            labels = {"check": _("Checking rows"), "write": _("Writing products")}
            self.phase = phase
            self.bar = tqdm(total=total, desc=labels[phase], file=self.stream, disable=self.disable)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
