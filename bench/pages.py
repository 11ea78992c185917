"""Page benchmark: the site under gunicorn, each endpoint driven by wrk (`make bench`).

    .venv/bin/python bench/pages.py [--products 2000,100000] [--peer] [--duration 10]

For each catalogue size it starts a throwaway PostgreSQL cluster (tests/harness/pgcluster.py;
as the `postgres` user when run as root), migrates and seeds it with `seed_demo --products N`
(or restores a pg_dump cached under var/bench/, keyed by N and the migrations), collects the
static files, and serves the site with gunicorn (2 sync workers, DEBUG off, 127.0.0.1, a free
port, a throwaway SECRET_KEY). `bench/pages_django.py prepare` writes one request list per
endpoint; every GET list is fetched twice to warm up, then each endpoint gets a short wrk
warm-up and a timed run at a fixed concurrency (`bench/rotate.lua` rotates the requests).
Afterwards it reads the workers' RSS, stops gunicorn, counts SQL queries and bytes per endpoint
with the test client in a separate process, checks the checkout's orders and stock, and writes
bench/out/pages-<N>.json and the "Pages" sections of bench/RESULTS.md.

With --peer it also runs ../shared/peers/oscar (setup.sh, then bench.sh) in the same session,
and records ours/Oscar's ratios.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search import _cpu_model  # noqa: E402
from tests.harness import pgcluster  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
CACHE = ROOT / "var" / "bench"
OUT = ROOT / "bench" / "out"
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
PEER = ROOT.parent / "shared" / "peers" / "oscar"
CSRF_TOKEN = "BenchCsrf0123456789abcdefghijKLM"  # noqa: S105  # == pages_django.CSRF_TOKEN
WARM_UP_ROWS = 40
# Our endpoint → the peer's endpoint measured with the same settings.
PEER_PAIRS = {
    "catalogue": "catalogue_list",
    "category": "category",
    "product": "product_detail",
    "search_che_tan_cuong": "search_che_tan_cuong",
    "search_che": "search_che",
    "cart_add": "basket_add",
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def site_env(database_url: str, media_root: Path) -> dict[str, str]:
    """Production settings, as a deployment sets them, for a server on plain http 127.0.0.1."""
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SITE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "MEDIA_ROOT": str(media_root),
        "STATIC_ROOT": str(CACHE / "static"),
        "ELASTICSEARCH_URL": "",
        "REDIS_URL": "",
        "LOG_LEVEL": "WARNING",
        # Background work as at scale: tasks (order mails, search index updates) are queued
        # in the database for workers, not run inside the request; no worker runs here.
        "TASKS_BACKEND": "database",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        # VNPay with merchant credentials of our own (no sandbox in production): the
        # benchmark signs the IPNs with the same secret.
        "PAYMENTS_SANDBOX": "false",
        "PAYMENTS_METHODS": "cod,vnpay",
        "PAYMENTS_VNPAY_TMN_CODE": "BENCH001",
        "PAYMENTS_VNPAY_HASH_SECRET": "BENCHSECRET" + "0" * 21,
        "PAYMENTS_VNPAY_PAYMENT_URL": "https://127.0.0.1:9/paymentv2/vpcpay.html",
        "PAYMENTS_VNPAY_API_URL": "https://127.0.0.1:9/merchant_webapi/api/transaction",
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def django_step(env: dict[str, str], step: str, folder: Path) -> Any:
    done = subprocess.run(
        [PY, str(ROOT / "bench" / "pages_django.py"), step, str(folder)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def migration_names() -> list[str]:
    return sorted(str(path.relative_to(ROOT)) for path in ROOT.glob("*/migrations/0*.py"))


def migrations_key() -> str:
    digest = hashlib.sha256()
    for name in migration_names():
        digest.update(name.encode())
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:8]


def pg_tool(cluster: pgcluster.Cluster, tool: str, *args: str) -> str:
    """Run one of PostgreSQL's client programs against the cluster; its output."""
    command = [str(cluster.bin_dir / tool), "-h", "127.0.0.1", "-p", str(cluster.port)]
    done = subprocess.run([*command, "-U", "postgres", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


DURABLE = ("fsync", "synchronous_commit", "full_page_writes")


def ready_for_timing(cluster: pgcluster.Cluster) -> None:
    """Vacuum and analyse the restored and migrated database, then make PostgreSQL durable.
    A restored dump has no planner statistics and no visibility map: they are made now
    (without durability, quickly) rather than by autovacuum, writing WAL that durable commits
    would then wait behind while the endpoints are timed."""
    pg_tool(cluster, "vacuumdb", "--analyze", "--quiet", "-d", "postgres")
    durable(cluster)


def durable(cluster: pgcluster.Cluster) -> None:
    """Restart PostgreSQL with its durability for the timed runs. The throwaway cluster starts
    without it (fast restores and migrations), but every commit of a checkout, a cart or an
    IPN must wait for its WAL on disk as in production, and as in the peer's cluster, which
    keeps PostgreSQL's defaults."""
    cluster.restart(fast=False)
    # What the restore left in the operating system's cache is written now, not during a run.
    pg_tool(cluster, "psql", "-d", "postgres", "-qc", "CHECKPOINT")
    os.sync()
    for setting in DURABLE:
        shown = pg_tool(cluster, "psql", "-d", "postgres", "-tAc", f"SHOW {setting}").strip()
        if shown != "on":
            raise RuntimeError(f"PostgreSQL's {setting} is {shown!r} after the restart")


def cached_dump(size: int) -> Path | None:
    """The dump for this size: the one made at the current migration state, else the newest
    made at an earlier one (its migrations all still here), which `migrate` then brings
    forward. `--reseed` (or deleting var/bench/) makes a new one."""
    exact = CACHE / f"seed-{size}-{migrations_key()}.dump"
    if exact.exists():
        return exact
    current = set(migration_names())
    candidates = sorted(
        CACHE.glob(f"seed-{size}-*.dump"),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    for dump in candidates:
        listing = dump.with_suffix(".migrations.json")
        if listing.exists() and set(json.loads(listing.read_text())) <= current:
            return dump
    return None


def seeded_database(
    cluster: pgcluster.Cluster, size: int, *, reseed: bool = False
) -> tuple[Path, dict[str, Any]]:
    """Restore the cached dump for this size, or migrate and seed (then cache it)."""
    media = CACHE / f"media-{size}"
    env = site_env(cluster.url, media)
    dump = None if reseed else cached_dump(size)
    if dump is not None and media.exists():
        started = time.perf_counter()
        pg_tool(cluster, "pg_restore", "-d", "postgres", "--no-owner", "-j", "2", str(dump))
        info: dict[str, Any] = {
            "restored_from": dump.name,
            "restored_seconds": round(time.perf_counter() - started, 1),
        }
        log(f"restored {dump.name} in {info['restored_seconds']} s")
        return media, info
    media.mkdir(parents=True, exist_ok=True)
    manage(env, "migrate", "--noinput", "-v", "0")
    started = time.perf_counter()
    log(f"seed_demo --products {size} (indexes the search too)")
    manage(env, "seed_demo", "--products", str(size), "--allow-production", "-v", "0")
    info = {"seed_seconds": round(time.perf_counter() - started, 1)}
    dump = CACHE / f"seed-{size}-{migrations_key()}.dump"
    pg_tool(cluster, "pg_dump", "-Fc", "-d", "postgres", "-f", str(dump))
    dump.with_suffix(".migrations.json").write_text(json.dumps(migration_names()))
    return media, info


def free_connections(port: int) -> None:
    """Wait until the server holds no client connection (wrk's leftovers are still served)."""
    for _ in range(240):
        done = subprocess.run(
            ["ss", "-Htn", "state", "established", f"( sport = :{port} )"],
            capture_output=True,
            text=True,
            check=False,
        )
        if not done.stdout.strip():
            return
        time.sleep(0.5)


def rss_mb(master: int) -> list[float]:
    """The resident memory of gunicorn's workers (the master's children), in MB."""
    sizes = []
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        for row in Path(f"/proc/{child}/status").read_text().splitlines():
            if row.startswith("VmRSS:"):
                sizes.append(round(int(row.split()[1]) / 1024, 1))
    return sizes


def run_wrk(
    base: str, listing: Path, *, seconds: int, connections: int, once: bool = False
) -> dict[str, Any]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    command += ["-s", str(ROOT / "bench" / "rotate.lua"), base, "--", str(listing), CSRF_TOKEN]
    if once:
        command.append("once")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    for row in done.stdout.splitlines():
        if row.startswith("WRKJSON "):
            return dict(json.loads(row[8:]))
    raise RuntimeError(f"wrk gave no summary: {done.stdout}{done.stderr}")


def warm_up(base: str, listing: Path) -> None:
    """GET the first rows of a list twice (both workers load their code, fill caches), each
    request with its own User-Agent as in the timed runs (the trace page's rate limit is per
    visitor: as one visitor, the warm-up went past its 60 checks and was refused)."""
    for index, row in enumerate(listing.read_text().splitlines()[:WARM_UP_ROWS]):
        method, path, _body, cookie, authorization = [*row.split("\t"), "", "", "", ""][:5]
        if method != "GET":
            continue
        headers = {"Cookie": cookie} if cookie else {}
        if authorization:
            headers["Authorization"] = authorization
        for attempt in range(2):
            headers["User-Agent"] = f"bench-warm-up-{listing.stem}-{index}-{attempt}"
            request = urllib.request.Request(base + path, headers=headers)  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310
                    answer.read()
            except OSError as error:
                log(f"warm-up {path}: {error}")


def start_gunicorn(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int, str]:
    """The site under gunicorn (2 sync workers) on a free port, once it answers /healthz:
    the process, its port and its base address."""
    port = pgcluster.free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [
            *(ROOT / ".venv/bin/gunicorn", "config.wsgi:application", "--workers", "2"),
            *("--bind", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5):  # noqa: S310
                break
        except OSError:
            time.sleep(0.5)
    return gunicorn, port, base


def run_size(size: int, args: argparse.Namespace) -> dict[str, Any]:
    cluster = pgcluster.start()
    gunicorn: subprocess.Popen[bytes] | None = None
    try:
        media, info = seeded_database(cluster, size, reseed=args.reseed)
        if args.seed_only:
            return {}
        env = site_env(cluster.url, media)
        manage(env, "migrate", "--noinput", "-v", "0")
        ready_for_timing(cluster)
        manage(env, "collectstatic", "--noinput", "-v", "0")
        work = OUT / f"pages-{size}"
        shutil.rmtree(work, ignore_errors=True)
        log("preparing request lists, checkout carts and pending VNPay payments")
        prepared = django_step(env, "prepare", work)
        plan = json.loads((work / "plan.json").read_text())
        gunicorn, port, base = start_gunicorn(env)
        log(f"gunicorn on {base}; warming up")
        chosen = [
            name for name in plan["endpoints"] if not args.endpoints or name in args.endpoints
        ]
        for name in chosen:
            warm_up(base, work / plan["endpoints"][name]["paths"])
        # The workers' RSS after the warm-up and after each endpoint's run: which page grows it.
        growth: dict[str, list[float]] = {"warm-up": rss_mb(gunicorn.pid)}
        runs: dict[str, Any] = {}
        for name in chosen:
            endpoint = plan["endpoints"][name]
            once = bool(endpoint.get("once"))
            free_connections(port)
            warm_list = work / endpoint.get("warm_paths", endpoint["paths"])
            run_wrk(base, warm_list, seconds=args.warmup, connections=args.connections, once=once)
            free_connections(port)
            runs[name] = run_wrk(
                base,
                work / endpoint["paths"],
                seconds=args.duration,
                connections=args.connections,
                once=once,
            )
            growth[name] = rss_mb(gunicorn.pid)
            log(f"{name}: {summarise(runs[name])['rps']} req/s, workers {growth[name]} MB")
        free_connections(port)
        memory = rss_mb(gunicorn.pid)
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=60)
        gunicorn = None
        log("counting SQL queries and bytes per endpoint (test client)")
        measured = django_step(env, "measure", work)
        checked = django_step(env, "check", work)
        return report(size, args, info, prepared, runs, measured, checked, memory, growth, cluster)
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=60)
        cluster.stop()


def summarise(run: dict[str, Any]) -> dict[str, Any]:
    seconds = run["duration_us"] / 1e6
    statuses = run["status_classes"]
    errors = sum(run["errors"][kind] for kind in ("connect", "read", "write", "timeout"))
    served = run["requests"] - run.get("exhausted", 0)
    return {
        "rps": round(served / seconds, 1),
        "requests": served,
        "p50_ms": round(run["latency_us"]["p50"] / 1000, 1),
        "p95_ms": round(run["latency_us"]["p95"] / 1000, 1),
        "p99_ms": round(run["latency_us"]["p99"] / 1000, 1),
        "errors": errors + statuses["4xx"] + statuses["5xx"],
    }


def report(
    size: int,
    args: argparse.Namespace,
    info: dict[str, Any],
    prepared: dict[str, Any],
    runs: dict[str, Any],
    measured: dict[str, Any],
    checked: dict[str, Any],
    memory: list[float],
    growth: dict[str, list[float]],
    cluster: pgcluster.Cluster,
) -> dict[str, Any]:
    import django
    import wagtail

    server = subprocess.run(
        [str(cluster.bin_dir / "postgres"), "--version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    endpoints = {name: summarise(run) | measured[name] | {"raw": run} for name, run in runs.items()}
    if "checkout_cod" in endpoints:
        seconds = runs["checkout_cod"]["duration_us"] / 1e6
        endpoints["checkout_cod"]["orders_per_second"] = round(checked["orders_timed"] / seconds, 1)
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "products": prepared["products"],
        "machine": {
            "cpus": os.cpu_count(),
            "cpu": _cpu_model(),
            "python": platform.python_version(),
            "django": django.get_version(),
            "wagtail": wagtail.__version__,
            "postgresql": server,
            "wrk": (wrk_version.stdout or wrk_version.stderr).split()[1],
            "load_average": os.getloadavg(),
        },
        "settings": {
            "workers": 2,
            "connections": args.connections,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
        },
        "database": info,
        "endpoints": endpoints,
        "checks": checked,
        "worker_rss_mb": memory,
        "worker_rss_mb_after": growth,
        "notes": prepared["notes"],
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"pages-{size}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return result


def run_peer(args: argparse.Namespace) -> dict[str, Any] | None:
    """The django-oscar peer, as its README says: setup.sh, then bench.sh (prints one JSON)."""
    if not (PEER / "bench.sh").exists():
        log(f"no peer at {PEER}; skipped")
        return None
    env = os.environ | {"N": "2000", "DURATION": str(args.duration), "WARMUP": str(args.warmup)}
    subprocess.run([str(PEER / "setup.sh")], cwd=PEER, env=env, check=True)
    log("peer: bench.sh")
    done = subprocess.run(
        [str(PEER / "bench.sh")], cwd=PEER, env=env, check=True, capture_output=True, text=True
    )
    peer = dict(json.loads(done.stdout))
    (OUT / "peer-oscar.json").write_text(json.dumps(peer, indent=2, ensure_ascii=False))
    return peer


# --- Markdown ---------------------------------------------------------------------------------

LABELS = {
    "home": "home `/`",
    "catalogue": "catalogue page 1",
    "catalogue_deep": "catalogue page 80",
    "category": "category + filters (×20)",
    "product": "product page (×200)",
    "search_che_tan_cuong": "search `che tan cuong`",
    "search_che": "search `chè`",
    "trace_digital_link": "trace, Digital Link (scan logged)",
    "trace_short_link": "trace, short link `/t/` (scan logged)",
    "qr_png": "QR image (PNG, admin)",
    "cart_add": "add to cart (POST)",
    "checkout_cod": "COD checkout (POST)",
    "vnpay_ipn": "VNPay IPN (signed)",
    "officer_dashboard": "officer dashboard",
    "insights_summary_api": "insights summary API",
}


def replace_section(name: str, lines: list[str]) -> None:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    section = "\n".join([start, *lines, end])
    text = RESULTS_MD.read_text() if RESULTS_MD.exists() else "# Benchmark results\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS_MD.write_text(text)


def size_section(result: dict[str, Any], context: str) -> list[str]:
    machine = result["machine"]
    checks = result["checks"]
    lines = [
        f"### Pages under load, {result['products']:,} products",
        "",
        f"{result['date']}; {machine['cpus']} CPUs ({machine['cpu']}), {machine['postgresql']}, "
        f"Python {machine['python']}, Django {machine['django']}, Wagtail {machine['wagtail']}, "
        f"wrk {machine['wrk']}. PostgreSQL durable (fsync, synchronous_commit and "
        "full_page_writes on, as the peer's). gunicorn 2 sync workers, DEBUG off, 127.0.0.1; "
        "wrk -t1 "
        f"-c{result['settings']['connections']}, {result['settings']['warmup_s']} s warm-up then "
        f"{result['settings']['duration_s']} s per endpoint. {context}",
        "",
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | SQL/request | bytes | alone ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, figures in result["endpoints"].items():
        lines.append(
            f"| {LABELS.get(name, name)} | {figures['rps']} | {figures['p50_ms']} | "
            f"{figures['p95_ms']} | {figures['p99_ms']} | {figures['errors']} | "
            f"{figures['queries']} | {figures['bytes']:,} | {figures['alone_ms']} |"
        )
    checkout = result["endpoints"].get("checkout_cod")
    lines += [
        "",
        f"Worker RSS after the run: {' and '.join(f'{mb} MB' for mb in result['worker_rss_mb'])}.",
    ]
    after = result.get("worker_rss_mb_after")
    if after:
        steps = ", ".join(
            f"{LABELS.get(name, name)} {'/'.join(str(mb) for mb in figures)}"
            for name, figures in after.items()
        )
        lines.append(f"Worker RSS (MB) after the warm-up and after each endpoint: {steps}.")
    if checkout:
        oversold = "none" if not checks["oversold_variants"] else checks["oversold_variants"]
        lines.append(
            f"COD checkout: {checks['orders_timed']} orders in the timed run "
            f"({checkout['orders_per_second']} orders/s); hot variants: "
            f"{checks['hot_units_sold']} of {checks['hot_units_available']} units sold over all "
            f"runs, oversold variants: {oversold}."
        )
    lines.append(
        f"VNPay IPN: {checks['ipn_paid']} payments marked paid (the rest of the rotation are "
        f"replays answered 'already confirmed'); trace checks logged: "
        f"{checks['scan_events']:,} written, {checks.get('scans_queued', 0):,} queued in bulk "
        "for the task worker (the bench runs none)."
    )
    lines += [f"Note: {note}" for note in result["notes"]]
    return lines


def growth_section(small: dict[str, Any], large: dict[str, Any]) -> list[str]:
    lines = [
        f"### Growth: {small['products']:,} → {large['products']:,} products",
        "",
        "Slowdown = p50 under load at the large size ÷ at the small one; 'alone' = the same "
        "for one request at a time (test client, no concurrency), which the other work on "
        "the shared cores moves less. Goal: at most 1.5×.",
        "",
        "| endpoint | req/s small | req/s large | p50 small | p50 large | slowdown "
        "| alone ms small/large | alone slowdown | SQL small/large |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, figures in small["endpoints"].items():
        other = large["endpoints"].get(name)
        if other is None:
            continue
        slowdown = other["p50_ms"] / figures["p50_ms"] if figures["p50_ms"] else 0
        alone = other["alone_ms"] / figures["alone_ms"] if figures["alone_ms"] else 0
        lines.append(
            f"| {LABELS.get(name, name)} | {figures['rps']} | {other['rps']} | "
            f"{figures['p50_ms']} | {other['p50_ms']} | {slowdown:.2f}× | "
            f"{figures['alone_ms']}/{other['alone_ms']} | {alone:.2f}× | "
            f"{figures['queries']}/{other['queries']} |"
        )
    return lines


def peer_section(ours: dict[str, Any], peer: dict[str, Any]) -> list[str]:
    lines = [
        "### Side by side with django-oscar 4.2 (../shared/peers/oscar), 2,000 products",
        "",
        f"Same session, same machine, same load settings; Oscar's run: {peer.get('date', '')} "
        "(its `bench.sh`). Ratio = ours ÷ Oscar's requests per second. 'Alone' = the median "
        "time of one request through the test client in one process, no concurrency (both "
        "measured the same way, after the load runs): less sensitive to the other work on "
        "the shared cores than req/s.",
        "",
        "| endpoint | ours req/s | Oscar req/s | ratio | ours p95 ms | Oscar p95 ms | "
        "ours SQL | Oscar SQL | ours alone ms | Oscar alone ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    theirs = peer_endpoints(peer)
    for name, peer_name in PEER_PAIRS.items():
        mine, other = ours["endpoints"].get(name), theirs.get(peer_name)
        if mine is None or other is None:
            continue
        ratio = mine["rps"] / other["rps"] if other["rps"] else 0
        lines.append(
            f"| {LABELS.get(name, name)} | {mine['rps']} | {other['rps']} | {ratio:.1f}× | "
            f"{mine['p95_ms']} | {other['p95_ms']} | {mine['queries']} | {other['queries']} | "
            f"{mine['alone_ms']} | {other['alone_ms']} |"
        )
    return lines


def peer_endpoints(peer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Oscar's figures per endpoint from bench.sh's JSON, in our units."""
    profile = peer.get("page_profile") or {}
    return {
        name: {
            "rps": figures["rps"],
            "p95_ms": figures["latency_ms"]["p95"],
            "queries": (profile.get(name) or {}).get("sql_queries", "?"),
            "alone_ms": (profile.get(name) or {}).get("testclient_ms_median", "?"),
        }
        for name, figures in (peer.get("endpoints") or {}).items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", default=os.environ.get("BENCH_PRODUCTS", "2000"))
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--endpoints", nargs="*", default=[])
    parser.add_argument("--peer", action="store_true", help="Also run the django-oscar peer.")
    parser.add_argument(
        "--reseed", action="store_true", help="Seed again instead of restoring a cached dump."
    )
    parser.add_argument(
        "--seed-only", action="store_true", help="Only seed and cache the database dumps."
    )
    parser.add_argument("--context", default=os.environ.get("BENCH_CONTEXT", ""))
    args = parser.parse_args()
    # Stopped by a signal (make runs it where SIGINT may be ignored): unwind, so that gunicorn
    # and the PostgreSQL cluster are stopped by the `finally` blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    sizes = [int(size) for size in args.products.split(",") if size.strip()]
    results = {}
    for size in sizes:
        log(f"size {size}")
        results[size] = run_size(size, args)
        if args.seed_only:
            continue
        replace_section(f"pages-{size}", size_section(results[size], args.context))
    if args.seed_only:
        return 0
    if len(sizes) >= 2:
        small, large = results[min(sizes)], results[max(sizes)]
        replace_section("pages-growth", growth_section(small, large))
    if args.peer:
        peer = run_peer(args)
        if peer is not None:
            replace_section("pages-peer", peer_section(results[min(sizes)], peer))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
