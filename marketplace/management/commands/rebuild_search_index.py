"""python manage.py rebuild_search_index: index every product again, with a progress bar.

Rebuilds the default database engine's index and, when ELASTICSEARCH_URL is set, a new
Elasticsearch index that replaces the old one by an alias switch (no downtime)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from marketplace.models import Product
from marketplace.search import elastic
from marketplace.search.indexing import rebuild_products_index


class Command(BaseCommand):
    help = "Rebuild the product search index (the default database engine)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with tqdm(total=Product.objects.count(), unit="product") as bar:
            count = rebuild_products_index(progress=bar.update)
        if elastic.is_enabled():
            total = Product.objects.on_storefront().count()
            with tqdm(total=total, unit="product", desc="Elasticsearch") as bar:
                elastic.rebuild_index(progress=bar.update)
        seconds = time.perf_counter() - started
        rate = count / seconds if seconds else 0
        self.stdout.write(f"Indexed {count} products in {seconds:.1f} s ({rate:.0f}/s).")
