"""Each test starts and ends with an empty scan buffer (it lives in the process)."""

from __future__ import annotations

import pytest

from traceability import scanlog


@pytest.fixture(autouse=True)
def _empty_scan_buffer():
    scanlog.BUFFER.take()
    yield
    scanlog.BUFFER.take()
