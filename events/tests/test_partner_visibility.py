"""Visibility for partners (issue 19 item 5): the destination of a shipment sees it, and what it carries, before
anything is published; nobody else does. Three organisations: a sender, the receiver, a bystander (who later
receives the rest of the lot)."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.permissions import SYSTEM
from catalog.tests.factories import FacilityFactory, LotFactory, OrganizationFactory, ProductFactory
from events.services import capture_events
from events.tests.helpers import aggregation, lgtin, object_event, token_for
from gs1.identifiers import GS1Key, epc_urn

pytestmark = pytest.mark.django_db

SSCC = "https://id.gs1.org/00/189385010000000023"


def _party(gln: str) -> str:
    return f"https://id.gs1.org/417/{gln}"


def _ship(objects: list[str], to: str, time: str, parent: str | None = None, **extra: Any) -> dict[str, Any]:
    event = object_event(objects, biz_step="shipping", action="OBSERVE", time=time, **extra)
    if parent:
        event = object_event([], [parent], biz_step="shipping", action="OBSERVE", time=time, **extra)
    event["destinationList"] = [{"type": "owning_party", "destination": to}]
    return event


@pytest.fixture
def chain() -> dict[str, Any]:
    sender, receiver, bystander = OrganizationFactory(), OrganizationFactory(), OrganizationFactory()
    dock = FacilityFactory(organization=receiver)
    product = ProductFactory(organization=sender)
    for code in ("L1", "M1"):
        LotFactory(product=product, lot_code=code, status="draft")  # nothing published
    lot, other = lgtin(product.gtin, "L1"), lgtin(product.gtin, "M1")
    dock_urn = epc_urn(GS1Key("sgln", "", gln=dock.gln), 7)  # the receiver's facility, written as a URN
    events = {
        "made_l": object_event([lot], time="2026-11-01T08:00:00+07:00"),
        "made_m": object_event([other], time="2026-11-01T09:00:00+07:00"),
        "packed": aggregation(SSCC, [other], time="2026-11-01T10:00:00+07:00"),
        "ship_l": _ship([lot], _party(receiver.gln), "2026-11-02T08:00:00+07:00"),
        "ship_pallet": _ship([], dock_urn, "2026-11-02T09:00:00+07:00", parent=SSCC),
        "ship_rest": _ship([lot], _party(bystander.gln), "2026-11-03T08:00:00+07:00"),
    }
    for name, event in events.items():
        event["eventID"] = f"urn:uuid:00000000-0000-4000-8000-{list(events).index(name):012d}"
    capture_events(actor=SYSTEM, organization=sender, events=list(events.values()))
    ids = {name: event["eventID"] for name, event in events.items()}
    return {"sender": sender, "receiver": receiver, "bystander": bystander, "ids": ids, "events": events}


def _seen(client: Any, organization: Any, chain: dict[str, Any]) -> set[str]:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(organization)}"} if organization is not None else {}
    response = client.get("/epcis/events?perPage=50", **headers)
    assert response.status_code == 200, response.content
    got = {e["eventID"] for e in response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]}
    names = {v: k for k, v in chain["ids"].items()}
    return {names[i] for i in got}


def test_each_organisation_sees_what_is_addressed_to_it(client, chain):
    assert _seen(client, chain["sender"], chain) == set(chain["ids"])
    # the receiver: its two shipments (one naming it as a party, one naming its facility in URN form), and the
    # history of what they carry up to the shipment (the lot, and the lot packed into the pallet)
    assert _seen(client, chain["receiver"], chain) == {"made_l", "made_m", "packed", "ship_l", "ship_pallet"}
    # the bystander receives the rest of the lot later: its shipment and the lot's making, not the receiver's
    assert _seen(client, chain["bystander"], chain) == {"made_l", "ship_rest"}
    assert _seen(client, None, chain) == set()  # the public: nothing is published
    assert _seen(client, OrganizationFactory(), chain) == set()


def test_event_detail_follows_the_same_rule(client, chain):
    token = token_for(chain["bystander"])
    for name, status in (("ship_rest", 200), ("made_l", 200), ("ship_l", 404), ("packed", 404)):
        response = client.get(f"/epcis/events/{chain['ids'][name]}", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == status, name


def test_a_shipment_declared_in_error_grants_nothing(client, chain):
    declared = dict(chain["events"]["ship_rest"])
    declared["errorDeclaration"] = {"declarationTime": "2026-11-04T08:00:00+07:00", "reason": "did_not_occur"}
    result = capture_events(actor=SYSTEM, organization=chain["sender"], events=[declared])
    assert result.declared == [{"index": 0, "eventID": chain["ids"]["ship_rest"]}]
    assert _seen(client, chain["bystander"], chain) == set()
    assert _seen(client, chain["receiver"], chain) == {"made_l", "made_m", "packed", "ship_l", "ship_pallet"}
