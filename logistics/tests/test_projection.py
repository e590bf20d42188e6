"""Issue 17: logistics events a partner's system captures through `POST /epcis/capture` are projected into logistic
units and shipments in the capture's transaction, as the workspace's forms write them."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from diary.epcis import event_time, sscc_epc
from diary.tests.factories import days_ago, farm
from events.epcis import CONTEXT_URL
from events.tests.helpers import token_for
from gs1.keys import with_check_digit
from logistics import services
from logistics.models import LogisticUnit, Shipment

pytestmark = pytest.mark.django_db


def _capture(client, token, events):
    doc = {
        "@context": [CONTEXT_URL],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": timezone.now().isoformat(),
        "epcisBody": {"eventList": events},
    }
    response = client.post(
        "/epcis/capture", json.dumps(doc).encode(), "application/ld+json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 202, response.content
    return response


def _event(kind, hours, **fields):
    when, offset = event_time(days_ago(1, hour=hours))
    return {
        "type": kind,
        "eventID": f"urn:uuid:{uuid.uuid4()}",
        "eventTime": when,
        "eventTimeZoneOffset": offset,
        **fields,
    }


def test_a_partners_packing_shipping_and_receiving_become_units_and_a_shipment(
    client, producer, organization, other_organization
):
    area, product = farm(organization)
    lot = services.harvest(
        actor=producer,
        organization=organization,
        data={"product": product, "growing_area": area, "quantity": "100", "harvested_at": days_ago(2)},
    )
    cartons = services.pack(
        actor=producer,
        organization=organization,
        data={"kind": "carton", "contents": [{"lot": lot, "quantity": "20"}], "count": 2},
    )
    organization.gs1_company_prefix = "8934567"  # its own prefix: its SSCCs are its own before the platform knows them
    organization.save(update_fields=["gs1_company_prefix"])
    pallet = with_check_digit("38934567000000042")  # not yet a unit of the platform: the partner's packing makes it
    token, theirs = token_for(organization), token_for(other_organization)
    pack = _event(
        "AggregationEvent",
        6,
        parentID=sscc_epc(pallet),
        childEPCs=[sscc_epc(c.sscc) for c in cartons],
        action="ADD",
        bizStep="packing",
    )
    shipment_id = uuid.uuid4()
    desadv = [{"type": "desadv", "bizTransaction": f"urn:uuid:{shipment_id}"}]
    ship = _event(
        "ObjectEvent",
        7,
        epcList=[sscc_epc(pallet)],
        action="OBSERVE",
        bizStep="shipping",
        bizTransactionList=desadv,
        destinationList=[{"type": "owning_party", "destination": f"https://id.gs1.org/417/{other_organization.gln}"}],
    )
    _capture(client, token, [pack, ship])

    unit = LogisticUnit.objects.get(sscc=pallet)
    assert (unit.organization, unit.kind, unit.event_id) == (organization, "pallet", pack["eventID"])
    assert sorted(unit.children.values_list("sscc", flat=True)) == sorted(c.sscc for c in cartons)
    shipment = Shipment.objects.get(public_id=shipment_id)
    assert (shipment.sender, shipment.receiver, shipment.status) == (organization, other_organization, "pending")
    assert sorted((ln.unit.sscc, ln.lot, ln.quantity) for ln in shipment.lines.all()) == sorted(
        (c.sscc, lot, Decimal("20.000")) for c in cartons
    )

    receive_one = _event(
        "ObjectEvent",
        9,
        epcList=[sscc_epc(cartons[0].sscc)],
        action="OBSERVE",
        bizStep="receiving",
        bizTransactionList=desadv,
    )
    _capture(client, theirs, [receive_one])
    shipment.refresh_from_db()
    assert shipment.status == "discrepancy"
    assert shipment.receive_event_id == receive_one["eventID"]
    received = {ln.unit.sscc: ln.received_quantity for ln in shipment.lines.select_related("unit")}
    assert received == {cartons[0].sscc: Decimal("20.000"), cartons[1].sscc: None}

    receive_two = _event(
        "ObjectEvent",
        10,
        epcList=[sscc_epc(cartons[1].sscc)],
        action="OBSERVE",
        bizStep="receiving",
        bizTransactionList=desadv,
    )
    _capture(client, theirs, [receive_two])
    shipment.refresh_from_db()
    assert shipment.status == "received"
    assert {ln.received_quantity for ln in shipment.lines.all()} == {Decimal("20.000")}


def test_a_shipping_event_without_a_receiving_organisation_stays_an_event(client, producer, organization):
    area, product = farm(organization)
    lot = services.harvest(
        actor=producer,
        organization=organization,
        data={"product": product, "growing_area": area, "quantity": "10", "harvested_at": days_ago(2)},
    )
    carton = services.pack(
        actor=producer, organization=organization, data={"kind": "carton", "contents": [{"lot": lot, "quantity": "5"}]}
    )[0]
    ship = _event("ObjectEvent", 7, epcList=[sscc_epc(carton.sscc)], action="OBSERVE", bizStep="shipping")
    before = Shipment.objects.count()
    _capture(client, token_for(organization), [ship])
    assert Shipment.objects.count() == before
