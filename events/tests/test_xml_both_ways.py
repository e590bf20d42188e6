"""EPCIS XML both ways (issue 19 item 4): 2.0 and 1.x XML captured (validated against GS1's XSD, 1.x mapped to 2.0
as GS1's mapping says, the original kept), query answers in XML on Accept: application/xml, XML bombs refused."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from django.test import RequestFactory
from lxml import etree

from events.answers import negotiate
from events.epcis import EpcisError, Problem, event_hashes, parse_document, xml_to_json_document
from events.epcis.xml import event_elements
from events.epcis.xml_out import query_document
from events.epcis.xsd import validate
from events.models import CaptureOriginal, Event
from events.tests.epcis._conformance import EPCIS, JSON_DIR, XML_DIR, load
from events.tests.helpers import token_for
from events.tests.xml_samples import BOMBS, INVALID, INVALID_POINTERS, LOT, V12, V12_JSON

GS1 = Path(__file__).parent / "gs1xml"  # GS1's files not in the shared conformance folder (see its README)
SCHEMAS = Path(__file__).parent.parent / "epcis" / "schema" / "xsd"
NOT_DOCUMENTS = {"CaptureJob"}  # EPCISCaptureJob answers, not EPCIS documents
DOCUMENTS = sorted(
    [p for p in XML_DIR.rglob("*.xml") if p.parent.name not in NOT_DOCUMENTS] + list((GS1 / "WithExtension").glob("*"))
)
# XSD-valid, and refused where GS1's JSON schema, CBV or errata say no (each problem naming the event and field).
REFUSED = {
    "Example-PersistentDisposition.xml": [  # persistentDisposition on AggregationEvent (errata, gs1/EPCIS #395/#440)
        (0, "/epcisBody/eventList/0/persistentDisposition"),
        (1, "/epcisBody/eventList/1/persistentDisposition"),
    ],
    "SensorDataExamples.xml": [  # Molar_concentration, EffectiveDoseRate: no CBV measurement types; type missing
        (7, "/epcisBody/eventList/7/sensorElementList/0/sensorReport/1/type"),
        (7, "/epcisBody/eventList/7/sensorElementList/0/sensorReport/2/type"),
        (8, "/epcisBody/eventList/8/sensorElementList/0/sensorReport/0/type"),
        (8, "/epcisBody/eventList/8/sensorElementList/0/sensorReport/1/type"),
        (10, "/epcisBody/eventList/10/sensorElementList/0/sensorReport/0/type"),
    ],
    "TransactionEvent.xml": [
        (0, "/epcisBody/eventList/0/sensorElementList/0/sensorReport/0/type")
    ],  # EffectiveDoseRate
}


def _problems(exc: pytest.ExceptionInfo[EpcisError]) -> list[tuple[int | None, str]]:
    return [(p.event_index, p.pointer) for p in exc.value.problems]


# ---- capture: XSD, 2.0 extensions, 1.x mapping ------------------------------------------------------------


def test_shipped_schemas_are_gs1s_unmodified():
    for path in sorted((EPCIS / "XSD").glob("*.xsd")):
        assert (SCHEMAS / "epcis-2.0" / path.name).read_bytes() == path.read_bytes(), path.name
    assert len(list((SCHEMAS / "epcis-1.2").glob("*.xsd"))) == 10


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_gs1_xml_document_is_accepted_or_refused_naming_event_and_field(path: Path):
    root = etree.parse(str(path)).getroot()
    assert validate(root, "epcis-2.0") == []  # GS1's XSD accepts them all
    if path.name in REFUSED and (path.parent.name == "WithExtension") == (path.name == "TransactionEvent.xml"):
        with pytest.raises(EpcisError) as info:
            parse_document(path.read_bytes(), "application/xml")
        assert _problems(info) == REFUSED[path.name]
        return
    document = parse_document(path.read_bytes(), "application/xml")
    assert document.kind == "EPCISDocument"
    assert len(document.events) == len(event_elements(root))


def test_nested_extension_elements_without_a_namespace_are_kept_as_sent():
    document = parse_document((GS1 / "WithExtension" / "ObjectEvent.xml").read_bytes(), "application/xml")
    assert document.context == [
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        {"example": "http://ns.example.com/epcis"},
    ]
    assert document.events[0]["example:userElement"] == {"anotherElement": "elementData"}
    second = document.events[1]
    assert second["ilmd"] == {"example:userIlmd": {"part1": "1", "part2": "2", "part3": "3"}}
    assert second["example:extension"] == {"futureExtension": ""}  # from the event's <extension> wrapper
    assert "extension" not in second
    path = GS1 / "WithExtension" / "TransformationEvent.xml"
    transformation = parse_document(path.read_bytes(), "application/xml").events[0]
    assert transformation["example:extension"] == {
        "moreExtensions": {"futureExtension": {"tag1": "1", "tag2": "2", "tag3": "3"}}
    }
    assert transformation["example2:furtherData"] == {"example2:assemblyLine": "2", "example2:workingShift": "1"}


def test_an_epcis_12_document_is_converted_as_the_mapping_says():
    assert xml_to_json_document(V12) == V12_JSON
    document = parse_document(V12, "text/xml")  # and valid under the EPCIS 2.0 JSON schema
    assert document.events == V12_JSON["epcisBody"]["eventList"]


@pytest.mark.parametrize("name", ["AggregationEvent", "TransactionEvent", "TransformationEvent"])
def test_gs1s_12_samples_convert_as_gs1s_own_xsl_does(name: str):
    path = GS1 / "1.2" / f"{name}.xml"
    by_gs1 = etree.XSLT(etree.parse(str(GS1 / "convert-1.2-to-2.0.xsl")))(etree.parse(str(path)))
    assert xml_to_json_document(path.read_bytes()) == xml_to_json_document(etree.tostring(by_gs1))


def test_a_12_header_extension_is_left_out_as_20_has_no_place_for_it():
    """Ruling (issue 19) on OpenEPCIS' GS1 US documents: EPCIS 1.2's EPCISHeaderType ends with
    `<xsd:any namespace="##other">`, where GS1 US puts `gs1ushc:guidelineVersion`; 2.0's EPCISHeaderType
    (EPCglobal-epcis-2_0.xsd) has only the SBDH and `extension`, and GS1's mapping (convert-1.2-to-2.0.xsl) carries
    no header at all. So the mapping (ours) keeps the SBDH and master data and leaves the extension out; the events
    are what GS1's XSL makes of them, and the document as sent is kept with the capture."""
    path = (
        Path(__file__).parent / "conformance/openepcis/1.2/EPCIS/XML/Capture/Documents/EPCISDocument_with_comment.xml"
    )
    assert b"<gs1ushc:guidelineVersion>" in path.read_bytes()
    ours = xml_to_json_document(path.read_bytes())
    by_gs1 = etree.XSLT(etree.parse(str(GS1 / "convert-1.2-to-2.0.xsl")))(etree.parse(str(path)))
    events = ours["epcisBody"]["eventList"]
    # GS1's XSL reads ObjectEvent/ilmd, where 1.2's XSD never puts it (ObjectEventExtensionType has it): ours keeps it
    lot = {"cbvmda:lotNumber": "A123", "cbvmda:itemExpirationDate": "2025-03-27"}
    assert [e.pop("ilmd", None) for e in events] == [lot, lot] + [None] * 6
    assert events == xml_to_json_document(etree.tostring(by_gs1))["epcisBody"]["eventList"]
    vocabularies = ours["epcisHeader"]["epcisMasterData"]["vocabularyList"]
    assert [v["type"] for v in vocabularies] == [
        "urn:epcglobal:epcis:vtype:EPCClass",
        "urn:epcglobal:epcis:vtype:Location",
    ]
    assert "guidelineVersion" not in str(ours)


def test_what_20_cannot_say_is_refused_naming_the_event():
    with pytest.raises(EpcisError) as info:  # GS1's sample puts an unnamespaced field in extension/extension
        xml_to_json_document((GS1 / "1.2" / "ObjectEvent.xml").read_bytes())
    assert _problems(info) == [(1, "/epcisBody/eventList/1/extension/extension/myField")]
    with pytest.raises(EpcisError) as info:  # GS1's sample misspells sensorMetadata inside a 1.2 wrapper
        xml_to_json_document((GS1 / "1.2" / "AssociationEvent.xml").read_bytes())
    assert _problems(info) == [(5, "/epcisBody/eventList/5/sensorElementList/0/sensorMetaData")]
    quantity_event = V12.replace(b"<AggregationEvent>", b"<QuantityEvent>", 1).replace(
        b"</AggregationEvent>", b"</QuantityEvent>"
    )
    quantity_event = (
        quantity_event.replace(
            b"<parentID>urn:epc:id:sscc:4012345.0000000001</parentID><childEPCs/><action>ADD</action>",
            f"<epcClass>{LOT}</epcClass><quantity>600</quantity>".encode(),
        )
        .replace(b"<extension><childQuantityList>", b"<!--")
        .replace(b"</childQuantityList></extension>", b"-->")
    )
    with pytest.raises(EpcisError) as info:
        xml_to_json_document(quantity_event)
    assert [p.as_dict() for p in info.value.problems] == [
        {
            "event_index": 1,
            "pointer": "/epcisBody/eventList/1",
            "message": "QuantityEvent was removed in EPCIS 2.0: send an ObjectEvent with a quantityList / "
            "QuantityEvent không còn trong EPCIS 2.0: hãy gửi ObjectEvent có quantityList",
        }
    ]


@pytest.mark.parametrize("version", ["2.0", "1.2"])
def test_xsd_invalid_xml_is_refused_with_the_reason(version: str):
    data = INVALID
    if version == "1.2":
        data = data.replace(b"xsd:2", b"xsd:1").replace(b'schemaVersion="2.0"', b'schemaVersion="1.2"')
        data = data.replace(b"<quantityList>", b"<extension><quantityList>").replace(
            b"</quantityList>", b"</quantityList></extension>"
        )
    with pytest.raises(EpcisError) as info:
        xml_to_json_document(data)
    pointers = [
        (i, p.replace("/quantityList", "/extension/quantityList") if version == "1.2" else p, m)
        for i, p, m in INVALID_POINTERS
    ]
    if version == "1.2":  # 1.x allows a time without a zone; the 1.2 XSD finds the other two first
        pointers = pointers[1:]
    problems = info.value.problems
    assert [(p.event_index, p.pointer) for p in problems] == [(i, p) for i, p, _m in pointers]
    for problem, (_i, _p, reason) in zip(problems, pointers, strict=True):
        assert problem.message.startswith(f"XSD (epcis-{version}), line 1: Element ")
        assert reason in problem.message


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_xml_bombs_are_refused(name: str):
    with pytest.raises(EpcisError) as info:
        xml_to_json_document(BOMBS[name].encode())
    assert info.value.problems == [
        Problem(None, "", "XML entity declarations are not accepted / không nhận khai báo entity")
    ]


# ---- answers: XML out ----------------------------------------------------------------------------------


def _query_schema_problems(data: bytes) -> list[Problem]:
    return validate(etree.fromstring(data), "epcis-query-2.0")


def test_every_json_sample_as_an_xml_answer_is_valid_and_reads_back_the_same():
    for path in sorted(JSON_DIR.rglob("*.jsonld")):
        if path.name == "EPCISQueryDocument.jsonld":
            continue
        sent = parse_document(path.read_bytes())
        data = query_document([(e, sent.context) for e in sent.events], creation_date="2025-03-04T00:00:00Z")
        assert _query_schema_problems(data) == [], path.name
        back = xml_to_json_document(data)
        assert back["type"] == "EPCISQueryDocument"
        events = back["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        for event, read in zip(sent.events, events, strict=True):
            mine = {k: v for k, v in event.items() if k != "@context"}
            # XML carries no JSON types: a JSON true comes back as "true", which changes the hash of one sample
            same = mine == read or event_hashes([mine], sent.context) == event_hashes([read], back["@context"])
            assert same or path.name == "Example-TransactionEvents-2020_07_03y.jsonld", (path.name, event)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("", "application/ld+json"),
        ("*/*", "application/ld+json"),
        ("application/json", "application/json"),
        ("application/xml", "application/xml"),
        ("text/xml", "text/xml"),
        ("text/*", "text/xml"),
        ("application/ld+json;q=0.5, application/xml", "application/xml"),
        ("application/xml;q=0.9, application/ld+json", "application/ld+json"),
        ("application/*;q=0.2, application/xml;q=0", "application/ld+json"),
        ("text/html, application/xhtml+xml", None),
        ("application/xml;q=0, application/json;q=0, application/ld+json;q=0, text/xml;q=0", None),
        ("application/xml;q=abc", None),
    ],
)
def test_accept_negotiation(accept: str, expected: str | None):
    request = RequestFactory().get("/epcis/events", HTTP_ACCEPT=accept) if accept else RequestFactory().get("/")
    assert negotiate(request) == expected


# ---- through the REST binding ------------------------------------------------------------------------------


def _post(client, token: str, data: bytes, content_type: str = "application/xml"):
    return client.post("/epcis/capture", data=data, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}")


def _get(client, token: str, url: str, accept: str | None = None):
    extra = {"HTTP_ACCEPT": accept} if accept is not None else {}
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}", **extra)


def _events_of(answer: bytes) -> list[dict]:
    return xml_to_json_document(answer)["epcisBody"]["queryResults"]["resultsBody"]["eventList"]


@pytest.mark.django_db
def test_a_12_document_is_captured_kept_as_sent_and_answered_in_xml(client, organization, other_organization):
    token = token_for(organization)
    response = _post(client, token, V12)
    assert response.status_code == 202, response.content
    job = response.json()
    assert (job["eventCount"], job["storedCount"]) == (4, 4)
    original = _get(client, token, f"/epcis/capture/{job['captureID']}/original")
    assert original.status_code == 200
    assert original.content == V12
    assert original["Content-Type"] == "application/xml; charset=utf-8"
    kept = CaptureOriginal.objects.get()
    assert (kept.schema_version, kept.media_type, kept.capture.capture_id.hex) == (
        "1.2",
        "application/xml",
        job["captureID"].replace("-", ""),
    )
    assert _get(client, token_for(other_organization), f"/epcis/capture/{job['captureID']}/original").status_code == 404

    as_json = _get(client, token, "/epcis/events")  # JSON-LD stays the default
    assert as_json["Content-Type"] == "application/ld+json"
    json_events = as_json.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    by_id = {e["eventID"]: e for e in json_events}
    for sent in V12_JSON["epcisBody"]["eventList"]:  # stored as converted (those sent with an eventID)
        if "eventID" in sent:
            assert by_id[sent["eventID"]] == {**sent, "recordTime": by_id[sent["eventID"]]["recordTime"]}

    as_xml = _get(client, token, "/epcis/events", "application/xml")
    assert as_xml.status_code == 200
    assert as_xml["Content-Type"] == "application/xml; charset=utf-8"
    assert as_xml["GS1-EPCIS-Version"] == "2.0.0"
    assert _query_schema_problems(as_xml.content) == []
    assert _events_of(as_xml.content) == json_events  # the same page, the same events

    event_id = "urn:uuid:5c0b6a8e-1f3d-4c1e-9a61-000000000002"
    one = _get(client, token, f"/epcis/events/{quote(event_id, safe='')}", "text/xml")
    assert one["Content-Type"] == "text/xml; charset=utf-8"
    assert _query_schema_problems(one.content) == []
    assert _events_of(one.content) == [e for e in json_events if e["eventID"] == event_id]
    assert _events_of(one.content)[0]["errorDeclaration"]["reason"] == "incorrect_data"

    for url in ("/epcis/events", f"/epcis/events/{quote(event_id, safe='')}"):
        refused = _get(client, token, url, "text/html")
        assert refused.status_code == 406
        assert refused.json()["type"] == "epcisException:NotAcceptableException"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("xml_name", "json_names"),
    [
        ("Example_9.6.1-ObjectEvent-2020_06_18a.xml", ["Example_9.6.1-ObjectEvent.jsonld"]),
        (
            "AssociationEvent/AssociationEventExamples.xml",
            [f"AssociationEvent/AssociationEvent-{c}.jsonld" for c in "abcdefgh"],
        ),
    ],
)
def test_xml_samples_come_back_equal_to_their_json_twins(client, organization, xml_name, json_names):
    token = token_for(organization)
    assert _post(client, token, (XML_DIR / xml_name).read_bytes()).status_code == 202
    answer = _get(client, token, "/epcis/events?perPage=50").json()
    got = answer["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    matched = set()
    for name in json_names:
        twin = load(JSON_DIR / name)
        for event in twin["epcisBody"]["eventList"]:  # each twin comes back (a repeated one as its first)
            twin_hash = event_hashes([_strip(event)], twin["@context"])[0]  # an event sent without eventID has it
            match = [g["eventID"] for g in got if _strip(g) == _strip(event) or g["eventID"] == twin_hash]
            assert len(match) == 1, event
            matched.add(match[0])
    assert matched == {g["eventID"] for g in got}


def _strip(event: dict) -> dict:
    return {k: v for k, v in event.items() if k not in ("eventID", "recordTime")}


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["xsd", "bomb", "1.2 future field"])
def test_refused_xml_stores_nothing_and_says_why(client, organization, case: str):
    data = {
        "xsd": INVALID,
        "bomb": BOMBS["billion laughs"].encode(),
        "1.2 future field": (GS1 / "1.2" / "ObjectEvent.xml").read_bytes(),
    }[case]
    response = _post(client, token_for(organization), data, "text/xml")
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "epcisException:ValidationException"
    expected = {
        "xsd": [(i, p) for i, p, _m in INVALID_POINTERS],
        "bomb": [(None, "")],
        "1.2 future field": [(1, "/epcisBody/eventList/1/extension/extension/myField")],
    }[case]
    assert [(e["event_index"], e["pointer"]) for e in body["errors"]] == expected
    assert body["errors"][0]["message"] in body["detail"]
    assert Event.objects.count() == 0
    assert CaptureOriginal.objects.count() == 0
    job = _get(client, token_for(organization), response["Location"]).json()
    assert job["success"] is False
    assert [{k: e[k] for k in ("event_index", "pointer", "message")} for e in job["errors"]] == body["errors"]


def test_what_xml_cannot_carry_is_replaced_not_a_server_error():
    event = {
        "type": "ObjectEvent",
        "eventTime": "2025-03-01T07:30:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "action": "OBSERVE",
        "epcList": [],
        "ex:ghi chú": "a\x01b",
        "ex:1st": {"ngày thu hoạch": "2025-03-01", "#text": "x"},
    }
    data = query_document([(event, [{"ex": "https://example.vn/x/"}])], creation_date="2025-03-04T00:00:00Z")
    assert _query_schema_problems(data) == []
    read = _events_of(data)[0]
    assert (read["ex:ghi_chú"], read["ex:_1st"]) == ("a\ufffdb", {"ngày_thu_hoạch": "2025-03-01"})
