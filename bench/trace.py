"""Trace page benchmark: where a scan's time goes, in-process and (optionally) under load.

    .venv/bin/python bench/trace.py [--products 100000] [--requests 400] [--load 10]

Starts a throwaway PostgreSQL cluster, restores the seeded dump that `bench/pages.py` caches
under var/bench/ (or seeds one), migrates it forward, vacuums it and restarts PostgreSQL durable
(fsync and synchronous commits on, as `bench/pages.py` does), then in a child process with the
production settings (DEBUG off, local-memory cache, `--tasks immediate` by default: the web
process writes the buffered checks itself, the costlier case):

- warms up (every URL of the rotation once: the database and the caches are warm), then
  sends `--requests` trace pages through Django's test client, rotating over the Digital
  Links of items (`/01/{gtin}/10/{lot}/21/{serial}`) and their short links, each with its own
  User-Agent (a new visitor, as wrk's rotate.lua does). The time of a request includes the
  scan logging done after the response (the test client runs the response's closers);
- reports the median and p95 in ms, the bytes of the page, and the SQL queries of one page
  (split into those made before the response and those of the scan logging).

With `--load N` it also serves the site with gunicorn (2 sync workers, 127.0.0.1) and drives
the same rotation with wrk (16 connections, N seconds, after a 3 s warm-up).
Prints one JSON line; `bench/RESULTS.md`'s trace section is written by hand from it, with the
machine's `uptime` load beside it (other sessions share the cores).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PY = str(ROOT / ".venv" / "bin" / "python")
ITEMS = 2000


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def measure(requests: int, lines_file: Path) -> dict[str, Any]:
    """In-process timings through the test client (Django configured from the environment)."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from traceability.models import Batch, Serial

    serials = list(
        Serial.objects.filter(batch__status=Batch.Status.PUBLISHED)
        .exclude(batch__variant__gtin="")
        .select_related("batch__variant")
        .order_by("pk")[:ITEMS]
    )
    urls: list[str] = []
    for serial in serials:
        gtin = serial.batch.variant.gtin.zfill(14)
        urls.append(f"/01/{gtin}/10/{serial.batch.lot}/21/{serial.value}")
        urls.append(f"/t/{serial.value}")
    lines_file.write_text("".join(f"GET\t{url}\t\t\t\n" for url in urls))
    client = Client()
    visitor = iter(range(10**9))

    def get(url: str) -> Any:
        return client.get(url, HTTP_USER_AGENT=f"bench-trace-{next(visitor)}")

    flush = _flusher()
    for url in urls[: min(len(urls), 2 * requests)]:  # warm: database pages, caches
        get(url)
    flush()
    elapsed: list[float] = []
    for index in range(requests):
        url = urls[(index * 7) % len(urls)]
        started = time.perf_counter()
        response = get(url)
        elapsed.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    flush()
    # One flush of a full buffer, timed alone: the checks of 100 pages written in bulk.
    from django.conf import settings

    settings.TRACE_SCAN_BUFFER_SIZE = 10**9
    for index in range(100):
        get(urls[(index * 11) % len(urls)])
    started = time.perf_counter()
    flushed = flush()
    flush_ms = (time.perf_counter() - started) * 1000
    settings.TRACE_SCAN_BUFFER_SIZE = 100
    with CaptureQueriesContext(connection) as queries:
        response = get(urls[0])
    sql = [query["sql"] for query in queries.captured_queries]
    writes = next(
        (i for i, s in enumerate(sql) if s.startswith(("SAVEPOINT", "INSERT", "BEGIN"))), len(sql)
    )
    elapsed.sort()
    return {
        "requests": requests,
        "median_ms": round(statistics.median(elapsed), 2),
        "p95_ms": round(elapsed[int(len(elapsed) * 0.95) - 1], 2),
        "p99_ms": round(elapsed[int(len(elapsed) * 0.99) - 1], 2),
        "bytes": len(response.content),
        "queries_page": writes,
        "queries_scan_in_request": len(sql) - writes,
        "flush": {"scans": flushed, "ms": round(flush_ms, 1)},
        "items": len(serials),
    }


def _flusher() -> Any:
    """The scan buffer's flush when there is one (after the change), else a no-op."""
    try:
        from traceability import scanlog
    except ImportError:
        return lambda: 0
    return scanlog.flush_scans


def under_load(env: dict[str, str], lines_file: Path, seconds: int) -> dict[str, Any]:
    from bench.pages import free_connections, run_wrk, start_gunicorn, summarise

    gunicorn, port, base = start_gunicorn(env)
    try:
        run_wrk(base, lines_file, seconds=3, connections=16)
        free_connections(port)
        load_before = _load()
        result = run_wrk(base, lines_file, seconds=seconds, connections=16)
        free_connections(port)
        return {"load_before": load_before, **summarise(result)}
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--load", type=int, default=0, help="seconds of wrk (0: skip)")
    parser.add_argument(
        "--tasks",
        default="immediate",
        choices=["immediate", "database"],
        help="task backend: immediate (the web process writes the checks itself) or database",
    )
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.requests, Path(args.child))))
        return 0

    from bench.pages import OUT, manage, ready_for_timing, seeded_database, site_env
    from tests.harness import pgcluster

    cluster = pgcluster.start()
    try:
        media, _info = seeded_database(cluster, args.products)
        env = site_env(cluster.url, media) | {"TASKS_BACKEND": args.tasks}
        manage(env, "migrate", "--noinput", "-v", "0")
        ready_for_timing(cluster)  # durable, as in production and in bench/pages.py
        lines_file = OUT / f"trace-{args.products}.paths"
        OUT.mkdir(exist_ok=True)
        load_before = _load()
        done = subprocess.run(
            [PY, __file__, "--requests", str(args.requests), "--child", str(lines_file)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        result: dict[str, Any] = {
            "products": args.products,
            "tasks": args.tasks,
            "load_before": load_before,
            "in_process": json.loads(done.stdout.strip().splitlines()[-1]),
        }
        if args.load:
            result["under_load"] = under_load(env, lines_file, args.load)
        print(json.dumps(result))
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    raise SystemExit(main())
