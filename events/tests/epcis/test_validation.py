import copy
from pathlib import Path

import pytest

from events.epcis import EpcisError, Problem, parse_document, parse_event, validate_document, validate_event

from ._conformance import EPCIS, JSON_DIR, SCHEMA_TESTS, load, rel

JSON_FILES = sorted(p for p in JSON_DIR.rglob("*.jsonld") if p.name != "EPCISQueryDocument.jsonld")
EVENT_TESTS = sorted(SCHEMA_TESTS.glob("*.json"))
BASE = JSON_DIR / "Example_9.6.1-ObjectEvent.jsonld"


def test_conformance_material_is_there():
    assert len(JSON_FILES) == 38
    assert len(EVENT_TESTS) == 5


@pytest.mark.parametrize("path", JSON_FILES, ids=rel)
def test_json_sample_validates(path: Path):
    assert validate_document(load(path)) == []
    doc = parse_document(path.read_bytes(), "application/ld+json")
    assert doc.kind == "EPCISDocument"
    assert doc.events == load(path)["epcisBody"]["eventList"]
    assert doc.schema_version == "2.0"


def test_query_document_parses_as_query_document():
    path = JSON_DIR / "EPCISQueryDocument.jsonld"
    doc = parse_document(path.read_bytes(), "application/json")
    raw = load(path)
    assert doc.kind == "EPCISQueryDocument"
    assert doc.query_name == raw["epcisBody"]["queryResults"]["queryName"]
    assert doc.events == raw["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert len(doc.events) == 2


def test_document_fields():
    doc = parse_document(BASE.read_bytes(), "application/ld+json")
    assert doc.context == [
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        {"example": "http://ns.example.com/epcis/"},
    ]
    assert doc.creation_date == "2005-07-11T11:30:47.0Z"
    assert doc.header == {"id": "https://id.example.org/document1"}
    assert len(doc.events) == 2


@pytest.mark.parametrize("path", EVENT_TESTS, ids=rel)
def test_schema_test_case_valid(path: Path):
    event = load(path)
    assert validate_event(event, standalone=True) == []
    assert parse_event(path.read_bytes()).events == [event]


@pytest.mark.parametrize("path", EVENT_TESTS, ids=rel)
def test_schema_test_case_broken_gives_problems(path: Path):
    event = load(path)
    no_time = {k: v for k, v in event.items() if k != "eventTime"}
    assert validate_event(no_time, 0, standalone=True) == [Problem(0, "/eventTime", "'eventTime' is required")]
    no_context = {k: v for k, v in event.items() if k != "@context"}
    assert validate_event(no_context, standalone=True) == [Problem(None, "/@context", "'@context' is required")]
    with pytest.raises(EpcisError):
        parse_event(no_context)


def _broken(index: int, **changes: object) -> dict:
    doc = load(BASE)
    event = doc["epcisBody"]["eventList"][index]
    for key, value in changes.items():
        if value is None:
            del event[key]
        else:
            event[key] = value
    return doc


def test_missing_event_time():
    assert validate_document(_broken(1, eventTime=None)) == [
        Problem(1, "/epcisBody/eventList/1/eventTime", "'eventTime' is required")
    ]


def test_bad_action():
    problems = validate_document(_broken(1, action="MOVE"))
    assert problems == [
        Problem(1, "/epcisBody/eventList/1/action", "'MOVE' is not one of ['OBSERVE', 'ADD', 'DELETE']")
    ]


@pytest.mark.parametrize("value", ["ship ping", "shippingX", "harvesting"])
def test_biz_step_not_uri_nor_cbv(value: str):
    assert validate_document(_broken(0, bizStep=value)) == [
        Problem(0, "/epcisBody/eventList/0/bizStep", f"{value!r} is neither a standard (CBV) value nor a URI")
    ]


def test_biz_step_urn_form_refused_in_json():
    (problem,) = validate_document(_broken(0, bizStep="urn:epcglobal:cbv:bizstep:shipping"))
    assert (problem.event_index, problem.pointer) == (0, "/epcisBody/eventList/0/bizStep")
    assert "bare names" in problem.message


def test_extension_biz_step_accepted():
    assert validate_document(_broken(0, bizStep="https://truyxuat.vn/voc/bizstep#planting")) == []


def test_wrong_type():
    assert validate_document(_broken(0, type="FooEvent")) == [
        Problem(0, "/epcisBody/eventList/0/type", "'FooEvent' is not a 'uri'")
    ]
    assert validate_document(_broken(1, type=5)) == [
        Problem(1, "/epcisBody/eventList/1/type", "5 is not of type 'string'")
    ]


def test_bad_time_and_unknown_field():
    assert validate_document(_broken(0, eventTime="2005-04-03T20:33:31")) == [
        Problem(0, "/epcisBody/eventList/0/eventTime", "'2005-04-03T20:33:31' is not a 'date-time'")
    ]
    (problem,) = validate_document(_broken(0, foo="bar"))
    assert (problem.event_index, problem.pointer) == (0, "/epcisBody/eventList/0/foo")


def test_several_events_broken_and_parse_refuses_whole():
    doc = _broken(0, action="MOVE")
    del doc["epcisBody"]["eventList"][1]["eventTimeZoneOffset"]
    import json

    with pytest.raises(EpcisError) as info:
        parse_document(json.dumps(doc).encode(), "application/ld+json")
    assert [(p.event_index, p.pointer) for p in info.value.problems] == [
        (0, "/epcisBody/eventList/0/action"),
        (1, "/epcisBody/eventList/1/eventTimeZoneOffset"),
    ]


def test_document_level_problem():
    doc = load(BASE)
    del doc["schemaVersion"]
    assert validate_document(doc) == [Problem(None, "/schemaVersion", "'schemaVersion' is required")]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"{", "malformed JSON"),
        (b'{"a": NaN}', "NaN"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_bad_json(body: bytes, needle: str):
    with pytest.raises(EpcisError) as info:
        parse_document(body, "application/json")
    assert needle in info.value.problems[0].message
    assert info.value.problems[0].event_index is None


def test_single_event_document_rejected_by_parse_event():
    with pytest.raises(EpcisError):
        parse_event(BASE.read_bytes())


def test_schema_copy_is_unmodified():
    from events.epcis.schema import epcis_context_document, epcis_schema

    assert epcis_schema() == load(EPCIS / "EPCIS-JSON-Schema.json")
    assert epcis_context_document() == load(EPCIS / "epcis-context.jsonld")
    assert copy.deepcopy(epcis_schema()) is not epcis_schema()
