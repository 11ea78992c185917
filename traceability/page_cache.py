"""The trace page's cached fragment, its key, and what invalidates it.

Everything on a lot's trace page except the per-check parts (verdict, serial, canonical link,
language link) is rendered once per batch, language and day and kept in the cache. The key
holds a digest of every column of the rows the page's first query loads anyway (the batch,
its variant, product and enterprise: so a renamed product, a suspended enterprise, a changed
OCOP badge or a recalled listing changes the key with no signal needed, on every worker) and
the day (certificate validity and OCOP stars depend on it). What lives in other tables (steps,
areas, input lots, certificates) touches `Batch.updated_at` of the batches it appears on, by
the signals below, which changes the digest too.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from typing import Any, cast

from django.core.cache import caches
from django.db.models import Model, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils import timezone

from traceability.models import Batch, Certificate, ProductionArea, TraceEvent
from traceability.selectors import Trace

FRAGMENT_SECONDS = 6 * 3600
# The fragment template marks where the per-check parts go between its pieces.
CUT = "<!--trace:cut-->"


def _row(instance: Model) -> tuple[Any, ...]:
    return tuple(getattr(instance, field.attname) for field in instance._meta.concrete_fields)


def fragment_key(trace: Trace, *, language: str, today: datetime.date) -> str | None:
    """The cache key of the trace's fragment; None for a product-level trace (a fallback
    page, not cached)."""
    if trace.batch is None:
        return None
    rows = (_row(trace.batch), _row(trace.variant), _row(trace.product), _row(trace.enterprise))
    digest = hashlib.blake2b(repr(rows).encode(), digest_size=16).hexdigest()
    return f"trace-page:{trace.batch.pk}:{language}:{today.isoformat()}:{digest}"


def cached_fragment(key: str | None) -> list[str] | None:
    return caches["fragments"].get(key) if key else None


def store_fragment(key: str | None, parts: list[str]) -> None:
    if key:
        caches["fragments"].set(key, parts, FRAGMENT_SECONDS)


# --- Invalidation -----------------------------------------------------------------------------


def touch_batches(condition: Q) -> int:
    """Move `updated_at` of the batches matching `condition`: their pages' keys change."""
    return Batch.objects.filter(condition).update(updated_at=timezone.now())


def _pages_showing(model: Any, pks: Iterable[Any]) -> Q:
    """The batches whose page shows one of these rows (a batch, area, certificate or product)."""
    pks = list(pks)
    if model is Batch:
        return Q(pk__in=pks) | Q(input_batches__in=pks)
    if model is ProductionArea:
        return Q(areas__in=pks) | Q(input_batches__areas__in=pks)
    if model is Certificate:
        return (
            Q(certificates__in=pks)
            | Q(areas__certificates__in=pks)
            | Q(variant__product__certificates__in=pks)
        )
    return Q(variant__product_id__in=pks)  # products, through their certificates


def _event_changed(sender: Any, instance: TraceEvent, **kwargs: Any) -> None:
    touch_batches(Q(pk=instance.batch_id))


def _row_changed(sender: Any, instance: Model, **kwargs: Any) -> None:
    touch_batches(_pages_showing(sender, [instance.pk]))


def _links_changed(
    sender: Any, instance: Model, action: str, model: Any, pk_set: set[Any] | None, **kwargs: Any
) -> None:
    """Areas, input lots and certificates linked or unlinked, from either side: touched while
    the links still exist (after an add, before a clear; a removal names its rows)."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    condition = _pages_showing(type(instance), [instance.pk])
    if pk_set:
        condition |= _pages_showing(model, pk_set)
    touch_batches(condition)


def connect_signals() -> None:
    """Called by the app's ready(); the signals only invalidate cached fragments."""
    post_save.connect(_event_changed, sender=TraceEvent, dispatch_uid="trace-page-event")
    post_delete.connect(_event_changed, sender=TraceEvent, dispatch_uid="trace-page-event-del")
    for model in (ProductionArea, Certificate):
        post_save.connect(_row_changed, sender=model, dispatch_uid=f"trace-page-{model.__name__}")
        pre_delete.connect(
            _row_changed, sender=model, dispatch_uid=f"trace-page-{model.__name__}-del"
        )
    product_certificates = cast(
        "type[Model]",
        Certificate._meta.get_field("products").through,  # type: ignore[union-attr]
    )
    for through in (
        Batch.areas.through,
        Batch.input_batches.through,
        Batch.certificates.through,
        ProductionArea.certificates.through,
        product_certificates,
    ):
        m2m_changed.connect(
            _links_changed, sender=through, dispatch_uid=f"trace-page-{through.__name__}"
        )
