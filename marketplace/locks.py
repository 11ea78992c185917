"""Row locks of the marketplace, always taken in the same order so that checkouts never deadlock.

Every transaction that moves stock locks the products first, then the variants, each in primary
key order (`SELECT ... FOR UPDATE ... ORDER BY id`). SQLite ignores `FOR UPDATE`; the concurrency
tests run on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, F, IntegerField, QuerySet, Value, When

from marketplace.models import Product, Variant


def lock_variants_for_sale(variant_ids: Iterable[int]) -> dict[int, Variant]:
    """Lock the variants and their products (products first, both in pk order); return the
    variants by id with their product and enterprise loaded. Two queries. Call inside a
    transaction."""
    ids = sorted(set(variant_ids))
    # the products' rows are locked (their values are read with the variants below)
    list(
        Product.objects.select_for_update()
        .filter(pk__in=Variant.objects.filter(pk__in=ids).values("product_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    variants: QuerySet[Variant] = (
        Variant.objects.select_for_update(of=("self",))
        .select_related("product__enterprise")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    return {variant.pk: variant for variant in variants}


def move_stock(*, quantities: dict[int, int], product_of: dict[int, int], sign: int) -> None:
    """Take (`sign=-1`) or give back (`sign=+1`) units of locked variants, and keep their
    products' total stock and sold count in step: two UPDATEs whatever the number of lines."""
    if not quantities:
        return
    Variant.objects.filter(pk__in=quantities).update(
        stock=Case(
            *(When(pk=pk, then=F("stock") + Value(sign * qty)) for pk, qty in quantities.items()),
            default=F("stock"),
            output_field=IntegerField(),
        )
    )
    per_product: dict[int, int] = {}
    for variant_id, qty in quantities.items():
        product_id = product_of[variant_id]
        per_product[product_id] = per_product.get(product_id, 0) + qty
    Product.objects.filter(pk__in=per_product).update(
        total_stock=Case(
            *(
                When(pk=pk, then=F("total_stock") + Value(sign * qty))
                for pk, qty in per_product.items()
            ),
            default=F("total_stock"),
            output_field=IntegerField(),
        ),
        sold_count=Case(
            *(
                When(pk=pk, then=F("sold_count") - Value(sign * qty))
                for pk, qty in per_product.items()
            ),
            default=F("sold_count"),
            output_field=IntegerField(),
        ),
    )
