"""Every SimpleEventQuery parameter of the REST binding (issue 19 item 2) against GS1's own samples (sensor data,
persistent disposition, error declaration, sources/destinations/business transactions), captured once per module
and queried through `GET /epcis/events`; identifiers in every spelling; GS1-EPC-Format; each event's @context."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.db import transaction

from accounts.permissions import SYSTEM
from catalog.tests.factories import FacilityFactory, OrganizationFactory
from events.epcis import event_hash, parse_document
from events.models import Capture, Event
from events.services import capture_document, capture_events
from events.tests.epcis._conformance import JSON_DIR
from events.tests.helpers import object_event, token_for
from gs1.compression import compress
from gs1.identifiers import GS1Key, epc_urn, key_of

SAMPLES = {  # name: (file under GS1's JSON examples, index of the event in it)
    "s1": ("WithSensorData/SensorDataExample1.jsonld", 0),
    "s2": ("WithSensorData/SensorDataExample2.jsonld", 0),
    "s3": ("WithSensorData/SensorDataExample3.jsonld", 0),
    "s4": ("WithSensorData/SensorDataExample4.jsonld", 0),
    "s5": ("WithSensorData/SensorDataExample5.jsonld", 0),
    "s6": ("WithSensorData/SensorDataExample6.jsonld", 0),
    "s7": ("WithSensorData/SensorDataExample7.jsonld", 0),
    "s8": ("WithSensorData/SensorDataExample8.jsonld", 0),
    "s9": ("WithSensorData/SensorDataExample9.jsonld", 0),
    "pd_recv": ("PersistentDisposition-example.jsonld", 0),
    "pd_insp": ("PersistentDisposition-example.jsonld", 1),
    "ed_wrong": ("WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.jsonld", 0),
    "ed_fix": ("WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.jsonld", 1),
    "types": ("Example-Type-sourceOrDestination,measurement,bizTransaction.jsonld", 0),
    "obj_ship": ("Example_9.6.1-ObjectEvent.jsonld", 0),
    "obj_recv": ("Example_9.6.1-ObjectEvent.jsonld", 1),
}
SENSORS = {f"s{n}" for n in range(1, 10)}
OWN = {"farm", "plot1", "plot2_urn", "org_area", "elsewhere", "ctx_a", "ctx_b"}
ALL = set(SAMPLES) | OWN
FACILITY_GLN = "8938501007773"
ORG_GLN = "8938501006660"
ELSEWHERE = "https://id.gs1.org/414/8938503000005"


def _gln(gln: str, extension: str | None = None) -> str:
    return f"https://id.gs1.org/414/{gln}" + (f"/254/{extension}" if extension else "")


def _own(time: str, place: str, **extra: Any) -> dict[str, Any]:
    return object_event(
        [],
        ["https://id.gs1.org/01/08938501000019/21/S1"],
        biz_step="inspecting",
        time=time,
        action="OBSERVE",
        location=place,
        **extra,
    )


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """GS1's samples and a few events of our own, captured once for the module inside a transaction that is
    rolled back at its end (each test runs in a savepoint of it, as Django's setUpTestData does)."""
    with django_db_blocker.unblock(), transaction.atomic():
        org = OrganizationFactory(gln=ORG_GLN)
        FacilityFactory(organization=org, gln=FACILITY_GLN)
        names: dict[str, str] = {}
        for path in sorted({p for p, _i in SAMPLES.values()}):
            document = parse_document((JSON_DIR / path).read_bytes(), "application/ld+json")
            capture_document(actor=SYSTEM, organization=org, document=document, validate=True)
            stored = list(Event.objects.filter(capture=Capture.objects.latest("pk")).order_by("pk"))
            for name, (p, index) in SAMPLES.items():
                if p == path:
                    names[name] = stored[index].event_id
        plot2_urn = epc_urn(GS1Key("sgln", "", gln=FACILITY_GLN, extension="plot2"), 7)
        own = {
            "farm": _own("2026-11-01T08:00:00+07:00", _gln(FACILITY_GLN)),
            "plot1": _own("2026-11-01T09:00:00+07:00", _gln(FACILITY_GLN, "plot1")),
            "plot2_urn": _own("2026-11-01T10:00:00+07:00", plot2_urn),
            "org_area": _own("2026-11-01T11:00:00+07:00", _gln(ORG_GLN, "area9")),
            "elsewhere": _own("2026-11-01T12:00:00+07:00", ELSEWHERE),
        }
        result = capture_events(actor=SYSTEM, organization=org, events=list(own.values()))
        names.update(zip(own, result.stored, strict=True))
        contexts = {}
        for name, namespace in (("ctx_a", "https://a.example/ns/"), ("ctx_b", "https://b.example/ns/")):
            context = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ex": namespace}]
            event = _own("2026-11-02T08:00:00+07:00", ELSEWHERE, **{"ex:grade": "A"})
            result = capture_events(actor=SYSTEM, organization=org, events=[event], context=context)
            names[name] = result.stored[0]
            contexts[name] = (event, context)
        yield {"org": org, "names": names, "token": token_for(org), "contexts": contexts}
        transaction.set_rollback(True)


@pytest.fixture
def api(seeded: dict[str, Any], db: Any, client: Any) -> Any:
    def get(params: dict[str, str] | str, **headers: str) -> Any:
        query = params if isinstance(params, str) else urlencode(params)
        return client.get(f"/epcis/events?{query}", HTTP_AUTHORIZATION=f"Bearer {seeded['token']}", **headers)

    return get


def _names(seeded: dict[str, Any], api: Any, params: dict[str, str]) -> set[str]:
    response = api({**params, "perPage": "100"})
    assert response.status_code == 200, response.content
    ids = {e["eventID"] for e in response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]}
    by_id = {v: k for k, v in seeded["names"].items()}
    return {by_id[i] for i in ids}


SGLN_S8 = "urn:epc:id:sgln:4012345.00025.0"
LOT_S4 = "urn:epc:class:lgtin:4023333.002000.2019-10-07"
CASES: list[tuple[dict[str, str], set[str]]] = [
    ({"EQ_type": "Speed"}, {"s1", "s2", "s4"}),
    ({"EQ_type": "gs1:Speed"}, {"s1", "s2", "s4"}),
    ({"EQ_type": "Illuminance|AmountOfSubstancePerUnitVolume"}, {"s1", "s2", "s4", "s8"}),
    ({"EQ_deviceID": "urn:epc:id:giai:4000001.222"}, {"s4"}),
    ({"EQ_deviceID": "urn:epc:id:giai:4000001.111"}, {"s1", "s2", "s4", "s5", "s7", "s8"}),
    ({"EQ_dataProcessingMethod": "https://example.com/253/4012345000054987"}, {"s8"}),
    ({"EQ_microorganism": "https://www.ncbi.nlm.nih.gov/taxonomy/1126011"}, {"s8"}),
    ({"EQ_chemicalSubstance": "https://identifiers.org/inchikey:CZMRCDWAGMRECN-UGDNZRGBSA-N"}, {"s8"}),
    ({"EQ_bizRules": "https://example.com/253/4012345000054987"}, {"s2"}),
    ({"EQ_stringValue": "someSensorOutput"}, {"s6", "s8"}),
    ({"EQ_booleanValue": "true"}, {"s7", "s9"}),
    ({"EQ_booleanValue": "false"}, set()),
    ({"EQ_hexBinaryValue": "f0f0f0"}, {"s7"}),
    ({"EQ_uriValue": "https://example.com/ErrorCode-A827"}, {"s9"}),
    ({"GE_startTime": "2019-04-02T00:00:00Z"}, {"s2", "types"}),
    ({"LT_startTime": "2019-04-02T00:00:00Z"}, {"s3", "s6", "s8"}),
    ({"GE_endTime": "2019-11-01T00:00:00Z"}, {"types"}),
    ({"LT_endTime": "2019-04-02T14:56:00+01:00"}, {"s2"}),
    ({"GE_time": "2019-07-01T00:00:00Z"}, {"s7", "s8"}),
    ({"LT_time": "2019-04-02T14:06:00+01:00"}, {"s1", "s5"}),
    ({"EQ_value_CEL": "26.0|26.5"}, {"s1", "s4", "s5", "s7"}),
    ({"GE_value_CEL": "26.3"}, {"s5"}),
    ({"LT_value_KMH": "161"}, {"s1", "s4"}),
    ({"GT_value_C35": "0.1"}, {"s8"}),
    ({"LE_value_LUX": "800"}, {"s1", "s4"}),
    ({"GE_minValue_CEL": "20"}, {"s2"}),
    ({"LT_maxValue_CEL": "14"}, {"s3", "s6", "s8"}),
    ({"GT_meanValue_CEL": "20"}, {"s2"}),
    ({"LE_sDev_CEL": "0.2"}, {"s2"}),
    ({"GE_percValue_CEL": "12"}, {"s6", "s8"}),
    ({"GE_percRank": "50"}, {"s6", "s8"}),
    ({"LT_percRank": "50"}, set()),
    ({"EXISTS_sensorElementList": "true"}, SENSORS | {"types"}),
    ({"EQ_quantity": "150"}, {"s4", "s6"}),
    ({"GT_quantity": "450"}, {"ed_wrong", "ed_fix"}),
    ({"LT_quantity": "5"}, {"types"}),
    ({"EQ_quantity_KGM": "52"}, {"s8"}),
    ({"LE_quantity_KGM": "52"}, {"s8"}),
    ({"EQ_persistentDisposition_set": "completeness_verified"}, {"pd_insp"}),
    ({"EQ_persistentDisposition_set": "completeness_inferred"}, {"pd_recv"}),
    ({"EQ_persistentDisposition_unset": "https://ref.gs1.org/cbv/Disp-completeness_inferred"}, {"pd_insp"}),
    ({"EXISTS_errorDeclaration": "true"}, {"ed_wrong"}),
    ({"EXISTS_errorDeclaration": "false"}, ALL),
    ({"GE_errorDeclarationTime": "2020-01-01T00:00:00Z"}, {"ed_wrong"}),
    ({"LT_errorDeclarationTime": "2020-01-01T00:00:00Z"}, set()),
    ({"EQ_errorReason": "incorrect_data"}, {"ed_wrong"}),
    ({"EQ_errorReason": "urn:epcglobal:cbv:er:incorrect_data"}, {"ed_wrong"}),
    ({"EQ_errorReason": "did_not_occur"}, set()),
    ({"EQ_correctiveEventID": "urn:uuid:404d95fc-9457-4a51-bd6a-0bba133845a8"}, {"ed_wrong"}),
    ({"EQ_correctiveEventID": "urn:uuid:00000000-0000-4000-8000-000000000000"}, set()),
    ({"EQ_source_owning_party": "urn:epc:id:pgln:9520001.11111"}, {"pd_recv", "pd_insp"}),
    ({"EQ_source_owning_party": key_of("urn:epc:id:pgln:9520001.11111")}, {"pd_recv", "pd_insp"}),
    ({"EQ_source_possessing_party": "urn:epc:id:pgln:4000001.00012"}, {"types"}),
    ({"EQ_destination_owning_party": "urn:epc:id:pgln:9520999.99999"}, {"pd_recv", "pd_insp"}),
    ({"EQ_destination_possessing_party": "urn:epc:id:pgln:9520999.99999"}, set()),
    ({"EQ_bizTransaction_po": "http://transaction.acme.com/po/12345678"}, {"types", "obj_ship", "obj_recv"}),
    ({"EQ_bizTransaction_desadv": "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"}, {"pd_recv", "pd_insp"}),
    ({"EQ_readPoint": SGLN_S8}, {"s8"}),
    ({"EQ_readPoint": key_of(SGLN_S8)}, {"s8"}),
    ({"EQ_readPoint": key_of(SGLN_S8).replace("id.gs1.org", "example.com")}, {"s8"}),
    ({"EQ_readPoint": "https://id.gs1.org/" + compress({"414": "4012345000252"})}, {"s8"}),
    ({"EQ_readPoint": "urn:epc:id:sgln:8938501.00777.0"}, {"farm"}),
    ({"EQ_bizLocation": "urn:epc:id:sgln:0012345.11111.0"}, {"obj_recv"}),
    ({"EQ_bizLocation": key_of("urn:epc:id:sgln:0012345.11111.0")}, {"obj_recv"}),
    ({"MATCH_anyEPCClass": LOT_S4}, {"s4", "s6"}),
    (
        {"MATCH_anyEPCClass": "https://id.gs1.org/" + compress({"01": "04023333020008", "10": "2019-10-07"})},
        {"s4", "s6"},
    ),
    ({"WD_readPoint": _gln(FACILITY_GLN)}, {"farm", "plot1", "plot2_urn"}),
    ({"WD_readPoint": f"https://id.gs1.org/417/{ORG_GLN}"}, {"farm", "plot1", "plot2_urn", "org_area"}),
    ({"WD_readPoint": _gln(FACILITY_GLN, "plot1")}, {"plot1"}),
    ({"WD_bizLocation": "urn:epc:id:sgln:8938501.00777.0"}, {"farm", "plot1", "plot2_urn"}),
    ({"WD_readPoint": _gln(FACILITY_GLN), "EQ_readPoint": _gln(FACILITY_GLN)}, {"farm"}),
]


@pytest.mark.parametrize("params, expected", CASES, ids=[urlencode(p)[:60] for p, _e in CASES])
def test_parameter_finds_exactly(seeded, api, params, expected):
    assert _names(seeded, api, params) == expected


@pytest.mark.parametrize(
    "query, parameter, status",
    [
        ("EQ_example:cv=123", "EQ_example:cv", 400),
        ("EQ_INNER_ILMD_example:grade=A", "EQ_INNER_ILMD_example:grade", 400),
        ("orderBy=example:cv", "orderBy", 400),
        ("EQ_uom=CEL", "EQ_uom", 400),
        ("GT_time=2019-01-01T00:00:00Z", "GT_time", 400),
        ("GE_value_CEL=warm", "GE_value_CEL", 400),
        ("EQ_booleanValue=yes", "EQ_booleanValue", 400),
        ("EQ_action=MOVE", "EQ_action", 400),
        ("eventCountLimit=2", "eventCountLimit", 400),
        ("orderBy=eventTime&eventCountLimit=2&maxEventCount=5", "eventCountLimit", 400),
        ("maxEventCount=0", "maxEventCount", 400),
        ("EQ_type=Speed&maxEventCount=2", "maxEventCount", 413),
    ],
)
def test_refused_naming_the_parameter(api, query, parameter, status):
    response = api(query)
    assert response.status_code == status
    problem = response.json()
    assert problem["parameter"] == parameter
    expected = "QueryTooLargeException" if status == 413 else "QueryParameterException"
    assert problem["type"] == f"epcisException:{expected}"


def test_max_event_count_reached_exactly_answers(seeded, api):
    assert _names(seeded, api, {"EQ_type": "Speed", "maxEventCount": "3"}) == {"s1", "s2", "s4"}


def test_event_count_limit_keeps_the_first_n_across_pages(seeded, api):
    by_time = list(Event.objects.order_by("-event_time", "-pk").values_list("event_id", flat=True))
    seen: list[str] = []
    query: str | None = "orderBy=eventTime&eventCountLimit=3&perPage=2"
    pages = 0
    while query:
        response = api(query)
        assert response.status_code == 200, response.content
        seen += [e["eventID"] for e in response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]]
        link = response.get("Link")
        query = link[link.index("?") + 1 : link.index(">")] if link else None
        pages += 1
    assert (seen, pages) == (by_time[:3], 2)


def _event(api: Any, seeded: dict[str, Any], name: str, fmt: str | None) -> Any:
    headers = {"HTTP_GS1_EPC_FORMAT": fmt} if fmt else {}
    response = api({"EQ_eventID": seeded["names"][name]}, **headers)
    assert response.status_code == 200, response.content
    assert response["GS1-EPC-Format"] == (fmt or "Never_Translates")
    return response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"][0]


def test_epc_format_digital_link_urn_and_as_captured(seeded, api, client):
    event = _event(api, seeded, "s4", "Always_GS1_Digital_Link")
    assert event["readPoint"] == {"id": "https://id.gs1.org/414/4012345000054"}
    assert event["quantityList"][0]["epcClass"] == "https://id.gs1.org/01/04023333020008/10/2019-10-07"
    assert _event(api, seeded, "s4", None)["readPoint"] == {"id": "urn:epc:id:sgln:4012345.00005.0"}
    assert _event(api, seeded, "s1", "Always_GS1_Digital_Link")["epcList"] == [
        "https://id.gs1.org/01/04012345111118/21/9876"
    ]
    assert _event(api, seeded, "s1", "Never_Translates")["epcList"] == ["urn:epc:id:sgtin:4012345.011111.9876"]
    own = _event(api, seeded, "plot1", "Always_EPC_URN")
    # company prefix lengths from GS1's table (biip): 8938501007 and 8938501000 are ten digits there
    assert own["readPoint"] == {"id": "urn:epc:id:sgln:8938501007.77.plot1"}
    assert own["epcList"] == ["urn:epc:id:sgtin:8938501000.001.S1"]
    one = client.get(
        f"/epcis/events/{quote(seeded['names']['farm'], safe='')}",
        HTTP_AUTHORIZATION=f"Bearer {seeded['token']}",
        HTTP_GS1_EPC_FORMAT="Always_EPC_URN",
    )
    assert (one.status_code, one.json()["bizLocation"]) == (200, {"id": "urn:epc:id:sgln:8938501007.77.0"})
    bad = api({"EQ_eventID": seeded["names"]["farm"]}, HTTP_GS1_EPC_FORMAT="Sometimes")
    assert (bad.status_code, bad.json()["parameter"]) == (400, "GS1-EPC-Format")


def test_each_event_keeps_its_own_context_and_hash(seeded, api):
    """Two documents bind `ex` to different namespaces: the page binds the first, the second event carries its
    own @context, and GS1's event hash recomputed from the page equals the hash of each document as sent."""
    ids = "|".join(seeded["names"][n] for n in ("ctx_a", "ctx_b"))
    response = api({"EQ_eventID": ids, "orderBy": "recordTime", "orderDirection": "ASC"})
    page = response.json()
    events = page["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert [e["eventID"] for e in events] == [seeded["names"]["ctx_a"], seeded["names"]["ctx_b"]]
    assert page["@context"] == [
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        {"ex": "https://a.example/ns/"},
    ]
    assert "@context" not in events[0]
    assert events[1]["@context"] == [{"ex": "https://b.example/ns/"}]
    for name, event in zip(("ctx_a", "ctx_b"), events, strict=True):
        sent, context = seeded["contexts"][name]
        own = event.pop("@context", [])
        assert event_hash(event, page["@context"] + own) == event_hash(sent, context)
    assert event_hash(events[1], page["@context"]) != event_hash(*seeded["contexts"]["ctx_b"])  # merged: wrong


def test_samples_path_is_the_shared_material():
    assert Path(JSON_DIR).parts[-3:] == ("conformance", "epcis", "JSON")
    assert json.loads((JSON_DIR / SAMPLES["s8"][0]).read_text())["type"] == "EPCISDocument"
