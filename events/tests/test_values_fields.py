"""The pure values module (`events.epcis.values`, computed where events are prepared) numbers its fields as the
`EventValue` model's choices do, and prepared events carry exactly the values read back from their stored JSON."""

from __future__ import annotations

from events.epcis.prepare import prepare
from events.epcis.values import Field, values_of
from events.models import ValueField
from events.tests.helpers import object_event

CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]
HEADER = {"@context": CONTEXT, "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-11-01T00:00:00Z"}


def test_field_numbers_are_the_models():
    pure = {name: value for name, value in vars(Field).items() if name.isupper()}
    assert pure == {member.name: member.value for member in ValueField}


def test_prepared_values_equal_those_read_from_the_stored_json():
    event = object_event(["https://id.gs1.org/01/08930000000347/10/L7"], time="2026-11-02T10:00:00+07:00")
    event["quantityList"] = [{"epcClass": "https://id.gs1.org/01/08930000000354/10/Q1", "quantity": 0.12, "uom": "KGM"}]
    event["sourceList"] = [{"type": "owning_party", "source": "urn:epc:id:pgln:8930000.00118"}]
    event["sensorElementList"] = [
        {"sensorReport": [{"type": "gs1:Temperature", "value": 4.5, "uom": "CEL", "time": "2026-11-02T09:00:00Z"}]}
    ]
    prepared = prepare([event], HEADER, CONTEXT, "2026-11-02T03:00:00Z").events[0]
    assert prepared.values == values_of(prepared.body, prepared.index)
    fields = {v[0] for v in prepared.values}
    assert {Field.QUANTITY, Field.SOURCE, Field.SENSOR, Field.TYPE, Field.VALUE, Field.TIME} <= fields
    assert (Field.QUANTITY, "KGM", "", 0.12, None) in prepared.values
