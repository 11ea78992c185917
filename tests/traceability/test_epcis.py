"""EPCIS 2.0 JSON-LD export, validated against GS1's EPCIS 2.0.1 JSON Schema with format checks."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft7Validator, FormatChecker

from tests.traceability.factories import GTIN, BatchFactory, at, traced_batch
from traceability.epcis import epcis_document
from traceability.models import TraceEvent

VENDOR = Path(__file__).with_name("vendor")
SCHEMA = json.loads((VENDOR / "epcis-json-schema-2.0.1.json").read_text())
VALIDATOR = Draft7Validator(SCHEMA, format_checker=FormatChecker())


def _errors(document: dict) -> list[str]:
    return [error.message for error in VALIDATOR.iter_errors(document)]


@pytest.mark.parametrize("example", sorted((VENDOR / "epcis-examples").glob("*.jsonld")))
def test_gs1_examples_validate(example):
    assert _errors(json.loads(example.read_text())) == []


def test_format_checks_are_on():
    document = json.loads((VENDOR / "epcis-examples/Example_9.6.1-ObjectEvent.jsonld").read_text())
    broken = copy.deepcopy(document)
    broken["epcisBody"]["eventList"][0]["bizStep"] = "harvesting"
    assert _errors(broken)
    broken = copy.deepcopy(document)
    broken["epcisBody"]["eventList"][0]["eventTime"] = "2024-07-15 08:00:00"
    assert _errors(broken)


@pytest.mark.django_db
def test_lot_export_validates_and_maps_cbv(client):
    # given: a blended lot with a harvest, a drying step, inspection, shipping and a correction
    batch = traced_batch()
    source = BatchFactory(variant=batch.variant, lot="LEAF-01")
    batch.input_batches.add(source)
    harvest = batch.events.get(step="harvest")
    TraceEvent.objects.create(batch=batch, step="inspection", occurred_at=at(11))
    TraceEvent.objects.create(
        batch=batch, step="shipping", occurred_at=at(2), destination="Cửa hàng OCOP Hà Nội"
    )
    TraceEvent.objects.create(
        batch=batch,
        step="harvest",
        occurred_at=at(13),
        quantity_kg=Decimal(118),
        corrects=harvest,
        correction_reason="incorrect_data",
    )
    # when
    response = client.get("/api/v1/epcis/events", {"gtin": GTIN, "lot": batch.lot})
    # then
    assert response.status_code == 200
    document = response.json()
    assert _errors(document) == []
    events = document["epcisBody"]["eventList"]
    types = [(event["type"], event.get("bizStep")) for event in events]
    assert ("TransformationEvent", "commissioning") in types
    assert ("ObjectEvent", "commissioning") in types
    assert ("ObjectEvent", "inspecting") in types
    assert ("ObjectEvent", "shipping") in types
    drying = next(event for event in events if event.get("bizStep", "").endswith("/drying"))
    assert drying["bizStep"].startswith("http")
    harvest_out = next(event for event in events if event.get("action") == "ADD")
    assert harvest_out["quantityList"][0] == {
        "epcClass": f"https://id.gs1.org/01/{GTIN}/10/{batch.lot}",
        "quantity": 120.0,
        "uom": "KGM",
    }
    assert "tn:harvestDate" in harvest_out["ilmd"]
    assert any("errorDeclaration" in event for event in events)
    assert all(event["eventTimeZoneOffset"] == "+07:00" for event in events)


@pytest.mark.django_db
def test_export_refuses_bad_parameters_and_unknown_lots(client):
    assert client.get("/api/v1/epcis/events", {"gtin": "123", "lot": "X"}).status_code == 400
    assert client.get("/api/v1/epcis/events", {"gtin": GTIN, "lot": "NOPE"}).status_code == 404
    draft = traced_batch(publish=False)
    assert client.get("/api/v1/epcis/events", {"gtin": GTIN, "lot": draft.lot}).status_code == 404


@pytest.mark.django_db
def test_document_without_gtin_uses_short_links():
    batch = traced_batch(variant__gtin="")
    document = epcis_document([batch])
    assert _errors(document) == []
    assert "/t/" in json.dumps(document)
