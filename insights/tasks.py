"""Scheduled work of insights (run by `manage.py run_insights_jobs`). Safe to run twice."""

from __future__ import annotations

from django_tasks import task

from insights.services import refresh_rollups


@task()
def refresh_insights_rollups() -> None:
    """Daily (soon after midnight): flush visits, rebuild yesterday, today and changed days."""
    refresh_rollups()
