"""The scheduled command: rollups refreshed daily, the monthly report saved on the 1st."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from insights.models import ProvinceDay
from insights.tasks import save_monthly_report

pytestmark = pytest.mark.django_db


def test_run_insights_jobs_refreshes_the_rollups_and_saves_the_report(settings, tmp_path, data):
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()
    call_command("run_insights_jobs", "--report", stdout=out)
    assert "refresh_insights_rollups" in out.getvalue()
    assert ProvinceDay.objects.filter(day=data.today).exists()
    assert list((tmp_path / "insights" / "reports").glob("*.pdf"))


def test_the_saved_monthly_report_has_the_months_numbers(settings, tmp_path, data):
    settings.MEDIA_ROOT = tmp_path
    call_command("rebuild_rollups", "--from", data.first_day.isoformat(), verbosity=0)
    names = save_monthly_report.call(year=data.first_day.year, month=data.first_day.month)
    pdf, xlsx = (tmp_path / name for name in names)
    assert pdf.read_bytes().startswith(b"%PDF")
    workbook = load_workbook(xlsx)
    assert len(workbook.worksheets) == 7  # the summary and six tables
    sheets = {sheet.title: sheet for sheet in workbook.worksheets}
    methods = list(sheets["methods"].iter_rows(min_row=2, values_only=True))
    in_month = [data.first_day, data.second_day, data.today]
    expected = 6 + sum(1 for day in in_month[1:] if day.month == data.first_day.month)
    assert sum(row[1] for row in methods) == expected  # column 2: orders
