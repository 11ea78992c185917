"""Scheduled work of insights (run by `manage.py run_insights_jobs`). Safe to run twice."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation
from django_tasks import task

from insights.exports import monthly_report, report_pdf, report_xlsx
from insights.periods import default_period, month_period
from insights.services import refresh_rollups
from insights.tables import province_dashboard

REPORT_FOLDER = "insights/reports"


@task()
def refresh_insights_rollups() -> None:
    """Daily (soon after midnight): flush visits, rebuild yesterday, today and changed days,
    then compute the officers' default dashboard once, so that the first officer of the day
    finds its stored part in the cache (with a shared cache such as Redis; a per-process cache
    only warms the process that ran this)."""
    refresh_rollups()
    province_dashboard(default_period())


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
