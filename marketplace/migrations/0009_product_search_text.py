"""Products' names in both spellings (`search_text`) and, on PostgreSQL, a GIN index on their
`simple` text-search vector, for the name-first ranking of marketplace/search/products.py.

Wagtail's ranking computes `ts_rank` over each match's whole index entry (about 1 KB: name,
packs, category, enterprise, commune and description): 200 ms for a two-word query matching
16,000 of 100,000 products. Matching and ranking the names alone, from this index, takes 20 ms.
"""

from django.db import migrations, models

from marketplace.search.text import both_spellings

INDEX = "product_search_text_gin"
BATCH = 2000


def fill(apps, schema_editor):
    Product = apps.get_model("marketplace", "Product")
    batch = []
    for product in Product.objects.only("pk", "name").iterator(chunk_size=BATCH):
        product.search_text = both_spellings(product.name)
        batch.append(product)
        if len(batch) == BATCH:
            Product.objects.bulk_update(batch, ["search_text"])
            batch = []
    Product.objects.bulk_update(batch, ["search_text"])


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON marketplace_product "
            "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0008_search_entry_text_index")]

    operations = [
        migrations.AddField(
            model_name="product",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
