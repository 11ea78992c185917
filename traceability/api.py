"""Traceability's read API, mounted by `config.api`: EPCIS 2.0 events of a published lot."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router

from traceability.epcis import epcis_document
from traceability.exceptions import InvalidDigitalLink
from traceability.gs1.dictionary import ai_rules
from traceability.gs1.digital_link import check_value
from traceability.models import TraceEvent
from traceability.selectors import gtin_forms, published_batches

router = Router(tags=["traceability"])


@router.get("/epcis/events", url_name="epcis_events", response={200: Any})
def epcis_events(request: HttpRequest, gtin: str = "", lot: str = "") -> JsonResponse:
    """The EPCIS 2.0 JSON-LD document of one published lot (`gtin` = GTIN-14, `lot` = AI 10),
    valid against GS1's EPCIS 2.0.1 JSON Schema."""
    errors: dict[str, list[str]] = {}
    for name, ai, value in (("gtin", "01", gtin), ("lot", "10", lot)):
        try:
            check_value(ai_rules()[ai], value)
        except InvalidDigitalLink as error:
            errors[name] = [error.message]
    if errors:
        raise ValidationError(errors)
    batch = (
        published_batches()
        .filter(variant__gtin__in=gtin_forms(gtin), lot=lot)
        .select_related("variant")
        .prefetch_related("input_batches__variant", "certificates")
        .first()
    )
    if batch is None:
        raise Http404(_("Nothing was found at this address."))
    events = TraceEvent.objects.filter(batch=batch).select_related("area").order_by("occurred_at")
    batch._prefetched_objects_cache["events"] = events  # type: ignore[attr-defined]
    return JsonResponse(epcis_document([batch]), content_type="application/ld+json")
