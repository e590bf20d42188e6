"""The REST binding's top-level discovery resources (issue 19, item 3): /epcis/eventTypes, /epcs, /bizSteps,
/bizLocations, /readPoints, /dispositions, each value's sub-resources and its events; paged with nextPageToken,
listing only what the caller may see."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from accounts.permissions import SYSTEM
from events.epc_format import translated
from events.epcis.cbv import biz_steps, dispositions
from events.services import capture_events
from events.tests.helpers import GTIN_A, lgtin, object_event, token_for

pytestmark = pytest.mark.django_db

FARM = "https://id.gs1.org/414/8938501000007"
DOOR = "https://id.gs1.org/414/8938501000007/254/1"
ITEM = "https://id.gs1.org/01/09521234543213/21/SER1"  # a company prefix GS1's table knows (7 digits)
ITEM_URN = translated(ITEM, "Always_EPC_URN")
CUSTOM_STEP = "https://example.org/steps/sorting"


@pytest.fixture
def tokens(organization: Any, other_organization: Any) -> dict[str, str]:
    capture_events(
        actor=SYSTEM,
        organization=organization,
        events=[
            object_event([lgtin(GTIN_A, "D1")], location=FARM),
            object_event(
                [], [ITEM], biz_step="shipping", action="OBSERVE", disposition="in_transit", readPoint={"id": DOOR}
            ),
            object_event([lgtin(GTIN_A, "D2")], biz_step=CUSTOM_STEP, action="OBSERVE"),
        ],
    )
    return {"a": token_for(organization), "b": token_for(other_organization)}


def _get(client: Any, path: str, token: str, **headers: Any) -> Any:
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}", **headers)


def _all(client: Any, path: str, token: str, per_page: int) -> tuple[list[str], int]:
    """Every member of a collection, following its Link headers; and how many pages that took."""
    members: list[str] = []
    url, pages = f"{path}?perPage={per_page}", 0
    while url:
        response = _get(client, url, token)
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["type"], body["@context"]) == (
            "Collection",
            "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        )
        members += body["member"]
        pages += 1
        link = response.get("Link")
        url = link[1 : link.index(">")] if link else ""
    return members, pages


def test_event_types_paged(client, tokens):
    members, pages = _all(client, "/epcis/eventTypes", tokens["a"], 2)
    assert members == ["ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent"]
    assert pages == 3
    bad = _get(client, "/epcis/eventTypes?nextPageToken=forged", tokens["a"])
    assert (bad.status_code, bad.json()["parameter"]) == (400, "nextPageToken")


def test_vocabularies_list_the_standard_values_and_the_callers_extensions(client, tokens):
    steps, _pages = _all(client, "/epcis/bizSteps", tokens["a"], 1000)
    assert steps == [*sorted(biz_steps()), CUSTOM_STEP]
    others, _pages = _all(client, "/epcis/bizSteps", tokens["b"], 7)
    assert others == sorted(biz_steps())  # B does not see A's unpublished events, nor their steps
    found, _pages = _all(client, "/epcis/dispositions", tokens["a"], 1000)
    assert found == sorted(dispositions())


def test_locations_are_those_of_events_the_caller_sees(client, tokens):
    assert _all(client, "/epcis/bizLocations", tokens["a"], 1)[0] == [FARM]
    assert _all(client, "/epcis/readPoints", tokens["a"], 1) == ([FARM, DOOR], 2)
    assert _all(client, "/epcis/bizLocations", tokens["b"], 5)[0] == []
    assert _all(client, "/epcis/readPoints", tokens["b"], 5)[0] == []


def test_epcs_in_either_form(client, tokens):
    assert _all(client, "/epcis/epcs", tokens["a"], 10)[0] == [ITEM]
    urns = _get(client, "/epcis/epcs", tokens["a"], HTTP_GS1_EPC_FORMAT="Always_EPC_URN").json()["member"]
    assert urns == [ITEM_URN]
    assert ITEM_URN.startswith("urn:epc:id:sgtin:") and ITEM_URN.endswith(".SER1")
    refused = _get(client, "/epcis/epcs", tokens["a"], HTTP_GS1_EPC_FORMAT="Sometimes")
    assert (refused.status_code, refused.json()["parameter"]) == (400, "GS1-EPC-Format")
    assert _all(client, "/epcis/epcs", tokens["b"], 10)[0] == []


@pytest.mark.parametrize(
    ("path", "count"),
    [
        ("/epcis/eventTypes/ObjectEvent/events", 3),
        (f"/epcis/epcs/{quote(ITEM, safe='')}/events", 1),
        (f"/epcis/epcs/{ITEM_URN}/events", 1),
        ("/epcis/bizSteps/shipping/events", 1),
        (f"/epcis/bizSteps/{quote(CUSTOM_STEP, safe='')}/events", 1),
        (f"/epcis/bizLocations/{quote(FARM, safe='')}/events", 1),
        (f"/epcis/readPoints/{quote(DOOR, safe='')}/events", 1),
        ("/epcis/dispositions/in_transit/events", 1),
        ("/epcis/dispositions/in_transit/events?EQ_bizStep=receiving", 0),
    ],
)
def test_a_values_events(client, tokens, path, count):
    response = _get(client, path, tokens["a"])
    assert response.status_code == 200
    assert response.json()["type"] == "EPCISQueryDocument"
    assert len(response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]) == count
    hidden = _get(client, path, tokens["b"])
    assert hidden.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"] == []


def test_a_values_events_page_back_to_itself(client, tokens):
    first = _get(client, "/epcis/eventTypes/ObjectEvent/events?perPage=2", tokens["a"])
    link = first["Link"]
    assert link.startswith("</epcis/eventTypes/ObjectEvent/events?perPage=2&nextPageToken=")
    second = _get(client, link[1 : link.index(">")], tokens["a"])
    assert len(second.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]) == 1


@pytest.mark.parametrize(
    ("path", "a", "b"),
    [
        ("/epcis/eventTypes/ObjectEvent", 200, 200),
        ("/epcis/eventTypes/HarvestEvent", 404, 404),
        ("/epcis/eventTypes/HarvestEvent/events", 404, 404),
        ("/epcis/bizSteps/shipping", 200, 200),
        (f"/epcis/bizSteps/{quote(CUSTOM_STEP, safe='')}", 200, 404),
        ("/epcis/dispositions/in_transit", 200, 200),
        (f"/epcis/bizLocations/{quote(FARM, safe='')}", 200, 404),
        (f"/epcis/readPoints/{quote(DOOR, safe='')}", 200, 404),
        (f"/epcis/epcs/{quote(ITEM, safe='')}", 200, 404),
        ("/epcis/epcs/urn:epc:id:sgtin:8938501.000001.NOPE", 404, 404),
    ],
)
def test_sub_resources(client, tokens, path, a, b):
    found = _get(client, path, tokens["a"])
    assert found.status_code == a
    if a == 200:
        assert found.json()["member"] == ["events"]
    else:
        assert found.json()["type"] == "epcisException:NoSuchResourceException"
    assert _get(client, path, tokens["b"]).status_code == b


def test_options_and_methods(client, tokens):
    options = client.options("/epcis/bizSteps", HTTP_AUTHORIZATION=f"Bearer {tokens['a']}")
    assert (options.status_code, options["Allow"]) == (204, "OPTIONS, GET")
    assert client.post("/epcis/bizSteps", HTTP_AUTHORIZATION=f"Bearer {tokens['a']}").status_code == 405
    assert client.get("/epcis/epcs", HTTP_AUTHORIZATION="Bearer unknown").status_code == 401
