"""pytest plugin (loaded with `-p tests.harness.plugin`): the real parts the suite runs on.

It runs before pytest-django reads the settings, so it can point DATABASE_URL at a throwaway
PostgreSQL cluster. When DATABASE_URL is already set, that database is used as it is. Without
PostgreSQL installed the suite falls back to SQLite and says so loudly; under CI=true a missing
PostgreSQL or Chromium is a failure, not a skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.harness import pgcluster

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
_cluster: pgcluster.Cluster | None = None
_database_note = ""


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    global _cluster, _database_note
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if os.environ.get("DATABASE_URL"):
        _database_note = "database: DATABASE_URL from the environment"
        return
    if os.environ.get("TEST_DATABASE", "").lower() == "sqlite":
        _database_note = "database: SQLite (TEST_DATABASE=sqlite)"
        return
    try:
        _cluster = pgcluster.start()
    except RuntimeError as error:
        if in_ci():
            raise pytest.UsageError(f"CI needs PostgreSQL for the test suite: {error}") from error
        _database_note = (
            "!!! database: SQLite FALLBACK, PostgreSQL is not available here "
            f"({error}); concurrency tests will be skipped !!!"
        )
        return
    os.environ["DATABASE_URL"] = _cluster.url
    _database_note = f"database: throwaway PostgreSQL on 127.0.0.1:{_cluster.port}"


def pytest_report_header(config: pytest.Config) -> list[str]:
    browser = (
        f"browser: {CHROMIUM}" if CHROMIUM.exists() else "browser: none (browser tests skipped)"
    )
    return [_database_note, browser]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "e2e: browser journey (Playwright driving Debian's Chromium)"
    )
    config.addinivalue_line("markers", "postgresql: needs PostgreSQL (row locks, concurrency)")
    if in_ci() and not CHROMIUM.exists():
        raise pytest.UsageError(f"CI needs Chromium at {CHROMIUM} for the browser tests")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgresql = "postgres" in os.environ.get("DATABASE_URL", "")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL; this run uses SQLite")
    skip_browser = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}")
    for item in items:
        if "postgresql" in item.keywords and not on_postgresql:
            item.add_marker(skip_pg)
        if "e2e" in item.keywords and not CHROMIUM.exists():
            item.add_marker(skip_browser)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _cluster is not None:
        _cluster.stop()
