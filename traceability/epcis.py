"""EPCIS 2.0 JSON-LD export of a lot's events, with CBV 2.0 vocabulary.

Mapping (shared/specs/traceability.md §3.6): harvest is an ObjectEvent ADD with bizStep
`commissioning`; a lot made from input lots is a TransformationEvent; our own processing steps
(withering, rolling, drying) use bizSteps under our own `…/voc/bizstep/` URI; inspection is
`inspecting`, packing `packing`, shipping `shipping` (in_transit). Identifiers are GS1 Digital
Link URIs on id.gs1.org; a variant without a GTIN is named by our short link. Extensions are
under the `tn:` prefix declared in `@context`.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

from traceability.gs1 import CANONICAL_STEM, build_uri
from traceability.links import short_url, site_url
from traceability.models import Batch, TraceEvent

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
EVENT_NAMESPACE = uuid.UUID("6f0d5c59-3b39-4d5e-9a53-5f1e7a7b2f10")

STEP_BIZSTEP = {
    TraceEvent.Step.HARVEST: "commissioning",
    TraceEvent.Step.INSPECTION: "inspecting",
    TraceEvent.Step.PACKING: "packing",
    TraceEvent.Step.SHIPPING: "shipping",
}
STEP_DISPOSITION = {
    TraceEvent.Step.HARVEST: "active",
    TraceEvent.Step.INSPECTION: "conformant",
    TraceEvent.Step.PACKING: "in_progress",
    TraceEvent.Step.SHIPPING: "in_transit",
}


def _vocabulary() -> str:
    return f"{site_url()}/voc/"


def lot_class(batch: Batch) -> str:
    gtin = batch.variant.gtin
    if gtin:
        return build_uri(("01", gtin.zfill(14)), (("10", batch.lot),), stem=CANONICAL_STEM)
    return short_url(code=batch.short_code)


def _location(event: TraceEvent) -> dict[str, str] | None:
    if event.area_id:
        return {"id": f"{site_url()}/loc/area-{event.area_id}"}
    return None


def _party_id(name: str) -> uuid.UUID:
    return uuid.uuid5(EVENT_NAMESPACE, name)


def _time(value: Any) -> str:
    return str(timezone.localtime(value).isoformat(timespec="seconds"))


def _base(event_id: str, when: Any) -> dict[str, Any]:
    return {
        "eventID": f"urn:uuid:{uuid.uuid5(EVENT_NAMESPACE, event_id)}",
        "eventTime": _time(when),
        "eventTimeZoneOffset": "+07:00",
    }


def _certificates(event: TraceEvent) -> list[str]:
    if event.certificate_id:
        return [f"{site_url()}/certificates/{event.certificate_id}"]
    return []


def event_document(event: TraceEvent, batch: Batch) -> dict[str, Any]:
    """One trace event as an EPCIS ObjectEvent."""
    harvest = event.step == TraceEvent.Step.HARVEST
    bizstep = STEP_BIZSTEP.get(event.step) or f"{_vocabulary()}bizstep/{event.step}"  # type: ignore[call-overload]
    data: dict[str, Any] = {
        "type": "ObjectEvent",
        **_base(f"event-{event.pk}", event.occurred_at),
        "action": "ADD" if harvest else "OBSERVE",
        "bizStep": bizstep,
        "quantityList": [
            {"epcClass": lot_class(batch), "quantity": float(event.quantity_kg), "uom": "KGM"}
        ]
        if event.quantity_kg
        else [{"epcClass": lot_class(batch)}],
    }
    disposition = STEP_DISPOSITION.get(event.step)  # type: ignore[call-overload]
    if disposition:
        data["disposition"] = disposition
    location = _location(event)
    if location:
        data["bizLocation"] = location
        data["readPoint"] = location
    if harvest:
        data["ilmd"] = {
            "tn:harvestDate": timezone.localtime(event.occurred_at).date().isoformat(),
            **({"tn:harvestArea": event.area.code} if event.area else {}),
            **({"tn:pickers": event.performed_by} if event.performed_by else {}),
        }
    if event.destination:
        data["destinationList"] = [
            {
                "type": "owning_party",
                "destination": f"{_vocabulary()}party/{_party_id(event.destination)}",
            }
        ]
        data["tn:destinationName"] = event.destination
    certificates = _certificates(event)
    if certificates:
        data["certificationInfo"] = certificates
    if event.description:
        data["tn:description"] = event.description
    if event.performed_by and not harvest:
        data["tn:performedBy"] = event.performed_by
    if event.corrects_id:
        data["errorDeclaration"] = {
            "declarationTime": _time(event.created_at),
            "reason": event.correction_reason,
            "correctiveEventIDs": [
                f"urn:uuid:{uuid.uuid5(EVENT_NAMESPACE, f'event-{event.corrects_id}')}"
            ],
        }
    return data


def transformation_document(batch: Batch) -> dict[str, Any] | None:
    """The lot made from its input lots (a blend keeps every origin)."""
    inputs = list(batch.input_batches.all())
    if not inputs:
        return None
    when = timezone.make_aware(datetime.datetime.combine(batch.production_date, datetime.time()))
    data: dict[str, Any] = {
        "type": "TransformationEvent",
        **_base(f"transformation-{batch.pk}", when),
        "inputQuantityList": [{"epcClass": lot_class(source)} for source in inputs],
        "outputQuantityList": [
            {"epcClass": lot_class(batch), "quantity": batch.quantity, "uom": "H87"}
        ],
        "bizStep": "commissioning",
        "ilmd": {
            "cbvmda:lotNumber": batch.lot,
            "tn:productionDate": batch.production_date.isoformat(),
            **({"tn:expiryDate": batch.expiry_date.isoformat()} if batch.expiry_date else {}),
        },
    }
    certificates = [f"{site_url()}/certificates/{c.pk}" for c in batch.certificates.all()]
    if certificates:
        data["certificationInfo"] = certificates
    return data


def epcis_document(batches: list[Batch]) -> dict[str, Any]:
    """An EPCISDocument with every event of these lots, oldest first."""
    events: list[dict[str, Any]] = []
    for batch in batches:
        transformation = transformation_document(batch)
        if transformation:
            events.append(transformation)
        events.extend(event_document(event, batch) for event in batch.events.all())
    events.sort(key=lambda item: item["eventTime"])
    return {
        "@context": [EPCIS_CONTEXT, {"tn": _vocabulary()}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": _time(timezone.now()),
        "epcisBody": {"eventList": events},
    }
