"""Scheduled work of insights (run by `manage.py run_insights_jobs`). Safe to run twice."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation
from django_tasks import task

from insights.exports import monthly_report, report_pdf, report_xlsx
from insights.periods import month_period
from insights.services import refresh_rollups

REPORT_FOLDER = "insights/reports"


@task()
def refresh_insights_rollups() -> None:
    """Daily (soon after midnight): flush visits, rebuild yesterday, today and changed days."""
    refresh_rollups()


@task()
def save_monthly_report(*, year: int, month: int) -> list[str]:
    """The month's report in Vietnamese, saved as PDF and XLSX to the media storage under
    insights/reports/ (replacing an earlier copy). Returns the names saved."""
    with translation.override("vi"):
        report = monthly_report(month_period(year, month))
        files = {"pdf": report_pdf(report), "xlsx": report_xlsx(report)}
    saved = []
    for suffix, content in files.items():
        name = f"{REPORT_FOLDER}/{report.filename}.{suffix}"
        if default_storage.exists(name):
            default_storage.delete(name)
        saved.append(default_storage.save(name, ContentFile(content)))
    return saved
