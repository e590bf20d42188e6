"""Who may say what about a lot: the matrix of event kinds × relations to the lot, over the EPCIS REST binding.

The owner (O) published lot L. R received L from O; P is the destination of a shipment of L still on its way;
S has nothing to do with L. Each captures, with its own API token, events of every kind naming L (or a new lot
under O's GTIN, or an item of O's product); what the owner may say, the receiver may say about what it received,
the pending destination only its receipt, and a stranger nothing. Refused events are not stored and never reach
the lot's public trace or consumer page.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from accounts.permissions import SYSTEM
from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory, LotFactory, OrganizationFactory, ProductFactory
from events.epcis import CONTEXT_URL
from events.epcis.prepare import prepare
from events.models import Event
from events.services import capture_events
from events.services.authority import PROVINCE, Authority, CaptureForbidden, owners
from events.tests.helpers import aggregation, body, document, lgtin, object_event, token_for, transformation

pytestmark = pytest.mark.django_db

FREE_SSCC = "https://id.gs1.org/00/089399990000000014"  # a company prefix nobody here has registered


def one(event: dict[str, Any]) -> str:
    """The body of `POST /epcis/events`: the event with its @context."""
    return json.dumps({"@context": [CONTEXT_URL], **event})


def gln_dl(org: Any) -> str:
    return f"https://id.gs1.org/417/{org.gln}"


def ship(
    objects: list[str], src: Any, dst: Any, *, step: str = "shipping", parent: bool = False, time: str | None = None
) -> dict[str, Any]:
    return object_event(
        [] if parent else objects,
        objects if parent else None,
        biz_step=step,
        action="OBSERVE",
        time=time or ("2026-11-03T08:00:00+07:00" if step == "shipping" else "2026-11-04T08:00:00+07:00"),
        sourceList=[{"type": "owning_party", "source": gln_dl(src)}],
        destinationList=[{"type": "owning_party", "destination": gln_dl(dst)}],
    )


class World:
    def __init__(self) -> None:
        self.owner = OrganizationFactory(name="HTX Chủ lô")
        self.receiver = OrganizationFactory(name="Nhà rang Đã nhận")
        self.pending = OrganizationFactory(name="Đại lý Đang chờ")
        self.stranger = OrganizationFactory(name="Kẻ lạ Mạo danh")
        self.product = ProductFactory(organization=self.owner)
        self.lot = LotFactory(product=self.product, lot_code="SNL2509A", status="published")
        self.lot_key = lgtin(self.product.gtin, "SNL2509A")
        self.new_lot_key = lgtin(self.product.gtin, "FAKE-1")
        self.item_key = f"https://id.gs1.org/01/{self.product.gtin}/21/S-1"
        capture_events(actor=SYSTEM, organization=self.owner, events=[object_event([self.lot_key])])
        capture_events(
            actor=SYSTEM,
            organization=self.owner,
            events=[ship([self.lot_key], self.owner, self.receiver), ship([self.lot_key], self.owner, self.pending)],
        )
        capture_events(
            actor=SYSTEM,
            organization=self.receiver,
            events=[ship([self.lot_key], self.owner, self.receiver, step="receiving")],
        )
        self.orgs = {"owner": self.owner, "receiver": self.receiver, "pending": self.pending, "stranger": self.stranger}

    def own_lot(self, org: Any) -> str:
        product = ProductFactory(organization=org)
        return lgtin(product.gtin, "OWN-1")

    def event(self, kind: str, org: Any) -> dict[str, Any]:
        lot = self.lot_key
        match kind:
            case "destroying":
                return object_event([lot], biz_step="destroying", disposition="destroyed", action="DELETE")
            case "observing":
                return object_event([lot], biz_step="inspecting", action="OBSERVE")
            case "receiving":
                return ship([lot], self.owner, org, step="receiving", time="2026-11-05T08:00:00+07:00")
            case "packing_child":
                return aggregation(FREE_SSCC, [lot])
            case "transformation_input":
                return transformation([lot], [self.own_lot(org)])
            case "transformation_output":
                return transformation([self.own_lot(org)], [self.new_lot_key])
            case "new_lot_of_owner":
                return object_event([self.new_lot_key])
            case "item_of_owner":
                return object_event(epcs=[self.item_key], action="ADD")
        raise AssertionError(kind)


KINDS = [
    "destroying",
    "observing",
    "receiving",
    "packing_child",
    "transformation_input",
    "transformation_output",
    "new_lot_of_owner",
    "item_of_owner",
]
ALLOWED = {
    "owner": set(KINDS),
    # the receiver speaks about what it received, not about new lots or items under the owner's GTIN
    "receiver": {"destroying", "observing", "receiving", "packing_child", "transformation_input"},
    "pending": {"receiving"},  # the destination of a shipment on its way may only receive it
    "stranger": set(),
}


@pytest.fixture
def world(db) -> World:
    return World()


@pytest.mark.parametrize("endpoint", ["capture", "events"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("relation", list(ALLOWED))
def test_capture_matrix(client, world, relation, kind, endpoint):
    org = world.orgs[relation]
    event = world.event(kind, org)
    before = Event.objects.count()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(org)}"}
    if endpoint == "capture":
        response = client.post("/epcis/capture", body(document([event])), content_type="application/ld+json", **headers)
    else:
        response = client.post("/epcis/events", one(event), content_type="application/ld+json", **headers)
    if kind in ALLOWED[relation]:
        assert response.status_code == (202 if endpoint == "capture" else 201), response.content
        assert Event.objects.count() == before + 1
        return
    assert response.status_code == 403, response.content
    problem = response.json()
    assert problem["type"] == "epcisException:SecurityException"
    assert [e["event_index"] for e in problem["errors"]] == [0]
    assert "belongs to another organisation" in problem["errors"][0]["message"]
    assert Event.objects.count() == before


def test_refused_attack_stays_off_public_pages(client, world):
    """The issue's attack: a stranger's `destroying` about the owner's published lot."""
    trace_url = f"/api/v1/trace?id={world.lot_key}"
    page_url = f"/01/{world.product.gtin}/10/SNL2509A"
    trace_before = client.get(trace_url).json()
    event = object_event([world.lot_key], biz_step="destroying", disposition="destroyed", action="DELETE")
    token = token_for(world.stranger)
    response = client.post(
        "/epcis/capture",
        body(document([event])),
        content_type="application/ld+json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 403
    trace_after = client.get(trace_url).json()
    assert trace_after == trace_before
    assert [e["bizStep"] for e in trace_after["events"]].count("destroying") == 0
    page = client.get(page_url).content.decode()
    assert world.stranger.name not in page
    assert "Tiêu huỷ" not in page and "Tiêu hủy" not in page
    # the failed job is the stranger's own, with its reasons
    job = client.get(response["Location"], HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert job["success"] is False
    assert job["errors"][0]["pointer"] == "/epcisBody/eventList/0/quantityList/0/epcClass"


def test_document_is_all_or_nothing(client, world):
    """One refused event refuses the whole document, each refused object named."""
    org = world.stranger
    own = world.own_lot(org)
    events = [object_event([own]), object_event([own], biz_step="inspecting"), world.event("destroying", org)]
    events.append(transformation([world.lot_key, own], [world.new_lot_key]))
    response = client.post(
        "/epcis/capture",
        body(document(events)),
        content_type="application/ld+json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(org)}",
    )
    assert response.status_code == 403
    assert [(e["event_index"], e["pointer"]) for e in response.json()["errors"]] == [
        (2, "/epcisBody/eventList/2/quantityList/0/epcClass"),
        (3, "/epcisBody/eventList/3/inputQuantityList/0/epcClass"),
        (3, "/epcisBody/eventList/3/outputQuantityList/0/epcClass"),
    ]
    assert not Event.objects.filter(organization=org).exists()


def test_receipt_in_the_same_document_opens_the_chain(client, world):
    """The pending destination receives the lot and roasts it in one document."""
    org = world.pending
    events = [world.event("receiving", org), transformation([world.lot_key], [world.own_lot(org)])]
    response = client.post(
        "/epcis/capture",
        body(document(events)),
        content_type="application/ld+json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(org)}",
    )
    assert response.status_code == 202, response.content
    assert Event.objects.filter(organization=org).count() == 2


def test_receipt_of_a_packed_unit_covers_its_contents(client, world):
    """O packs L into its own SSCC and ships the SSCC; R2 receives the SSCC, then may process L inside it."""
    world.owner.gs1_company_prefix = "8939876"
    world.owner.save()
    sscc = "https://id.gs1.org/00/089398760000000011"
    buyer = OrganizationFactory()
    capture_events(
        actor=SYSTEM,
        organization=world.owner,
        events=[aggregation(sscc, [world.lot_key]), ship([sscc], world.owner, buyer, parent=True)],
    )
    token = token_for(buyer)
    own = world.own_lot(buyer)

    def post(events: list[dict[str, Any]]) -> int:
        doc = body(document(events))
        return client.post(
            "/epcis/capture", doc, content_type="application/ld+json", HTTP_AUTHORIZATION=f"Bearer {token}"
        ).status_code

    assert post([transformation([world.lot_key], [own])]) == 403  # not received yet
    assert post([ship([sscc], world.owner, buyer, step="receiving", parent=True)]) == 202
    assert post([transformation([world.lot_key], [own])]) == 202
    # a stranger cannot receive the unit: it was not shipped to it
    stranger = token_for(world.stranger)
    doc = body(document([ship([sscc], world.owner, world.stranger, step="receiving", parent=True)]))
    response = client.post(
        "/epcis/capture", doc, content_type="application/ld+json", HTTP_AUTHORIZATION=f"Bearer {stranger}"
    )
    assert response.status_code == 403


def test_session_member_is_checked_too(client, world):
    user = UserFactory(username="member-of-stranger")
    user.memberships.create(organization=world.stranger, role="owner")
    client.force_login(user)
    response = client.post(
        "/epcis/events", one(world.event("destroying", world.stranger)), content_type="application/ld+json"
    )
    assert response.status_code == 403
    assert response.json()["type"] == "epcisException:SecurityException"


def test_unissued_provincial_code_is_refused(client, settings, world):
    settings.TRUYXUAT_PROVINCIAL_GS1_PREFIX = "8930000"
    unissued = lgtin("08930000999990", "X1")  # valid check digit, no product holds it
    mine = ProductFactory(organization=world.stranger, gtin="08930000999983")
    token = token_for(world.stranger)
    for key, status in ((unissued, 403), (lgtin(mine.gtin, "X1"), 202)):
        response = client.post(
            "/epcis/capture",
            body(document([object_event([key])])),
            content_type="application/ld+json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == status, response.content
    assert (
        "provincial GS1 prefix"
        in client.post(
            "/epcis/events",
            one(object_event([unissued])),
            content_type="application/ld+json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        ).json()["errors"][0]["message"]
    )


def test_foreign_codes_nobody_here_owns_are_free(client, world):
    foreign = lgtin("04012345000009", "IMPORT-1")  # a German company's GTIN, not registered here
    response = client.post(
        "/epcis/capture",
        body(document([object_event([foreign])])),
        content_type="application/ld+json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(world.stranger)}",
    )
    assert response.status_code == 202


def test_owners(world, settings):
    settings.TRUYXUAT_PROVINCIAL_GS1_PREFIX = "8930000"
    world.stranger.gs1_company_prefix = "893555"
    world.stranger.save()
    keys = [
        world.lot_key,
        world.item_key,
        lgtin("08935550000017", "ANY"),  # under the stranger's registered company prefix
        lgtin("08930000999990", "X"),  # provincial, not issued
        lgtin("04012345000009", "X"),  # nobody's here
        "https://id.gs1.org/414/8938501000007",  # a place: not an object
    ]
    assert owners(keys) == {
        world.lot_key: world.owner.pk,
        world.item_key: world.owner.pk,
        lgtin("08935550000017", "ANY"): world.stranger.pk,
        lgtin("08930000999990", "X"): PROVINCE,
    }


def _prepared(events: list[dict[str, Any]]) -> list[Any]:
    doc = document(events)
    header = {k: v for k, v in doc.items() if k != "epcisBody"}
    return prepare(events, header, doc["@context"], "2026-11-20T08:00:00.000Z").events


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("officer_here", True), ("officer_elsewhere", False), ("platform_admin", True), ("consumer", False)],
)
def test_officers_and_admins(world, who, allowed):
    """Agency officers speak about lots of their province (recording an inspection, say); admins about any."""
    here = AgencyFactory()
    elsewhere = AgencyFactory(province_code=1)
    actor = {
        "officer_here": UserFactory(username="o1", agency=here),
        "officer_elsewhere": UserFactory(username="o2", agency=elsewhere),
        "platform_admin": UserFactory(username="a", is_superuser=True),
        "consumer": UserFactory(username="c"),
    }[who]
    check = Authority(actor, here).check
    events = _prepared([world.event("observing", world.stranger)])
    if allowed:
        check(events)
    else:
        with pytest.raises(CaptureForbidden):
            check(events)


@pytest.mark.parametrize("status", ["pending", "suspended"])
@pytest.mark.parametrize("path", ["/epcis/capture", "/epcis/events"])
def test_members_of_an_organisation_not_approved_do_not_capture(client, world, status, path):
    """The issue's attacker signed itself up a minute ago: neither its tokens nor its members' sessions capture."""
    user = UserFactory(username="new-signup")
    user.memberships.create(organization=world.stranger, role="owner")
    world.stranger.status = status
    world.stranger.save(update_fields=["status"])
    client.force_login(user)
    event = object_event([world.own_lot(world.stranger)])
    data = body(document([event])) if path == "/epcis/capture" else one(event)
    response = client.post(path, data, content_type="application/ld+json")
    assert response.status_code == 403
    assert response.json()["type"] == "urn:truyxuat:problem:organization-not-approved"
    assert response.json()["organization_status"] == status
    assert not Event.objects.filter(organization=world.stranger).exists()


def test_association_names_its_children_by_their_own_fields(client, world):
    """A sensor associated with another producer's items: refused, pointing at childEPCs."""
    event = {
        "type": "AssociationEvent",
        "eventTime": "2026-11-06T08:00:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "parentID": "urn:epc:id:giai:4000001.SENSOR-1",
        "childEPCs": [world.item_key],
        "action": "ADD",
        "bizStep": "assembling",
    }
    response = client.post(
        "/epcis/events",
        one(event),
        content_type="application/ld+json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(world.stranger)}",
    )
    assert response.status_code == 403, response.content
    assert [e["pointer"] for e in response.json()["errors"]] == ["/epcisBody/eventList/0/childEPCs/0"]
