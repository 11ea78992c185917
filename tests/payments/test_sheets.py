"""Text written to the back office's spreadsheets is shown, never run."""

from __future__ import annotations

import datetime

import pytest

from payments.sheets import sheet_row


@pytest.mark.parametrize("text", ["=1+1", "+84912", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert sheet_row([text]) == ["'" + text]


def test_other_values_are_kept_as_they_are():
    day = datetime.datetime(2026, 11, 24, 9, 30)
    values = ["HTX Chè La Bằng", -120_000, 0, None, day, "DH2611240001"]
    assert sheet_row(values) == values
