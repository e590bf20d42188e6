import pytest

from events.epcis import EpcisError, Problem, event_hashes, parse_document, xml_to_json_document

from ._conformance import JSON_DIR, XML_DIR, load

# XML sample -> JSON twin(s); events compared one to one, in order.
TWINS = {
    "Example_9.6.1-ObjectEvent-2020_06_18a.xml": ["Example_9.6.1-ObjectEvent.jsonld"],
    "AssociationEvent/AssociationEventExamples.xml": [
        f"AssociationEvent/AssociationEvent-{c}.jsonld" for c in "abcdefgh"
    ],
    "WithSensorData/SensorDataExamples.xml": [f"WithSensorData/SensorDataExample{n}.jsonld" for n in (1, 2, 3, 5)],
}
SENSOR_XML_INDEX = {0: 0, 1: 1, 2: 2, 3: 4}  # SensorDataExample1,2,3,5 = XML cases 1,2,3,5


def _json_events(names):
    out = []
    for name in names:
        doc = load(JSON_DIR / name)
        out += [(e, doc["@context"]) for e in doc["epcisBody"]["eventList"]]
    return out


def _same(x_event, x_ctx, j_event, j_ctx) -> bool:
    strip = lambda e: {k: v for k, v in e.items() if k != "eventID"}  # noqa: E731
    return strip(x_event) == strip(j_event) or event_hashes([x_event], x_ctx) == event_hashes([j_event], j_ctx)


@pytest.mark.parametrize("xml_name", sorted(TWINS))
def test_xml_equals_json_twin(xml_name: str):
    doc = parse_document((XML_DIR / xml_name).read_bytes(), "application/xml", validate=False)
    twins = _json_events(TWINS[xml_name])
    for i, (j_event, j_ctx) in enumerate(twins):
        x_index = SENSOR_XML_INDEX[i] if "Sensor" in xml_name else i
        assert _same(doc.events[x_index], doc.context, j_event, j_ctx), (xml_name, x_index)


def test_xml_event_structure_exact():
    doc = parse_document((XML_DIR / "Example_9.6.1-ObjectEvent-2020_06_18a.xml").read_bytes(), "text/xml")
    twin = load(JSON_DIR / "Example_9.6.1-ObjectEvent.jsonld")["epcisBody"]["eventList"][1]
    assert doc.events[1] == {k: v for k, v in twin.items() if k != "eventID"}
    assert doc.context == [
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        {"example": "http://ns.example.com/epcis"},
    ]
    assert doc.schema_version == "2.0"


VALID_XML = [
    "AssociationEvent/AssociationEventExamples.xml",
    "Example-TransactionEvent-2020_07_03y.xml",
    "Example_9.6.1-ObjectEvent-2020_06_18a.xml",
    "WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.xml",
    "WithFullCombinationOfFields/aggregation_event_all_possible_fields.xml",
    "WithFullCombinationOfFields/association_event_all_possible_fields.xml",
    "WithFullCombinationOfFields/masterdata_all_possible_fields.xml",
    "WithFullCombinationOfFields/object_event_all_possible_fields.xml",
    "WithFullCombinationOfFields/transaction_event_all_possible_fields.xml",
    "WithFullCombinationOfFields/transformation_event_all_possible_fields.xml",
] + [f"WithEventHashID/event_with_identical_hash_id_{n}.xml" for n in range(1, 7)]


@pytest.mark.parametrize("name", VALID_XML)
def test_xml_sample_converts_to_valid_json(name: str):
    doc = parse_document((XML_DIR / name).read_bytes(), "application/xml")
    assert doc.kind == "EPCISDocument"


def test_xml_samples_that_break_the_json_schema():
    # GS1's XSD allows persistentDisposition on AggregationEvent; its JSON schema does not.
    with pytest.raises(EpcisError) as info:
        parse_document((XML_DIR / "Example-PersistentDisposition.xml").read_bytes(), "application/xml")
    assert [p.pointer for p in info.value.problems] == [
        "/epcisBody/eventList/0/persistentDisposition",
        "/epcisBody/eventList/1/persistentDisposition",
    ]
    # The sensor sample uses gs1:Molar_concentration and gs1:EffectiveDoseRate (not in the
    # schema's measurement types) and sensorReports without a type: all refused by the JSON schema.
    with pytest.raises(EpcisError) as info:
        parse_document((XML_DIR / "WithSensorData/SensorDataExamples.xml").read_bytes(), "application/xml")
    assert [(p.event_index, p.pointer) for p in info.value.problems] == [
        (7, "/epcisBody/eventList/7/sensorElementList/0/sensorReport/1/type"),
        (7, "/epcisBody/eventList/7/sensorElementList/0/sensorReport/2/type"),
        (8, "/epcisBody/eventList/8/sensorElementList/0/sensorReport/0/type"),
        (8, "/epcisBody/eventList/8/sensorElementList/0/sensorReport/1/type"),
        (10, "/epcisBody/eventList/10/sensorElementList/0/sensorReport/0/type"),
    ]


def test_xml_is_parsed_safely():
    bomb = b"""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2020-01-01T00:00:00Z">
<EPCISBody><EventList><ObjectEvent><eventTime>&b;</eventTime></ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>"""
    with pytest.raises(EpcisError):
        xml_to_json_document(bomb)
    external = b"""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"><EPCISBody><EventList><ObjectEvent>
<eventTime>&x;</eventTime></ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>"""
    with pytest.raises(EpcisError):
        xml_to_json_document(external)


def test_not_an_epcis_document():  # EPCIS 1.x documents are mapped to 2.0: events/tests/test_xml_both_ways.py
    with pytest.raises(EpcisError) as info:
        xml_to_json_document(b'<epcis:EPCISCaptureJob xmlns:epcis="urn:epcglobal:epcis:xsd:2"/>')
    assert info.value.problems[0] == Problem(
        None,
        "",
        "not an EPCIS document: root element {urn:epcglobal:epcis:xsd:2}EPCISCaptureJob (expected "
        "{urn:epcglobal:epcis:xsd:2}EPCISDocument, {urn:epcglobal:epcis:xsd:1}EPCISDocument or "
        "{urn:epcglobal:epcis-query:xsd:2}EPCISQueryDocument)",
    )
    with pytest.raises(EpcisError):
        xml_to_json_document(b"<not-closed")
