"""The Django side of the page benchmark (`bench/pages.py` runs it in its own process).

    python bench/pages_django.py prepare DIR   # request lists for wrk, carts, payments, plan.json
    python bench/pages_django.py measure DIR   # SQL queries and bytes per endpoint (test client)
    python bench/pages_django.py check DIR     # orders placed, oversell, IPN outcomes, scans

The environment (DATABASE_URL, SECRET_KEY, ...) is the one gunicorn gets. Each request list
holds one request per line, tab-separated: method, path, body, cookie header. `rotate.lua`
cycles through it; `measure` sends its first line once through Django's test client.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

# A fixed, benchmark-only CSRF secret: the cookie and the header carry the same value.
CSRF_TOKEN = "BenchCsrf0123456789abcdefghijKLM"  # noqa: S105
CHECKOUT_PREFIX = "bench-checkout-"
ROTATED_PRODUCTS = 200
CATEGORY_FILTERS = "stars=3&sort=price_asc&in_stock=on"
# Stock of the few "hot" variants that many checkout carts compete for (oversell check).
HOT_VARIANTS = 5
HOT_STOCK = 40
# Requests timed one at a time per endpoint for the "alone" figure (the median is kept).
ALONE_RUNS = 7
# Short links rotate over this many serials, so that none reaches the "many visitors" alert.
SERIALS = 3000


def _line(method: str, path: str, body: str = "", cookie: str = "", authorization: str = "") -> str:
    return "\t".join([method, path, body, cookie, authorization])


def _insights_dashboard() -> str:
    """The path of the officer dashboard when the insights app has one (issue 8), else ""."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns: list[Any], prefix: str) -> str:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                found = walk(pattern.url_patterns, prefix + str(pattern.pattern))
                if found:
                    return found
            elif isinstance(pattern, URLPattern):
                module = getattr(pattern.callback, "__module__", "")
                text = prefix + str(pattern.pattern)
                if (
                    module.startswith("insights")
                    and "dashboard" in (pattern.name or "")
                    and ("<" not in text and "(" not in text)
                ):
                    return "/" + text.lstrip("^").rstrip("$")
        return ""

    return walk(get_resolver().url_patterns, "")


def _write(folder: Path, name: str, lines: list[str]) -> str:
    target = folder / f"{name}.paths"
    target.write_text("\n".join(lines) + "\n")
    return target.name


def _session_cookies(carts: list[Any]) -> list[str]:
    """A guest session holding each cart, written in one INSERT; their cookie headers."""
    import datetime

    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    expires = timezone.now() + datetime.timedelta(days=1)
    store = SessionStore()
    rows = [
        Session(
            session_key=get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789"),
            session_data=store.encode({"cart_id": cart.pk}),
            expire_date=expires,
        )
        for cart in carts
    ]
    Session.objects.bulk_create(rows)
    name = settings.SESSION_COOKIE_NAME
    return [f"{name}={row.session_key}; csrftoken={CSRF_TOKEN}" for row in rows]


def prepare(folder: Path, *, checkouts: int, ipns: int) -> dict[str, Any]:
    """Write one request list per endpoint and plan.json; create what the writes need."""
    from urllib.parse import urlencode

    from django.db.models import F
    from django.test import Client
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    from accounts.models import User
    from marketplace.models import Cart, CartLine, Category, Product, Variant
    from marketplace.services.catalogue import refresh_product_summaries
    from marketplace.services.orders import clean_contact, place_order
    from payments.gateways import vnpay as sdk
    from payments.models import Payment
    from payments.services import start_payment
    from tests.marketplace.test_checkout import FORM as CHECKOUT_FORM
    from traceability.models import Batch, Serial
    from traceability.services import issue_serials

    folder.mkdir(parents=True, exist_ok=True)
    endpoints: dict[str, dict[str, Any]] = {}
    notes: list[str] = []

    def add(name: str, lines: list[str], **extra: Any) -> None:
        endpoints[name] = {"paths": _write(folder, name, lines), **extra}

    products = list(
        Product.objects.filter(status=Product.Status.PUBLISHED, enterprise__status="approved")
        .order_by("pk")
        .values_list("pk", "slug")
    )
    step = max(1, len(products) // ROTATED_PRODUCTS)
    chosen = products[::step][:ROTATED_PRODUCTS]
    catalogue = reverse("marketplace:catalogue")
    add("home", [_line("GET", "/")])
    add("catalogue", [_line("GET", catalogue)])
    add("catalogue_deep", [_line("GET", f"{catalogue}?page=80")])
    leaves = list(
        Category.objects.filter(products__isnull=False).distinct().values_list("slug", flat=True)
    )
    add(
        "category",
        [_line("GET", f"{catalogue}?category={slug}&{CATEGORY_FILTERS}") for slug in leaves[:20]],
    )
    add(
        "product",
        [_line("GET", reverse("marketplace:product", args=[slug])) for _pk, slug in chosen],
    )
    add("search_che_tan_cuong", [_line("GET", f"{catalogue}?{urlencode({'q': 'che tan cuong'})}")])
    add("search_che", [_line("GET", f"{catalogue}?{urlencode({'q': 'chè'})}")])

    # Trace pages: Digital Link per published lot; short links per serial, spread over enough
    # serials that no serial reaches the "many visitors" alert in one run.
    batches = list(
        Batch.objects.filter(status=Batch.Status.PUBLISHED)
        .exclude(variant__gtin="")
        .select_related("variant")
        .order_by("pk")
    )
    add(
        "trace_digital_link",
        [_line("GET", f"/01/{b.variant.gtin.zfill(14)}/10/{b.lot}") for b in batches],
    )
    published_serials = Serial.objects.filter(batch__status=Batch.Status.PUBLISHED).order_by("pk")
    serials = list(published_serials[:SERIALS])
    if len(serials) < SERIALS and batches:
        issue_serials(batch=batches[0], count=SERIALS - len(serials))
        serials = list(published_serials[:SERIALS])
    add("trace_short_link", [_line("GET", f"/t/{serial.value}") for serial in serials])

    officer, _created = User.objects.get_or_create(
        email="bench-officer@example.invalid",
        defaults={"is_staff": True, "is_superuser": True},
    )
    browser = Client()
    browser.force_login(officer)
    officer_cookie = f"sessionid={browser.cookies['sessionid'].value}; csrftoken={CSRF_TOKEN}"  # type: ignore[index]
    try:
        qr_paths = [
            reverse("traceability_batches:serial_qr", args=[serial.pk, "png"])
            for serial in serials[:50]
        ]
    except NoReverseMatch:
        qr_paths = []
        notes.append("QR image: its admin URL was not found; skipped.")
    if qr_paths:
        add("qr_png", [_line("GET", path, "", officer_cookie) for path in qr_paths])

    variants = list(
        Variant.objects.filter(product_id__in=[pk for pk, _slug in chosen], is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    add(
        "cart_add",
        [
            _line("POST", reverse("marketplace:cart_add"), f"variant={pk}&quantity=1")
            for pk in variants
        ],
        method="POST",
    )

    # COD checkouts: one guest cart (and session) per request, never reused; a few hot
    # variants with little stock so that concurrent checkouts compete for the last units.
    pool = variants[:50]
    hot = pool[:HOT_VARIANTS]
    Variant.objects.filter(pk__in=hot).update(stock=HOT_STOCK)
    Variant.objects.filter(pk__in=pool[HOT_VARIANTS:]).update(stock=F("stock") + 100_000)
    refresh_product_summaries(
        product_ids=set(Variant.objects.filter(pk__in=pool).values_list("product_id", flat=True))
    )
    checkout_url = reverse("marketplace:checkout")

    def checkout_lines(count: int, label: str) -> list[str]:
        carts = Cart.objects.bulk_create([Cart() for _ in range(count)])
        CartLine.objects.bulk_create(
            [
                CartLine(cart=cart, variant_id=pool[index % len(pool)], quantity=1)
                for index, cart in enumerate(carts)
            ]
        )
        cookies = _session_cookies(carts)
        return [
            _line(
                "POST",
                checkout_url,
                urlencode(
                    CHECKOUT_FORM | {"idempotency_key": f"{CHECKOUT_PREFIX}{label}-{cart.pk}"}
                ),
                cookie,
            )
            for cart, cookie in zip(carts, cookies, strict=True)
        ]

    add(
        "checkout_cod",
        checkout_lines(checkouts, "timed"),
        method="POST",
        warm_paths=_write(folder, "checkout_cod.warm", checkout_lines(checkouts // 3, "warm")),
        once=True,
    )
    _write(folder, "checkout_cod.measure", checkout_lines(1, "measure"))

    # VNPay IPN: pending payments of real orders, each notification signed with the merchant's
    # secret as VNPay signs it. The first call confirms; later rounds are replays (no-ops).
    contact = clean_contact(
        **{
            key: int(value) if key.endswith("_code") else value
            for key, value in CHECKOUT_FORM.items()
            if key not in {"payment_method", "idempotency_key"}
        }
    )
    ipn_lines = []
    client = sdk.VNPayClient(
        tmn_code=os.environ["PAYMENTS_VNPAY_TMN_CODE"],
        hash_secret=os.environ["PAYMENTS_VNPAY_HASH_SECRET"],
        payment_url=os.environ["PAYMENTS_VNPAY_PAYMENT_URL"],
        api_url=os.environ["PAYMENTS_VNPAY_API_URL"],
    )
    ipn_url = reverse("payments:vnpay_ipn")
    for index in range(ipns):
        cart = Cart.objects.create()
        CartLine.objects.create(cart=cart, variant_id=pool[HOT_VARIANTS + index % 40], quantity=1)
        order = place_order(
            cart=cart, contact=contact, payment_method="vnpay", idempotency_key=f"bench-ipn-{index}"
        )
        payment = start_payment(order=order, provider_code="vnpay", ip_address="127.0.0.1")
        params = {
            "vnp_Amount": str(payment.amount_vnd * 100),
            "vnp_BankCode": "NCB",
            "vnp_BankTranNo": f"VNP{14000000 + index}",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": "Thanh toan don hang",
            "vnp_PayDate": sdk.format_date(payment.created_at),
            "vnp_ResponseCode": "00",
            "vnp_TmnCode": client.tmn_code,
            "vnp_TransactionNo": str(14000000 + index),
            "vnp_TransactionStatus": "00",
            "vnp_TxnRef": payment.reference,
        }
        params["vnp_SecureHashType"] = "HMACSHA512"
        params["vnp_SecureHash"] = client.signature_for(params)
        ipn_lines.append(_line("GET", f"{ipn_url}?{urlencode(params)}"))
    add("vnpay_ipn", ipn_lines[1:])
    # Taken after the IPN orders above reserved their units: from here on only the checkout
    # runs move the pool's stock.
    initial_stock = dict(Variant.objects.filter(pk__in=pool).values_list("pk", "stock"))
    _write(folder, "vnpay_ipn.measure", ipn_lines[:1])

    dashboard = _insights_dashboard()
    if dashboard:
        add("officer_dashboard", [_line("GET", dashboard, "", officer_cookie)])
    else:
        notes.append("officer dashboard: no insights dashboard URL yet (issue 8); skipped.")
    summary = "/api/v1/insights/summary/"
    try:
        resolve(summary)
        from insights.services import issue_api_token  # type: ignore[attr-defined]

        token = issue_api_token(name="bench")[1]
    except (Resolver404, ImportError):
        notes.append("insights summary API: not there yet (issue 8); skipped.")
    else:
        add("insights_summary_api", [_line("GET", summary, "", "", f"Bearer {token}")])

    make_renditions(folder, endpoints)
    notes.append(
        "Renditions made beforehand: the storefront lists' pages were requested once in "
        "the preparing process (trace pages by HEAD, which is not counted as a check), so the "
        "images' renditions exist before the workers start, as on a site that has been serving "
        "a while (each is made once, then read)."
    )
    plan = {
        "products": Product.objects.count(),
        "published_products": len(products),
        "endpoints": endpoints,
        "checkout": {"pool": pool, "hot": hot, "initial_stock": initial_stock},
        "ipn_payments": ipns,
        "pending_before": Payment.objects.filter(status=Payment.Status.PENDING).count(),
        "notes": notes,
    }
    (folder / "plan.json").write_text(json.dumps(plan, indent=2, ensure_ascii=False))
    return plan


# Pages that show images (their renditions are made on a first view), and how to ask for them
# without changing anything: a HEAD of a trace page is a link check, not a counted scan.
PICTURED = {
    "home": "GET",
    "catalogue": "GET",
    "catalogue_deep": "GET",
    "category": "GET",
    "product": "GET",
    "search_che_tan_cuong": "GET",
    "search_che": "GET",
    "trace_digital_link": "HEAD",
    "trace_short_link": "HEAD",
}


RENDITION_LINES = 300  # every line of the page lists, the first 300 of the trace lists


def make_renditions(folder: Path, endpoints: dict[str, dict[str, Any]]) -> None:
    """Request the pages of each pictured list once, here, so that their images' renditions
    exist before gunicorn starts. A restored dump has none, and the worker that
    made them during the run kept the decoded images' memory (about 11 MB of RSS, most of it
    for the home page's pictures, which Wagtail makes in three threads): a one-off of a fresh
    database, not what a serving worker costs."""
    from django.test import Client

    client = Client()
    for name, method in PICTURED.items():
        if name not in endpoints:
            continue
        lines = (folder / endpoints[name]["paths"]).read_text().splitlines()
        for line in lines[:RENDITION_LINES]:
            path = line.split("\t")[1]
            client.generic(method, path, HTTP_USER_AGENT=f"bench-renditions-{uuid.uuid4().hex}")


def _request(client: Any, line: str) -> Any:
    method, path, body, cookie, authorization = (line.rstrip("\n").split("\t") + [""] * 4)[:5]
    headers: dict[str, str] = {"HTTP_USER_AGENT": f"bench-measure-{uuid.uuid4().hex}"}
    if authorization:
        headers["HTTP_AUTHORIZATION"] = authorization
    client.cookies.load(cookie or f"csrftoken={CSRF_TOKEN}")
    if method == "POST":
        headers["HTTP_X_CSRFTOKEN"] = CSRF_TOKEN
        return client.generic(
            "POST", path, body, content_type="application/x-www-form-urlencoded", **headers
        )
    return client.get(path, **headers)


def measure(folder: Path) -> dict[str, Any]:
    """One warm request per endpoint through the test client: status, SQL queries, bytes.

    Each endpoint is requested twice and the second is measured (what wrk mostly sees)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    plan = json.loads((folder / "plan.json").read_text())
    figures: dict[str, Any] = {}
    for name, endpoint in plan["endpoints"].items():
        measure_file = folder / f"{name}.measure.paths"
        source = measure_file if measure_file.exists() else folder / endpoint["paths"]
        lines = [line for line in source.read_text().splitlines() if line.strip()]
        client = Client(enforce_csrf_checks=True)
        repeatable = not endpoint.get("once") and name != "vnpay_ipn"
        if repeatable:
            _request(client, lines[0])
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = _request(client, lines[0])
            elapsed = [(time.perf_counter() - started) * 1000]
        # Counted now: the capture's list is read from the query log, which the next
        # request empties.
        count = len(queries.captured_queries)
        content = b"" if response.streaming else response.content
        for index in range(1, ALONE_RUNS if repeatable else 1):
            started = time.perf_counter()
            _request(client, lines[index % len(lines)])
            elapsed.append((time.perf_counter() - started) * 1000)
        figures[name] = {
            "status": response.status_code,
            "queries": count,
            "bytes": len(content),
            "alone_ms": round(statistics.median(elapsed), 1),
        }
    return figures


def check(folder: Path) -> dict[str, Any]:
    """What the writes did: orders placed by the checkout runs, oversell, IPN outcomes, and the
    trace pages' checks, written or still queued for a task worker (the run has none)."""
    from django.db.models import Sum
    from django_tasks_db.models import DBTaskResult

    from marketplace.models import Order, OrderLine, Variant
    from payments.models import Payment
    from traceability.models import ScanEvent

    plan = json.loads((folder / "plan.json").read_text())
    pool = plan["checkout"]["pool"]
    initial = {int(pk): stock for pk, stock in plan["checkout"]["initial_stock"].items()}
    orders = Order.objects.filter(idempotency_key__startswith=CHECKOUT_PREFIX)
    ordered = dict(
        OrderLine.objects.filter(
            sub_order__order__idempotency_key__startswith=CHECKOUT_PREFIX, variant_id__in=pool
        )
        .values_list("variant_id")
        .annotate(total=Sum("quantity"))
        .values_list("variant_id", "total")
    )
    stock = dict(Variant.objects.filter(pk__in=pool).values_list("pk", "stock"))
    oversold = {
        pk: {"initial": initial[pk], "ordered": ordered.get(pk, 0), "now": stock[pk]}
        for pk in pool
        if ordered.get(pk, 0) > initial[pk] or stock[pk] != initial[pk] - ordered.get(pk, 0)
    }
    hot_sold = sum(ordered.get(pk, 0) for pk in plan["checkout"]["hot"])
    return {
        "orders_timed": orders.filter(idempotency_key__contains="-timed-").count(),
        "orders_warm_up": orders.filter(idempotency_key__contains="-warm-").count(),
        "hot_units_sold": hot_sold,
        "hot_units_available": HOT_STOCK * len(plan["checkout"]["hot"]),
        "oversold_variants": oversold,
        "ipn_paid": Payment.objects.filter(
            provider="vnpay", status=Payment.Status.PAID, reference__isnull=False
        ).count(),
        "scan_events": ScanEvent.objects.count(),
        "scans_queued": sum(
            len(kwargs["kwargs"].get("scans", []))
            for kwargs in DBTaskResult.objects.filter(
                task_path="traceability.scanlog.record_scan_batch", finished_at__isnull=True
            ).values_list("args_kwargs", flat=True)
        ),
    }


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in {"prepare", "measure", "check"}:
        print(__doc__)
        return 2
    django.setup()
    folder = Path(argv[2])
    if argv[1] == "prepare":
        result = prepare(
            folder,
            checkouts=int(os.environ.get("BENCH_CHECKOUTS", "1500")),
            ipns=int(os.environ.get("BENCH_IPNS", "100")),
        )
        print(json.dumps({"products": result["products"], "notes": result["notes"]}))
    elif argv[1] == "measure":
        print(json.dumps(measure(folder)))
    else:
        print(json.dumps(check(folder)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
