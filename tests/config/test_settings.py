import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from marketplace.models import Category

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


PRINT_CACHES = (
    "import json; from django.conf import settings as s; print(json.dumps({alias: ["
    "c['BACKEND'].rsplit('.', 1)[1], c.get('OPTIONS', {}).get('MAX_ENTRIES'),"
    " c.get('KEY_PREFIX')] for alias, c in s.CACHES.items()}))"
)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"REDIS_URL": ""},
            {
                "default": ["LocMemCache", 10_000, None],
                "fragments": ["LocMemCache", 1_000, None],
                "renditions": ["LocMemCache", 2_000, None],
            },
        ),
        (
            {"REDIS_URL": "", "FRAGMENT_CACHE_ENTRIES": "250"},
            {
                "default": ["LocMemCache", 10_000, None],
                "fragments": ["LocMemCache", 250, None],
                "renditions": ["LocMemCache", 2_000, None],
            },
        ),
        (
            {"REDIS_URL": "redis://127.0.0.1:6379/0", "CACHE_KEY_PREFIX": "tn"},
            {
                "default": ["RedisCache", None, "tn"],
                "fragments": ["RedisCache", None, "tn-f"],
                "renditions": ["RedisCache", None, "tn-r"],
            },
        ),
    ],
)
def test_caches_are_apart_and_each_bounded_in_a_worker(env, expected):
    result = _manage("shell", "--no-imports", "-c", PRINT_CACHES, env={"DEBUG": "true", **env})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == expected


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
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    }
    # when
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    # and without a mail server, the operator is told
    del env["EMAIL_BACKEND"]
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "accounts.W001" in result.stdout + result.stderr


PRINT_DATABASE_OPTIONS = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))"
)


def test_postgresql_connections_prepare_repeated_queries_unless_turned_off():
    # given: a PostgreSQL address (the settings are read, nothing connects)
    env = {"DEBUG": "true", "DATABASE_URL": "postgres://shop@127.0.0.1:5432/shop"}
    # when
    default = _manage("shell", "--no-imports", "-c", PRINT_DATABASE_OPTIONS, env=env)
    env["DATABASE_PREPARED_STATEMENTS"] = "false"
    off = _manage("shell", "--no-imports", "-c", PRINT_DATABASE_OPTIONS, env=env)
    # then
    assert default.returncode == 0, default.stderr
    options = json.loads(default.stdout.strip().splitlines()[-1])
    assert options == {"server_side_binding": True, "prepare_threshold": 5}
    assert off.returncode == 0, off.stderr
    assert json.loads(off.stdout.strip().splitlines()[-1]) == {}


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_a_query_run_again_is_planned_once_on_postgresql():
    # given: the same query, with different values, more often than the threshold
    for value in range(settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"] + 1):
        list(Category.objects.filter(slug=f"prepared-{value}", numchild__gte=value))
    # when
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%"marketplace_category"."numchild" >= $1 AND "marketplace_category"."slug" = $2%'],
        )
        (prepared,) = cursor.fetchone()
    # then: the server holds it as a prepared statement, with its value as a parameter
    assert prepared == 1
