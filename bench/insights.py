"""Insights benchmark: the officers' dashboard and the summary API at a million orders.

    .venv/bin/python bench/insights.py --orders 1000000 --enterprises 10000 [--database-url URL]
        [--keep DIR] [--days 365]

Without --database-url it starts a throwaway PostgreSQL cluster (as the test harness does). It
migrates, then seeds (once: a database that already holds the orders is reused) the enterprises,
their products and variants with bulk_create, and the orders, their parts and lines, and label
scans with set-based INSERT … SELECT over generate_series (the fastest way to write millions of
rows; every row goes through the same columns and constraints as the app's). Orders are spread
over the last `--days` days with a mix of statuses and payment methods.

It then times, in-process (server time: the Django test client, no network):
- the rollup rebuild of every day (`rebuild_day`), reporting the median and the slowest day;
- the 12-month officers' dashboard (`/admin/insights/`, HTML rendered) and the summary API
  (`/api/v1/insights/summary/`, 12 months with the comparisons, and without), each cold (the
  first view after a rollup rebuild, five times) and warm (the views after it), once the
  process has answered its very first request (timed apart: it also compiles templates).
It writes bench/out/insights-<orders>.json and the "Insights" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
ROUNDS = 7
COLD_ROUNDS = 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", default="", help="Folder of a cluster to create or reuse.")
    args = parser.parse_args()

    cluster = None
    url = args.database_url
    if not url:
        from tests.harness import pgcluster

        folder = Path(args.keep) if args.keep else None
        if folder is not None and (folder / "port").exists():
            url = f"postgres://postgres@127.0.0.1:{(folder / 'port').read_text().strip()}/postgres"
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
        ALLOWED_HOSTS="testserver,localhost",
        SECURE_SSL_REDIRECT="false",
        ELASTICSEARCH_URL="",
    )
    try:
        return run(args)
    finally:
        if cluster is not None and not args.keep:
            cluster.stop()


def seed(orders: int, enterprises: int, days: int) -> float:
    """Enterprises, two products each and one variant each (bulk_create), then `orders`
    checkouts of one part and one or two lines, and one scan per four orders (SQL)."""
    from django.db import connection
    from django.utils import timezone

    from accounts.divisions import home_ward_choices
    from marketplace.models import Category, Enterprise, Product, Variant

    started = time.perf_counter()
    wards = [code for code, _name in home_ward_choices()]
    category = Category.objects.get(slug="che-thai-nguyen")
    now = timezone.now()
    kinds = list(Enterprise.Kind.values)
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                kind=kinds[n % 3],
                name=f"Doanh nghiệp thử {n}",
                name_folded=f"doanh nghiep thu {n}",
                slug=f"bench-dn-{n}",
                tax_code=f"B{n:09d}",
                representative="Nguyễn Văn A",
                phone="+84912345678",
                ward_code=wards[n % len(wards)],
                status=Enterprise.Status.APPROVED,
                approved_at=now - datetime.timedelta(days=days + 30),
            )
            for n in range(enterprises)
        ],
        batch_size=5_000,
    )
    sellers = list(
        Enterprise.objects.filter(slug__startswith="bench-dn-").values_list("pk", flat=True)
    )
    Product.objects.bulk_create(
        [
            Product(
                enterprise_id=seller,
                category=category,
                name=f"Chè thử {seller}-{k}",
                slug=f"bench-sp-{seller}-{k}",
                origin_ward_code=wards[seller % len(wards)],
                status=Product.Status.PUBLISHED,
                published_at=now - datetime.timedelta(days=days),
                min_price_vnd=50_000 + 10_000 * k,
                ocop_badge_stars=(3 + seller % 3) if seller % 4 == 0 and k == 0 else None,
            )
            for seller in sellers
            for k in range(2)
        ],
        batch_size=5_000,
    )
    Variant.objects.bulk_create(
        [
            Variant(
                product_id=product_id,
                enterprise_id=seller,
                name="Hộp 200g",
                sku=f"B-{product_id}",
                price_vnd=price,
                stock=100,
                sort_order=0,
            )
            for product_id, seller, price in Product.objects.filter(
                slug__startswith="bench-sp-"
            ).values_list("pk", "enterprise_id", "min_price_vnd")
        ],
        batch_size=5_000,
    )
    low, high = min(sellers), max(sellers)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO marketplace_order (code, name, phone, email, province_code, ward_code,
                street, note, payment_method, payment_status, items_vnd, shipping_vnd, total_vnd,
                created_at, updated_at)
            SELECT 'B' || g, 'Khách thử', '+84987654321', '', 19, 5503, '1 Tân Cương', '',
                (ARRAY['cod','cod','cod','vnpay','momo','zalopay'])[1 + g %% 6],
                CASE WHEN g %% 6 >= 3 THEN (CASE WHEN g %% 97 = 0 THEN 'refunded' ELSE 'paid' END)
                     ELSE 'pending' END,
                0, 0, 0, t, t
            FROM (SELECT g, now() - (random() * %s) * interval '1 day' AS t
                  FROM generate_series(1, %s) AS g) AS s
            """,
            [days, orders],
        )
        cursor.execute(
            """
            INSERT INTO marketplace_suborder (order_id, enterprise_id, status, status_reason,
                items_vnd, shipping_vnd, created_at, updated_at)
            SELECT o.id, %s + (o.id * 7919) %% (%s - %s + 1),
                (ARRAY['delivered','delivered','delivered','completed','completed','shipped',
                       'confirmed','placed','cancelled','delivery_failed','returned'])
                    [1 + o.id %% 11],
                '', 0, 0, o.created_at, o.created_at
            FROM marketplace_order o WHERE o.code LIKE 'B%%'
            """,
            [low, high, low],
        )
        cursor.execute(
            """
            INSERT INTO marketplace_orderline (sub_order_id, variant_id, product_name,
                variant_name, sku, gtin, unit_price_vnd, quantity, line_total_vnd)
            SELECT s.id, v.id, p.name, v.name, v.sku, '', v.price_vnd, 1 + s.id %% 3,
                v.price_vnd * (1 + s.id %% 3)
            FROM marketplace_suborder s
            JOIN marketplace_variant v ON v.enterprise_id = s.enterprise_id
            JOIN marketplace_product p ON p.id = v.product_id
            WHERE (v.id + s.id) %% 3 <> 0
            """,
            [],
        )
        cursor.execute(
            """
            UPDATE marketplace_suborder s SET items_vnd = l.total
            FROM (SELECT sub_order_id, sum(line_total_vnd) AS total FROM marketplace_orderline
                  GROUP BY sub_order_id) AS l
            WHERE l.sub_order_id = s.id
            """
        )
        cursor.execute(
            """
            UPDATE marketplace_order o SET items_vnd = s.items_vnd, total_vnd = s.items_vnd
            FROM marketplace_suborder s WHERE s.order_id = o.id
            """
        )
        cursor.execute(
            """
            INSERT INTO traceability_scanevent (code, outcome, visitor_key, scanned_at)
            SELECT 'bench', CASE WHEN g %% 50 = 0 THEN 'unknown_serial' ELSE 'lot' END, 'v',
                now() - (random() * %s) * interval '1 day'
            FROM generate_series(1, %s) AS g
            """,
            [days, orders // 4],
        )
        cursor.execute("ANALYZE")
    return round(time.perf_counter() - started, 1)


def timed(function: Any, rounds: int = ROUNDS) -> dict[str, float]:
    samples = []
    for _n in range(rounds):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "first_ms": round(samples[0], 1),
        "median_ms": round(statistics.median(samples[1:] or samples), 1),
        "max_ms": round(max(samples[1:] or samples), 1),
    }


def run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.conf import settings

    # the admin's CSS by name, without a collectstatic run (served files are not measured)
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.files.storage import storages
    from django.utils.functional import empty

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    storages._backends = None
    storages.__dict__.pop("backends", None)
    storages._storages = {}
    staticfiles_storage._wrapped = empty
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from tqdm import tqdm

    from accounts.models import User
    from accounts.roles import Role, assign_role
    from insights.models import ProvinceDay
    from insights.periods import default_period
    from insights.rollups import rebuild_day
    from insights.services import issue_api_token
    from marketplace.models import Order

    call_command("migrate", verbosity=0, interactive=False)
    seeded_in = None
    if not Order.objects.filter(code__startswith="B").exists():
        print(f"Seeding {args.orders:,} orders over {args.enterprises:,} enterprises…")
        seeded_in = seed(args.orders, args.enterprises, args.days)
        print(f"Seeded in {seeded_in} s.")
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in range(args.days, -1, -1)]
    rebuild_ms = []
    if ProvinceDay.objects.count() < len(days) - 1:
        for day in tqdm(days, unit="day", desc="rebuild_day"):
            started = time.perf_counter()
            rebuild_day(day)
            rebuild_ms.append((time.perf_counter() - started) * 1000)
    with connection.cursor() as cursor:
        # autovacuum keeps old days' visibility maps current; a fresh bulk load needs this once
        for table in (
            "enterpriseday",
            "productday",
            "communeday",
            "groupday",
            "methodday",
            "enterprisesolddays",
            "productsolddays",
        ):
            cursor.execute(f"VACUUM ANALYZE insights_{table}")
    load_before = os.getloadavg()
    rebuilt = today - datetime.timedelta(days=3)
    one_day = timed(lambda: rebuild_day(rebuilt), rounds=5)

    officer, _created = User.objects.get_or_create(
        phone="+84912999000", defaults={"email": "bench-officer@example.vn"}
    )
    assign_role(officer, Role.OFFICER)
    client = Client()
    client.force_login(officer)
    period = default_period()
    query = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    token = issue_api_token(name="bench")[1]
    headers = {"Authorization": f"Bearer {token}"}

    def dashboard() -> None:
        response = client.get("/admin/insights/", query)
        assert response.status_code == 200, response.status_code

    def summary(compare: str) -> None:
        response = client.get(
            "/api/v1/insights/summary/", {**query, "compare": compare}, headers=headers
        )
        assert response.status_code == 200, response.content[:200]

    def count_queries(function: Any) -> int:
        with CaptureQueriesContext(connection) as queries:
            function()
        return len(queries)

    def measured(function: Any) -> dict[str, Any]:
        """Cold: the first view after a rollup rebuild (the rollups' version moves, so the
        stored days' part is read again), COLD_ROUNDS times; warm: the views after it."""
        cold = []
        for _n in range(COLD_ROUNDS):
            rebuild_day(rebuilt)
            started = time.perf_counter()
            function()
            cold.append((time.perf_counter() - started) * 1000)
        rebuild_day(rebuilt)
        cold_queries = count_queries(function)
        warm = timed(function)
        return {
            "cold_median_ms": round(statistics.median(cold), 1),
            "cold_max_ms": round(max(cold), 1),
            "cold_queries": cold_queries,
            "median_ms": warm["median_ms"],
            "max_ms": warm["max_ms"],
            "queries": count_queries(function),
        }

    # the process's very first request also compiles templates and fills Django's caches
    process_first = timed(dashboard, rounds=1)["first_ms"]

    result = {
        "orders": Order.objects.count(),
        "enterprises": args.enterprises,
        "days": args.days,
        "period": query,
        "seed_seconds": seeded_in,
        "rebuild_all_days": (
            {
                "days": len(rebuild_ms),
                "median_ms": round(statistics.median(rebuild_ms), 1),
                "max_ms": round(max(rebuild_ms), 1),
                "total_s": round(sum(rebuild_ms) / 1000, 1),
            }
            if rebuild_ms
            else None
        ),
        "rebuild_one_day": {
            **one_day,
            "queries": count_queries(lambda: rebuild_day(rebuilt)),
        },
        "dashboard": {"process_first_ms": process_first, **measured(dashboard)},
        "summary_compare": measured(lambda: summary("true")),
        "summary_plain": measured(lambda: summary("false")),
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "at": timezone.now().isoformat(timespec="seconds"),
        "load_average": [round(load, 2) for load in (*load_before, *os.getloadavg())],
    }
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    earlier = out / f"insights-{args.orders}.json"
    if earlier.exists() and result["rebuild_all_days"] is None:
        # a rerun on a kept database: the first build and the seeding were timed before
        before = json.loads(earlier.read_text())
        result["rebuild_all_days"] = before.get("rebuild_all_days")
        result["seed_seconds"] = result["seed_seconds"] or before.get("seed_seconds")
    (out / f"insights-{args.orders}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    write_results(result)
    return 0


def write_results(result: dict[str, Any]) -> None:
    start, end = "<!-- insights:start -->", "<!-- insights:end -->"
    rebuild_all = result["rebuild_all_days"]
    lines = [
        start,
        f"## Insights: dashboard, summary API and rollups at {result['orders']:,} orders",
        "",
        f"{result['orders']:,} orders over {result['enterprises']:,} enterprises and "
        f"{result['days']} days, PostgreSQL, {result['machine']}, {result['at']}, load average "
        f"{'/'.join(map(str, result['load_average'][:3]))} before the timings and "
        f"{'/'.join(map(str, result['load_average'][3:]))} after (1/5/15 min). "
        "In-process server time (Django test client, HTML rendered, no network); "
        "`.venv/bin/python bench/insights.py` (see its docstring).",
        "",
        "| what | cold ms, median (slowest) of 5 | warm median ms | warm slowest ms "
        "| SQL queries cold / warm | goal |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for key, label, goal in (
        ("dashboard", "officers' dashboard, 12 months", "< 300 ms"),
        ("summary_compare", "summary API, 12 months, with comparisons", ""),
        ("summary_plain", "summary API, 12 months, `compare=false`", ""),
    ):
        row = result[key]
        lines.append(
            f"| {label} | {row['cold_median_ms']} ({row['cold_max_ms']}) | {row['median_ms']} | "
            f"{row['max_ms']} | {row['cold_queries']} / {row['queries']} | {goal} |"
        )
    one_day = result["rebuild_one_day"]
    lines.append(
        f"| rollup rebuild of one day | {one_day['first_ms']} (first) | {one_day['median_ms']} | "
        f"{one_day['max_ms']} | {one_day['queries']} | < 1 s |"
    )
    lines.append(
        f"| the process's very first dashboard request | {result['dashboard']['process_first_ms']}"
        " | | | | |"
    )
    if rebuild_all:
        lines.append(
            f"| rebuild of all {rebuild_all['days']} days (first build) | | "
            f"{rebuild_all['median_ms']} | {rebuild_all['max_ms']} | | total "
            f"{rebuild_all['total_s']} s |"
        )
    if result["seed_seconds"] is not None:
        lines.append(f"| seeding | {result['seed_seconds']} s | | | | |")
    lines.append(end)
    section = "\n".join(lines)
    text = RESULTS_MD.read_text() if RESULTS_MD.exists() else "# Benchmark results\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS_MD.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
