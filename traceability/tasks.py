"""Background work of traceability. Tasks take ids, reload rows and are safe to run twice."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from traceability.exceptions import LabelDoesNotFit
from traceability.labels import batch_labels, render_label_sheet
from traceability.models import LabelRun

PROGRESS_EVERY = 50


@task()
def render_label_run(*, run_id: int) -> None:
    """Make the PDF of a label run, saving progress every 50 labels for the progress bar."""
    with transaction.atomic():
        run = LabelRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status in (LabelRun.Status.DONE, LabelRun.Status.RUNNING):
            return
        run.status = LabelRun.Status.RUNNING
        run.save(update_fields=["status"])
    labels = batch_labels(batch=run.batch)

    def progress(done: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == len(labels):
            LabelRun.objects.filter(pk=run_id).update(done_count=done)

    try:
        pdf = render_label_sheet(labels, size_code=run.size, title=run.batch.lot, progress=progress)
    except LabelDoesNotFit as error:
        LabelRun.objects.filter(pk=run_id).update(
            status=LabelRun.Status.FAILED, error=error.message, finished_at=timezone.now()
        )
        return
    run.refresh_from_db()
    run.file.save(f"nhan-{run.batch.lot}-{run.pk}.pdf", ContentFile(pdf), save=False)
    run.status = LabelRun.Status.DONE
    run.done_count = len(labels)
    run.finished_at = timezone.now()
    run.save(update_fields=["file", "status", "done_count", "finished_at"])
