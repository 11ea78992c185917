import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTEST_VERSION", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRINT_DEFAULTS = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'db': s.DATABASES['default']['ENGINE'], 'cache': s.CACHES['default']['BACKEND'],"
    "'search': s.WAGTAILSEARCH_BACKENDS['default']['BACKEND'],"
    "'tasks': s.TASKS['default']['BACKEND'],"
    "'email': s.EMAIL_BACKEND, 'language': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE}))"
)


def test_embedded_defaults_need_nothing_installed():
    # given: a fresh clone's `make run` sets only DEBUG
    env = dict.fromkeys(("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "EMAIL_BACKEND"), "")
    env["DEBUG"] = "true"
    # when
    result = _manage("shell", "--no-imports", "-c", PRINT_DEFAULTS, env=env)
    # then
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "db": "django.db.backends.sqlite3",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "search": "wagtail.search.backends.database",
        "tasks": "django_tasks.backends.immediate.ImmediateBackend",
        "email": "django.core.mail.backends.console.EmailBackend",
        "language": "vi",
        "tz": "Asia/Ho_Chi_Minh",
    }


def test_languages_are_vietnamese_then_english():
    assert [code for code, _name in settings.LANGUAGES] == ["vi", "en"]
    assert settings.USE_TZ


def test_cache_defaults_to_local_memory_without_redis_url():
    if not os.environ.get("REDIS_URL"):
        assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _manage("check", env={"DEBUG": "false", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_check_deploy_reports_nothing_with_production_values(tmp_path):
    # given: what an operator sets in production
    env = {
        "DEBUG": "false",
        "SECRET_KEY": "k3y-" + "x9Zq" * 16,
        "ALLOWED_HOSTS": "ocop.thainguyen.gov.vn",
        "SITE_URL": "https://ocop.thainguyen.gov.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path}/prod.db",
    }
    # when
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
