"""The catalogue import service, called alike by the command and the admin page."""

from __future__ import annotations

from pathlib import PurePath
from typing import IO

from django.db import transaction

from accounts.models import User
from marketplace.importer.report import ImportReport, Phase, ProgressCallback
from marketplace.importer.run import ImportRun
from marketplace.importer.table import check_header, read_table


def import_products(
    *,
    file: IO[bytes],
    filename: str,
    publish: bool = False,
    create_categories: bool = False,
    dry_run: bool = False,
    actor: User | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import a CSV or XLSX catalogue file (docs/import.md), all or nothing.

    `filename` tells the type (`.csv`, `.xlsx`; an XLSX is also known by its content) and names
    the file in the events written. Every row is checked first, against the file and against the
    database; when any row is bad the report lists every problem with its line and column and
    nothing is written. Otherwise, in one transaction:

    - an unknown tax code creates an enterprise, `approved` with `publish` and `pending`
      otherwise, with an EnterpriseEvent;
    - an unknown category is an error, or with `create_categories` a new top-level category;
    - a new product is `published` with `publish` and `pending_review` otherwise (officers review
      it), with a ProductEvent;
    - variants and OCOP certificates are created or updated, and each product is linked to the
      certificate its rows name;
    - the lowest price and stock of each product whose variants changed are refreshed.

    Existing rows change only where a non-empty cell differs from them, and their statuses never
    change, so a second import of the same file changes nothing. With `dry_run` the same work is
    done and rolled back: the report tells exactly what would happen. `actor` is recorded on the
    events; `progress`, when given, is told how far the work has got.

    Side effects: after commit, Wagtail's reference-index task is enqueued for each product and
    certificate written (as a save would do). No notification is sent.

    Raises ImportFileError when the file cannot be read as a table or its header is wrong.
    """
    header, raw_rows = read_table(file=file, filename=filename)
    columns = check_header(header)
    report = ImportReport(filename=PurePath(filename).name, dry_run=dry_run, rows=len(raw_rows))
    run = ImportRun(
        report=report,
        publish=publish,
        create_categories=create_categories,
        actor=actor,
        progress=progress or _no_progress,
    )
    run.read_rows(columns, raw_rows)
    with transaction.atomic():
        run.check_against_database()
        if report.errors:
            report.errors.sort(key=lambda issue: issue.line)
            return report
        run.write()
        if dry_run:
            transaction.set_rollback(True)
    return report


def _no_progress(phase: Phase, done: int, total: int) -> None:
    """Progress for callers that show none."""
