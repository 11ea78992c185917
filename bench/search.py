"""Search benchmark on the default engine: PostgreSQL full text at a chosen catalogue size.

    .venv/bin/python bench/search.py --products 100000 [--database-url URL] [--keep DIR]

Without --database-url it starts a throwaway PostgreSQL cluster (as the test harness does;
as the `postgres` user when run as root). It migrates, seeds the demo catalogue to the chosen
size (once: a database that already holds the products is reused), times a full
`rebuild_search_index` (products per second), then runs each query of QUERIES ROUNDS times
in-process after a warm-up, timing what the search page does for it: the engine query, the
result count, the first page of 24 cards and the facet counts. It writes
bench/out/search-<size>.json and the "Search" section of bench/RESULTS.md.

Figures are in-process server time (no HTTP, no template rendering): they isolate the search
engine from the web stack, which the page benchmark measures separately.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Two-word queries as shoppers type them: without diacritics, with them, and mixed.
QUERIES = [
    "che tan",
    "chè tân",
    "mat ong",
    "mật ong",
    "tra xanh",
    "mien dong",
    "gao nep",
    "hong khong",
    "nep cai",
    "che dinh",
    "tra tui",
    "tuong ot",
    "ruou ngo",
    "banh chung",
    "che thai",
    "ca phe",
]
ROUNDS = 15
WARM_UP_ROUNDS = 2
PAGE_SIZE = 24
RESULTS_MD = ROOT / "bench" / "RESULTS.md"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", default="", help="Folder of a cluster to create or reuse.")
    parser.add_argument(
        "--reuse-index",
        action="store_true",
        help="Skip the timed index rebuild when every product already has an index entry.",
    )
    args = parser.parse_args()

    cluster = None
    url = args.database_url
    if not url:
        from tests.harness import pgcluster

        folder = Path(args.keep) if args.keep else None
        if folder is not None and (folder / "port").exists():
            port = (folder / "port").read_text().strip()
            url = f"postgres://postgres@127.0.0.1:{port}/postgres"
        else:
            cluster = pgcluster.start(folder)
            url = cluster.url
            if folder is not None:
                (folder / "port").write_text(str(cluster.port))
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(40),
        DEBUG="false",
        ELASTICSEARCH_URL="",
    )
    try:
        return run(args.products, url, reuse_index=args.reuse_index)
    finally:
        if cluster is not None and not args.keep:
            cluster.stop()


def run(size: int, url: str, *, reuse_index: bool = False) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from marketplace.models import Product
    from marketplace.search.indexing import rebuild_products_index
    from marketplace.search.products import search_catalogue
    from marketplace.selectors import CatalogueFilters

    call_command("migrate", verbosity=0, interactive=False)
    seeded_in = None
    if Product.objects.count() < size:
        started = time.perf_counter()
        call_command("seed_demo", products=size, allow_production=True, verbosity=0)
        seeded_in = time.perf_counter() - started
    products = Product.objects.count()

    from wagtail.search.models import IndexEntry

    rebuild: dict[str, float] | None = None
    if not (reuse_index and IndexEntry.objects.count() >= products):
        started = time.perf_counter()
        indexed = rebuild_products_index()
        rebuild_seconds = time.perf_counter() - started
        rebuild = {
            "products": indexed,
            "seconds": round(rebuild_seconds, 1),
            "products_per_second": round(indexed / rebuild_seconds, 1),
        }
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    def one_search(query: str) -> tuple[float, int]:
        started = time.perf_counter()
        results = search_catalogue(query, CatalogueFilters(sort="relevance"))  # with facets
        total = results.products.count()
        list(results.products[:PAGE_SIZE])
        return (time.perf_counter() - started) * 1000, total

    load_before = os.getloadavg()[0]
    timings: dict[str, list[float]] = {query: [] for query in QUERIES}
    hits: dict[str, int] = {}
    for round_number in range(WARM_UP_ROUNDS + ROUNDS):
        for query in QUERIES:
            elapsed, total = one_search(query)
            hits[query] = total
            if round_number >= WARM_UP_ROUNDS:
                timings[query].append(elapsed)
    every = [value for values in timings.values() for value in values]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]

    import django as django_module
    import wagtail

    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "cpu": _cpu_model(),
            "python": platform.python_version(),
            "django": django_module.get_version(),
            "wagtail": wagtail.__version__,
            "postgresql": server_version,
        },
        "products": products,
        "load_average": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        "seed_seconds": round(seeded_in, 1) if seeded_in is not None else None,
        "rebuild": rebuild,
        "search_ms": {
            "p50": round(statistics.median(every), 1),
            "p95": round(percentile(every, 0.95), 1),
            "p99": round(percentile(every, 0.99), 1),
            "max": round(max(every), 1),
        },
        "queries": {
            query: {
                "hits": hits[query],
                "p50": round(statistics.median(values), 1),
                "p95": round(percentile(values, 0.95), 1),
            }
            for query, values in timings.items()
        },
    }
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    previous_file = out / f"search-{products}.json"
    if rebuild is None and previous_file.exists():
        # The index was reused: keep the last measured rebuild and seed, with their date.
        previous = json.loads(previous_file.read_text())
        result["rebuild"] = previous.get("rebuild")
        result["seed_seconds"] = previous.get("seed_seconds")
        result["rebuild_measured"] = previous.get("rebuild_measured", previous["date"])
    elif rebuild is not None:
        result["rebuild_measured"] = result["date"]
    (out / f"search-{products}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    write_markdown(result)
    print(json.dumps(result["search_ms"]), json.dumps(result["rebuild"]))
    return 0


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def write_markdown(result: dict) -> None:
    machine = result["machine"]
    start, end = (
        f"<!-- search-{result['products']}:start -->",
        f"<!-- search-{result['products']}:end -->",
    )
    lines = [
        start,
        f"### Search on the default engine, {result['products']:,} products",
        "",
        f"{result['date']}; {machine['cpus']} CPUs ({machine['cpu']}), PostgreSQL "
        f"{machine['postgresql']}, Python {machine['python']}, Django {machine['django']}, "
        f"Wagtail {machine['wagtail']}. `bench/search.py`, in-process: engine query, count, "
        f"first page of {PAGE_SIZE}, facet counts; {len(QUERIES)} two-word queries × {ROUNDS} "
        "rounds after a warm-up. Load average (1 min) before and after the run: "
        f"{result['load_average']['before']} and {result['load_average']['after']} "
        "(other sessions share the 2 cores; the figures grow with it).",
        "",
        "| measure | value |",
        "|---|---|",
        f"| search p50 | {result['search_ms']['p50']} ms |",
        f"| search p95 | {result['search_ms']['p95']} ms |",
        f"| search p99 | {result['search_ms']['p99']} ms |",
    ]
    if result["rebuild"]:
        lines.append(
            f"| `rebuild_search_index` ({result['rebuild_measured']}) | "
            f"{result['rebuild']['products']:,} products in {result['rebuild']['seconds']} s = "
            f"{result['rebuild']['products_per_second']} products/s |"
        )
    if result["seed_seconds"] is not None:
        lines.append(f"| `seed_demo` to this size | {result['seed_seconds']} s |")
    lines += ["", "| query | results | p50 ms | p95 ms |", "|---|---|---|---|"]
    for query, figures in result["queries"].items():
        lines.append(f"| {query} | {figures['hits']} | {figures['p50']} | {figures['p95']} |")
    lines.append(end)
    section = "\n".join(lines)
    text = RESULTS_MD.read_text() if RESULTS_MD.exists() else "# Benchmark results\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS_MD.write_text(text)


if __name__ == "__main__":
    raise SystemExit(main())
