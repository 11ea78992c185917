"""Selectors for other apps: the product API's batches, one query whatever the count."""

from __future__ import annotations

import pytest

from tests.traceability.factories import GTIN, BatchFactory, traced_batch
from traceability.links import batch_trace_url
from traceability.selectors import published_batches_by_variant

pytestmark = pytest.mark.django_db


def test_published_batches_by_variant_with_trace_urls(django_assert_num_queries):
    # given: two published lots and a draft of one variant, a lot of a variant without GTIN
    first = traced_batch()
    second = traced_batch(variant=first.variant)
    BatchFactory(variant=first.variant)  # draft: not listed
    plain = traced_batch(variant__gtin="")
    # when
    with django_assert_num_queries(1):
        batches = published_batches_by_variant([first.variant_id, plain.variant_id])
        urls = {b.lot: batch_trace_url(b, host="https://tra.vn") for b in batches[first.variant_id]}
    # then
    assert {b.lot for b in batches[first.variant_id]} == {first.lot, second.lot}
    assert urls[first.lot] == f"https://tra.vn/01/{GTIN}/10/{first.lot}"
    assert batch_trace_url(batches[plain.variant_id][0], host="https://tra.vn") == (
        f"https://tra.vn/t/{plain.short_code}"
    )
