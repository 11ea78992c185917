"""Build a believable demo province. Running it twice changes nothing.

python manage.py seed_demo [--enterprises N] [--products N]

`--products` is the size of the demo catalogue: the curated products of the demo enterprises,
then generated variations of them up to N (default 120). A larger N later adds only the missing
products, so a benchmark can grow the same database: `--products 100000` takes minutes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from tqdm import tqdm

from accounts.demo import DEMO_PASSWORD, demo_password_hash, demo_user, seed_people
from accounts.divisions import home_ward_choices
from accounts.roles import Role
from cms.demo import seed_site
from marketplace.demo import seed_enterprises
from marketplace.demo_orders import seed_orders
from marketplace.demo_products import (
    DEFAULT_PRODUCTS,
    refresh_planner_statistics,
    seed_products,
)
from marketplace.models import Product, Variant
from marketplace.search.indexing import rebuild_products_index
from traceability.demo import seed_traceability

PROGRESS_FROM = 5_000  # catalogue size from which a progress bar is worth showing


class Command(BaseCommand):
    help = "Create demo accounts, enterprises, products and content (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprises", type=int, default=12, help="How many enterprises.")
        parser.add_argument(
            "--products",
            type=int,
            default=DEFAULT_PRODUCTS,
            help=(
                "How many demo products in all: the curated ones, then generated ones "
                f"(default {DEFAULT_PRODUCTS})."
            ),
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off (never on the public site).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not settings.TESTING and not options["allow_production"]:
            raise CommandError("seed_demo writes demo accounts; run it with DEBUG=true.")
        count = options["enterprises"]
        if count < 1:
            raise CommandError("--enterprises must be at least 1.")
        products = options["products"]
        if products < 0:
            raise CommandError("--products must not be negative.")
        ward_codes = [code for code, _name in home_ward_choices()]
        password_hash = demo_password_hash()
        with transaction.atomic():
            logins = seed_people(password_hash)
            enterprises = seed_enterprises(
                count=count, ward_codes=ward_codes, password_hash=password_hash
            )
            created = seed_products(
                count=products,
                enterprises=enterprises,
                officer=demo_user(Role.OFFICER),
                progress=products >= PROGRESS_FROM and options["verbosity"] > 0,
            )
            seed_site()
            traces = seed_traceability(variants=_traced_variants())
            demo_orders = seed_orders()
        if created:
            refresh_planner_statistics()
            # bulk-created rows bypass the save signals that keep the search index current
            show = products >= PROGRESS_FROM and options["verbosity"] > 0
            with tqdm(total=Product.objects.count(), unit="indexed", disable=not show) as bar:
                rebuild_products_index(progress=bar.update)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {len(enterprises)} enterprises, "
                f"{Product.objects.count()} products ({created} new)."
            )
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for login in logins:
            self.stdout.write(f"  {login.role:<18} {login.phone}  {login.email}  {login.name}")
        owner = "(HTX Chè Đồi Sương Tân Cương)"
        self.stdout.write(f"  {'enterprise owner':<18} 0913000000  chu1@ocop.example.vn  {owner}")
        self.stdout.write(
            "Storefront: http://127.0.0.1:8000/   Back office: http://127.0.0.1:8000/admin/"
        )
        self.stdout.write(
            f"Traceability: {traces.batches} new batches, {traces.serials} serials; labels to try:"
        )
        for url in traces.urls or []:
            self.stdout.write(f"  {url}")
        self.stdout.write(f"Orders: {demo_orders.orders} new demo orders over the last 12 months.")


def _traced_variants() -> list[Variant]:
    """The variants that get demo batches: six with a GTIN (Digital Link labels) and two
    without (short links), from published products of approved enterprises."""
    on_sale = (
        Variant.objects.filter(
            product__status=Product.Status.PUBLISHED, product__enterprise__status="approved"
        )
        .select_related("product__enterprise")
        .order_by("product_id", "id")
    )
    return [*on_sale.exclude(gtin="")[:6], *on_sale.filter(gtin="")[:2]]
