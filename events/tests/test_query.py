"""GET /epcis/events: the standard parameters, paging, and who sees what; GET /api/v1/trace."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from events.models import Event
from events.tests.conftest import FARM, SSCC

pytestmark = pytest.mark.django_db


def _ids(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    doc = response.json()
    return [e["eventID"] for e in doc["epcisBody"]["queryResults"]["resultsBody"]["eventList"]]


def _login(client, actors, name):
    if name != "anonymous":
        client.force_login(actors[name])


QUERY_VIEWS = {"anonymous": 4, "consumer": 4, "producer": 5, "other_producer": 7, "officer": 8}


@pytest.mark.parametrize("few_public_keys", [2000, 0], ids=["from-public-keys", "probe-each-event"])
@pytest.mark.parametrize("name", sorted(QUERY_VIEWS))
def test_query_visibility_matrix(client, actors, chain, name, few_public_keys, monkeypatch):
    """Both plans for "events of public lots" (`visibility.public_event_filter`) give the same events."""
    from events import visibility

    monkeypatch.setattr(visibility, "FEW_PUBLIC_KEYS", few_public_keys)
    _login(client, actors, name)
    ids = _ids(client, "/epcis/events")
    assert len(ids) == QUERY_VIEWS[name]
    monkeypatch.setattr(visibility, "FEW_PUBLIC_KEYS", 2000 - few_public_keys)
    assert _ids(client, "/epcis/events") == ids


@pytest.mark.parametrize("name", sorted(QUERY_VIEWS))
def test_event_by_id_visibility(client, actors, chain, name):
    _login(client, actors, name)
    private = Event.objects.get(type="AggregationEvent")  # mentions only unpublished b and the pallet
    response = client.get(f"/epcis/events/{quote(private.event_id, safe='')}")
    assert response.status_code == (200 if name in ("other_producer", "officer") else 404)


def _all(client, chain, url):
    from accounts.models import User
    from accounts.tests.factories import UserFactory

    root = User.objects.filter(username="root").first() or UserFactory(username="root", is_superuser=True)
    client.force_login(root)
    return _ids(client, url)


def _types(url_ids):
    return [Event.objects.get(event_id=i).type for i in url_ids]


def test_filters(client, chain):
    q = lambda url: _all(client, chain, url)  # noqa: E731
    assert _types(q("/epcis/events?eventType=TransformationEvent|AggregationEvent")) == [
        "TransformationEvent",
        "AggregationEvent",
    ]
    assert len(q("/epcis/events?EQ_bizStep=shipping")) == 2
    assert len(q("/epcis/events?EQ_bizStep=shipping|receiving")) == 4
    assert len(q("/epcis/events?EQ_bizStep=https://ref.gs1.org/cbv/BizStep-shipping")) == 2
    assert len(q("/epcis/events?EQ_action=ADD")) == 3
    assert len(q(f"/epcis/events?EQ_bizLocation={FARM}")) == 3
    assert len(q(f"/epcis/events?EQ_readPoint={FARM}")) == 3
    assert len(q("/epcis/events?GE_eventTime=2026-11-04T08:00:00%2B07:00")) == 4
    assert len(q("/epcis/events?GE_eventTime=2026-11-04T08:00:00+07:00&LT_eventTime=2026-11-05T01:00:00Z")) == 1
    assert len(q("/epcis/events?GE_recordTime=2000-01-01T00:00:00Z&LT_recordTime=2100-01-01T00:00:00Z")) == 8
    assert len(q(f"/epcis/events?MATCH_epcClass={quote(chain.a)}")) == 3
    assert len(q(f"/epcis/events?MATCH_inputEPCClass={quote(chain.a)}")) == 1
    assert len(q(f"/epcis/events?MATCH_anyEPCClass={quote(chain.b)}")) == 2
    assert len(q(f"/epcis/events?MATCH_parentID={SSCC}")) == 1
    assert len(q(f"/epcis/events?MATCH_anyEPC={SSCC}")) == 3
    assert len(q(f"/epcis/events?MATCH_epc={SSCC}")) == 2
    urn = "urn:epc:id:sscc:8938501.1000000001"
    assert len(q(f"/epcis/events?MATCH_anyEPC={urn}")) == 3
    gtin = chain.lot_a.product.gtin
    pattern = f"urn:epc:idpat:sgtin:{gtin[1:8]}.{gtin[0]}{gtin[8:13]}.*"
    assert len(q(f"/epcis/events?MATCH_epcClass={quote(pattern)}")) == 4  # a and c share the product
    first = Event.objects.order_by("pk").first()
    assert q(f"/epcis/events?EQ_eventID={quote(first.event_id)}") == [first.event_id]


def test_order_and_pages(client, chain):
    q = lambda url: _all(client, chain, url)  # noqa: E731
    by_time = list(Event.objects.order_by("-event_time").values_list("event_id", flat=True))
    assert q("/epcis/events?orderBy=eventTime") == by_time
    assert q("/epcis/events?orderBy=eventTime&orderDirection=ASC") == by_time[::-1]
    seen: list = []
    url: str | None = "/epcis/events?orderBy=eventTime&perPage=3"
    while url:
        response = client.get(url)
        seen += [e["eventID"] for e in response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]]
        link = response.get("Link")
        url = link[1 : link.index(">")] if link else None
    assert seen == by_time


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/epcis/events?eventType=Nope", "eventType"),
        ("/epcis/events?GE_eventTime=yesterday", "GE_eventTime"),
        ("/epcis/events?EQ_quantity=three", "EQ_quantity"),  # a number is asked (issue 19: EQ_quantity is answered)
        ("/epcis/events?perPage=0", "perPage"),
        ("/epcis/events?orderBy=bizStep", "orderBy"),
        ("/epcis/events?nextPageToken=forged", "nextPageToken"),
    ],
)
def test_bad_parameters_400(client, db, url, parameter):
    response = client.get(url)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_trace_api_shape_and_visibility(client, chain):
    response = client.get(f"/api/v1/trace?id={quote(chain.a)}&direction=forward")
    assert response.status_code == 200
    data = response.json()
    assert set(data) >= {"root", "lots", "edges", "events"}
    assert [(n["lot"], n["depth"]) for n in data["lots"]] == [("A1", 0), ("B1", 1)]
    assert set(data["lots"][0]) >= {"gtin", "lot", "epc", "digital_link", "depth"}
    assert data["edges"] == [
        {
            "from": data["lots"][0]["epc"],
            "to": data["lots"][1]["epc"],
            "kind": "transformation",
            "event_id": data["edges"][0]["event_id"],
        }
    ]
    assert len(data["events"]) == 4
    assert client.get(f"/api/v1/trace?id={quote(SSCC)}").status_code == 404
    assert client.get(f"/api/v1/trace?id={quote(chain.a)}&direction=sideways").status_code == 400
