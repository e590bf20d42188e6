"""The compiled fast path accepts exactly what the reference jsonschema validator accepts."""

import copy
import types
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.epcis import Problem, validate_document, validate_event
from events.epcis.fastschema import document_validator, event_validator, fast_schema, is_valid, speed_up
from events.epcis.schema import epcis_schema
from events.epcis.validation import validator

from ._conformance import JSON_DIR, SCHEMA_TESTS, XML_DIR, load, rel

JSON_FILES = sorted(JSON_DIR.rglob("*.jsonld"))
EVENT_TESTS = sorted(SCHEMA_TESTS.glob("*.json"))
CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"example": "http://ns.example.com/"}]


def reference_accepts(instance: Any) -> bool:
    return next(validator().iter_errors(instance), None) is None


def reference_accepts_member(event: Any) -> bool:
    return reference_accepts({**_document([]), "epcisBody": {"eventList": [event]}})


def _document(events: list[Any]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-01-01T00:00:00Z",
        "epcisBody": {"eventList": events},
    }


def _sample_events() -> list[dict[str, Any]]:
    events = []
    for path in JSON_FILES:
        doc = load(path)
        body = doc.get("epcisBody", {})
        events += body.get("eventList") or body.get("queryResults", {}).get("resultsBody", {}).get("eventList", [])
    return events


SAMPLES = _sample_events()


def test_rewrite_keeps_the_schema_apart_from_anyof():
    schema = epcis_schema()
    before = copy.deepcopy(schema)
    fast = fast_schema(schema)
    assert schema == before  # not mutated
    assert fast["definitions"].keys() == schema["definitions"].keys()
    # bizStep: the CBV names are tried first, then the URI branch
    assert fast["definitions"]["bizStep"]["anyOf"][0]["enum"][:2] == ["accepting", "arriving"]
    assert fast["definitions"]["bizStep"]["anyOf"][1] == {"$ref": "#/definitions/vocab-other-uri"}


@pytest.mark.parametrize("path", JSON_FILES, ids=rel)
def test_every_json_sample_accepted_by_both(path: Path):
    doc = load(path)
    assert reference_accepts(doc)
    assert is_valid(document_validator(), doc)


@pytest.mark.parametrize("path", sorted(XML_DIR.rglob("*.xml")), ids=rel)
def test_every_xml_sample_agrees(path: Path):
    from events.epcis import EpcisError, xml_to_json_document

    try:
        doc = xml_to_json_document(path.read_bytes())
    except EpcisError:
        return  # not a document (capture job files): nothing to validate
    assert is_valid(document_validator(), doc) == reference_accepts(doc)


@pytest.mark.parametrize("path", EVENT_TESTS, ids=rel)
def test_schema_test_events_accepted_by_both(path: Path):
    event = load(path)
    assert reference_accepts(event)
    assert is_valid(document_validator(), event)


def test_every_sample_event_accepted_as_member_by_both():
    for event in SAMPLES:
        assert reference_accepts_member(event)
        assert is_valid(event_validator(), event)


def test_refused_by_the_fast_path_explained_by_the_reference():
    event = copy.deepcopy(SAMPLES[0])
    event["eventTime"] = "yesterday"
    assert not is_valid(event_validator(), event)
    assert validate_event(event, 4) == [Problem(4, "/eventTime", "'yesterday' is not a 'date-time'")]
    doc = _document([SAMPLES[0], event])
    assert validate_document(doc) == [
        Problem(1, "/epcisBody/eventList/1/eventTime", "'yesterday' is not a 'date-time'")
    ]


def test_fast_path_does_not_touch_the_data():
    doc = _document(copy.deepcopy(SAMPLES[:5]))
    before = copy.deepcopy(doc)
    assert validate_document(doc) == []
    assert doc == before


# --- generated mutations: both validators must agree, whichever way ---

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(
        [
            "",
            "shipping",
            "urn:epcglobal:cbv:bizstep:shipping",
            "https://ns.gs1.org/cbv/BizStep-shipping",
            "https://example.com/x",
            "example:foo",
            "not a uri",
            "in_progress",
            "ADD",
            "OBSERVE",
            "DELETE",
            "MOVE",
            "+07:00",
            "+15:00",
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:00:00",
            "2026-02-30T00:00:00+07:00",
            "urn:epc:id:sgtin:0614141.107346.2017",
            "urn:epc:class:lgtin:4012345.012345.998877",
            "KGM",
            "ObjectEvent",
            "AggregationEvent",
            "TransformationEvent",
            "AssociationEvent",
            "TransactionEvent",
            "FooEvent",
        ]
    ),
    st.text(max_size=6),
    st.lists(st.sampled_from(["urn:epc:id:sgtin:0614141.107346.2017", "x y", 3, {}]), max_size=3),
    st.fixed_dictionaries({}, optional={"id": st.sampled_from(["urn:epc:id:sgln:0614141.07346.1234", "bad id", 5])}),
    st.fixed_dictionaries(
        {},
        optional={
            "epcClass": st.sampled_from(["urn:epc:class:lgtin:4012345.012345.998877", "nope"]),
            "quantity": st.sampled_from([1, 2.5, -1, "3"]),
            "uom": st.sampled_from(["KGM", "kg", 7]),
        },
    ),
)
NAMES = st.sampled_from(
    [
        "eventTime",
        "eventTimeZoneOffset",
        "type",
        "action",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "epcList",
        "quantityList",
        "parentID",
        "childEPCs",
        "childQuantityList",
        "inputEPCList",
        "outputEPCList",
        "inputQuantityList",
        "outputQuantityList",
        "transformationID",
        "sourceList",
        "destinationList",
        "bizTransactionList",
        "ilmd",
        "recordTime",
        "eventID",
        "certificationInfo",
        "errorDeclaration",
        "sensorElementList",
        "persistentDisposition",
        "example:ext",
        "foo",
        "@context",
    ]
)


@st.composite
def mutated(draw: Any) -> dict[str, Any]:
    event = copy.deepcopy(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["set", "delete", "nested"]))
        if how == "delete" and event:
            event.pop(draw(st.sampled_from(sorted(event))), None)
        elif how == "nested":
            containers = [v for v in event.values() if isinstance(v, (dict, list)) and v]
            if containers:
                target = draw(st.sampled_from(containers))
                if isinstance(target, list):
                    target[draw(st.integers(0, len(target) - 1))] = draw(VALUES)
                else:
                    target[draw(st.sampled_from([*sorted(target), "id", "type", "foo"]))] = draw(VALUES)
        else:
            event[draw(NAMES)] = draw(VALUES)
    return event


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_events_judged_alike(event: dict[str, Any]):
    assert is_valid(event_validator(), event) == reference_accepts_member(event)
    assert is_valid(document_validator(), _document([event])) == reference_accepts_member(event)
    standalone = {"@context": CONTEXT, **event}
    assert is_valid(document_validator(), standalone) == reference_accepts(standalone)
    if not reference_accepts_member(event):
        assert validate_event(event, 0) and validate_document(_document([event]))


def test_speed_up_keeps_decisions_and_drops_locals_and_enum_chains():
    code = (
        'f(x, "data.epcList[{data_x}]".format(**locals()))\n'
        "if not (isinstance(v, str) and v == 'a' or isinstance(v, str) and v == 'it\\'s' "
        "or isinstance(v, str) and v == 'c'):\n"
        "    raise E\n"
    )
    assert speed_up(code) == (
        "f(x, \"data.epcList[]\")\nif not (isinstance(v, str) and v in {'a', 'it\\'s', 'c'}):\n    raise E\n"
    )
    for validate in (document_validator(), event_validator()):
        generated = [f for f in validate.__wrapped__.__globals__.values() if isinstance(f, types.FunctionType)]
        assert len(generated) > 40
        assert [f.__name__ for f in generated if "locals" in f.__code__.co_names] == []
    event = {
        "type": "ObjectEvent",
        "action": "OBSERVE",
        "eventTime": "2026-01-01T00:00:00Z",
        "eventTimeZoneOffset": "+07:00",
        "epcList": [],
        "bizStep": "shipping",
    }
    assert is_valid(event_validator(), event)
    assert not is_valid(event_validator(), {**event, "action": "observe"})  # not in the enum
    assert is_valid(event_validator(), {**event, "bizStep": "urn:example:step"})  # a URI instead of a CBV name
    assert not is_valid(event_validator(), {**event, "bizStep": "not a uri"})
