from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from tests.caches import clear_caches


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Each test starts with empty caches (rate limits and lockouts live there too)."""
    clear_caches()
    yield
    clear_caches()


@pytest.fixture(autouse=True)
def _empty_scan_buffer():
    """Each test starts and ends with an empty buffer of trace-page checks: it lives in the
    process, and checks left by one test would be written during another's request."""
    from traceability import scanlog

    scanlog.BUFFER.take()
    yield
    scanlog.BUFFER.take()


@pytest.fixture
def password() -> str:
    return "chè-tân-cương-2026"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Vietnamese: a request under /en/ activates English for the thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
