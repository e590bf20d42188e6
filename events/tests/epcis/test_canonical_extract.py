from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from events.epcis import canonical_bytes, extract, parse_document

from ._conformance import JSON_DIR, XML_DIR

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


@settings(deadline=None)  # a loaded CI machine is no reason to fail
@given(st.dictionaries(st.text(), json_values, max_size=8), st.randoms())
def test_canonical_bytes_stable_under_key_order(obj, rnd):
    items = list(obj.items())
    rnd.shuffle(items)
    assert canonical_bytes(dict(items)) == canonical_bytes(obj)


def test_canonical_bytes_format():
    assert canonical_bytes({"b": 1, "a": ["x", "ờ"], "c": {"z": None, "y": 1.5}}) == (
        '{"a":["x","ờ"],"b":1,"c":{"y":1.5,"z":null}}'.encode()
    )
    with pytest.raises(ValueError):
        canonical_bytes({"a": float("nan")})


def test_extract_object_event():
    doc = parse_document((JSON_DIR / "Example_9.6.1-ObjectEvent.jsonld").read_bytes(), "application/json")
    idx = extract(doc.events[1])
    assert idx.type == "ObjectEvent"
    assert idx.event_time == datetime(2005, 4, 4, 20, 33, 31, 116000, tzinfo=timezone(timedelta(hours=-6)))
    assert idx.event_time_zone_offset == "-06:00"
    assert idx.record_time is None
    assert (idx.action, idx.biz_step, idx.disposition) == ("OBSERVE", "receiving", "in_progress")
    assert idx.read_point == "urn:epc:id:sgln:0012345.11111.400"
    assert idx.biz_location == "urn:epc:id:sgln:0012345.11111.0"
    assert idx.epcs == ["urn:epc:id:sgtin:0614141.107346.2018"]
    assert idx.epc_keys == ["https://id.gs1.org/01/10614141073464/21/2018"]
    assert [(b.type, b.id) for b in idx.biz_transactions] == [
        ("po", "http://transaction.acme.com/po/12345678"),
        ("desadv", "urn:epcglobal:cbv:bt:0614141073467:1152"),
    ]


def test_extract_transformation_and_digital_link_keys_meet():
    urn = extract(parse_document((JSON_DIR / "Example_9.6.4-TransformationEvent.jsonld").read_bytes(), "").events[0])
    dl = extract(
        parse_document(
            (JSON_DIR / "WithDigitalLinkID/Example_9.6.4-TransformationEventWithDigitalLink.jsonld").read_bytes(), ""
        ).events[0]
    )
    assert urn.type == "TransformationEvent"
    assert urn.input_epcs and urn.output_epcs
    assert urn.input_epc_keys == dl.input_epc_keys
    assert urn.output_epc_keys == dl.output_epc_keys
    assert urn.input_class_keys == dl.input_class_keys


def test_extract_sources_destinations_and_quantities():
    doc = parse_document((XML_DIR / "WithEventHashID/event_with_identical_hash_id_1.xml").read_bytes(), "text/xml")
    idx = extract(doc.events[0])
    assert idx.event_time.astimezone(UTC) == datetime(2005, 4, 5, 2, 33, 31, 116000, tzinfo=UTC)
    assert idx.epc_classes == [
        "urn:epc:class:lgtin:4012345.012345.998877",
        "urn:epc:class:lgtin:4012345.012345.998876",
    ]
    assert idx.epc_class_keys[0] == "https://id.gs1.org/01/04012345123456/10/998877"
    assert [(s.type, s.id) for s in idx.sources] == [
        ("location", "urn:epc:id:sgln:4012345.00225.0"),
        ("possessing_party", "urn:epc:id:pgln:4012345.00225"),
        ("owning_party", "urn:epc:id:pgln:4012345.00225"),
    ]
    assert idx.destinations[0].key == "https://id.gs1.org/414/0614141007776"


def test_extract_certification_and_error_declaration():
    path = JSON_DIR / "WithFullCombinationOfFields/object_event_all_possible_fields.jsonld"
    idx = extract(parse_document(path.read_bytes(), "application/ld+json").events[0])
    assert idx.certification_info == ["https://accreditation-council.example.org/certificate/ABC12345"]
    assert idx.error_declaration is not None
    assert idx.event_id == "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8"
