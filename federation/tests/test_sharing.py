"""Sharing before publication (issue 23 item 1), answered in one process over the real signed-request path: a peer
signs its GET with its Ed25519 key (`federation.signing`, RFC 9421) and this node verifies it as for any peer.

A peer whose policy shares sees, of an unpublished lot, the shipping events addressed to its organisations' GLNs,
and nothing else of the lot (not its harvest, not a shipment to someone else, not a move to one of this node's own
organisations that the peer's identity claims); a peer whose policy does not share, an unknown signer and an unsigned
request see only what is published. The node test (`test_federation.py`) shows the asking side."""

from __future__ import annotations

import json
import urllib.parse
from decimal import Decimal
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from accounts.permissions import SYSTEM
from catalog.tests.factories import FacilityFactory, LotFactory, OrganizationFactory, ProductFactory
from events.services import capture_events
from events.tests.helpers import object_event
from federation import services, signing
from federation.tests.test_units import HTTP_KEY, make_peer
from gs1.keys import with_check_digit

pytestmark = pytest.mark.django_db

PEER_ORG = with_check_digit("893200200001")  # the peer's roaster, registered on the peer's node
STRANGER = with_check_digit("893500500001")  # nobody's organisation on either node
OURS = with_check_digit("893100100001")
OUR_STORE = with_check_digit("893100100002")


def _move(lot: str, gln: str, time: str) -> dict[str, Any]:
    return object_event(
        [lot],
        biz_step="shipping",
        action="OBSERVE",
        time=time,
        location=f"https://id.gs1.org/414/{OURS}",
        sourceList=[{"type": "owning_party", "source": f"https://id.gs1.org/417/{OURS}"}],
        destinationList=[{"type": "owning_party", "destination": f"https://id.gs1.org/417/{gln}"}],
    )


@pytest.fixture
def lots() -> dict[str, Any]:
    """An unpublished lot harvested, shipped to the peer's roaster, to a stranger and to our own store; a published
    lot harvested."""
    org = OrganizationFactory(gln=OURS, gs1_company_prefix="8931001")
    FacilityFactory(organization=org, gln=OUR_STORE)
    product = ProductFactory(organization=org, gtin="0" + with_check_digit("893100100001"))
    draft = LotFactory(product=product, lot_code="CP-02", quantity=Decimal("500"), unit="KGM", status="draft")
    public = LotFactory(product=product, lot_code="CP-01", quantity=Decimal("500"), unit="KGM", status="published")
    link = f"https://id.gs1.org/01/{product.gtin}/10/"
    harvest = object_event(
        [link + "CP-02"], time="2026-11-01T08:00:00+07:00", location=f"https://id.gs1.org/414/{OURS}"
    )
    events = [
        harvest,
        _move(link + "CP-02", PEER_ORG, "2026-11-02T08:00:00+07:00"),
        _move(link + "CP-02", STRANGER, "2026-11-03T08:00:00+07:00"),
        _move(link + "CP-02", OUR_STORE, "2026-11-04T08:00:00+07:00"),
        object_event([link + "CP-01"], time="2026-11-01T09:00:00+07:00", location=f"https://id.gs1.org/414/{OURS}"),
    ]
    result = capture_events(actor=SYSTEM, organization=org, events=events)
    assert draft.status == "draft" and public.status == "published"
    return {"draft": link + "CP-02", "public": link + "CP-01", "ids": result.stored}


def _signed_get(client, path: str, key: Ed25519PrivateKey = HTTP_KEY, keyid: str = "peer.test/ledger"):
    headers = signing.sign("GET", "http://testserver" + path, key, keyid)
    return client.get(path, HTTP_SIGNATURE=headers["Signature"], HTTP_SIGNATURE_INPUT=headers["Signature-Input"])


def _events(client, lot: str, **kwargs: Any) -> list[tuple[str, list[str]]]:
    answer = _signed_get(client, "/federation/events?" + urllib.parse.urlencode({"MATCH_anyEPCClass": lot}), **kwargs)
    assert answer.status_code == 200, answer.content
    found = answer.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    return [(e["bizStep"], [d["destination"] for d in e.get("destinationList", [])]) for e in found]


def test_a_sharing_peer_sees_only_the_shipments_to_its_organisations(client, lots):
    make_peer(glns=[PEER_ORG, OURS, OUR_STORE], share_before_publication=True)  # it claims ours: not honoured
    assert _events(client, lots["draft"]) == [("shipping", [f"https://id.gs1.org/417/{PEER_ORG}"])]
    assert _events(client, lots["public"]) == [("commissioning", [])]


def test_a_peer_that_is_not_shared_with_sees_the_published_only(client, lots):
    make_peer(glns=[PEER_ORG], share_before_publication=False)
    assert _events(client, lots["draft"]) == []
    assert _events(client, lots["public"]) == [("commissioning", [])]


def test_turning_the_policy_on_and_off_takes_effect_at_once(client, lots):
    peer = make_peer(glns=[PEER_ORG])
    assert _events(client, lots["draft"]) == []
    services.set_policy(actor=SYSTEM, peer=peer, share_before_publication=True)
    assert len(_events(client, lots["draft"])) == 1
    services.set_policy(actor=SYSTEM, peer=peer, share_before_publication=False)
    assert _events(client, lots["draft"]) == []


def test_unsigned_and_unknown_signers_are_refused(client, lots):
    make_peer(glns=[PEER_ORG], share_before_publication=True)
    path = "/federation/events?" + urllib.parse.urlencode({"MATCH_anyEPCClass": lots["draft"]})
    assert client.get(path).status_code == 401
    stranger = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    assert _signed_get(client, path, key=stranger).status_code == 401
    answer = _signed_get(client, path, key=stranger, keyid="nobody.test/ledger")
    assert (answer.status_code, json.loads(answer.content)["title"]) == (
        401,
        "Chữ ký yêu cầu không hợp lệ / Invalid request signature",
    )


def test_a_malformed_query_is_a_bilingual_400(client, lots):
    make_peer(glns=[PEER_ORG], share_before_publication=True)
    answer = _signed_get(client, "/federation/events?GE_eventTime=yesterday")
    assert answer.status_code == 400
    assert answer.json()["title"] == "Truy vấn không hợp lệ / Invalid query"


def test_proofs_cover_the_shared_shipment_for_that_peer_only(client, lots):
    peer = make_peer(glns=[PEER_ORG], share_before_publication=True)
    ship = _signed_get(client, "/federation/events?" + urllib.parse.urlencode({"MATCH_anyEPCClass": lots["draft"]}))
    [shipping] = ship.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    query = "/federation/proofs?" + urllib.parse.urlencode({"eventID": lots["ids"]}, doseq=True)
    proved = _signed_get(client, query).json()
    assert [json.loads(r["canonical"])["data"]["eventID"] for r in proved["records"]] == [
        shipping["eventID"],
        lots["ids"][4],
    ]
    assert [json.loads(r["canonical"])["data"]["eventID"] for r in client.get(query).json()["records"]] == [
        lots["ids"][4]
    ]
    services.set_policy(actor=SYSTEM, peer=peer, share_before_publication=False)
    assert len(_signed_get(client, query).json()["records"]) == 1


NOTE_VI = "Bạn là cán bộ của tỉnh: hành trình gồm cả các lô hàng tỉnh khác gửi tới tổ chức trong tỉnh mình"


def test_the_chain_page_asks_for_shared_parts_for_officers_only(client, lots, officer, producer):
    page = "/lien-tinh/?" + urllib.parse.urlencode({"ma": lots["public"]})
    assert NOTE_VI not in client.get(page).content.decode()
    client.force_login(producer)
    assert NOTE_VI not in client.get(page).content.decode()
    client.force_login(officer)
    answer = client.get(page).content.decode()
    assert NOTE_VI in answer and "đã kiểm chứng với sổ cái" in answer
