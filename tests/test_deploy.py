"""The shipped crontab names only commands that exist."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import get_commands

CRONTAB = Path(__file__).resolve().parent.parent / "deploy" / "crontab"
JOB = re.compile(r"^\S+ \S+ \S+ \S+ \S+\s+\$MANAGE (\S+)")


def test_every_scheduled_command_exists():
    lines = CRONTAB.read_text().splitlines()
    scheduled = [match.group(1) for line in lines if (match := JOB.match(line))]
    assert "reconcile_payments" in scheduled
    assert "run_hourly_jobs" in scheduled
    assert set(scheduled) <= set(get_commands())
