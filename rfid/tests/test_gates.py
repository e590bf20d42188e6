"""Reads become events through the capture path: a pallet packed at a station, loaded through a door with one
carton left behind and a stranger's tag passing, received at the roaster's door; collapsing; bad input."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

from accounts.permissions import SYSTEM
from events.models import Event
from rfid import payloads, selectors, services, simulate
from rfid.models import TagRead
from rfid.tests.conftest import NOW, START, direct, world

pytestmark = pytest.mark.django_db


def test_pack_load_with_a_carton_left_behind_and_receive(organization, producer):
    gates, lot, cartons = world(organization, producer)
    played = simulate.scenario(SYSTEM, gates, cartons, START, direct)

    assert sorted(played.pallet.children.values_list("sscc", flat=True)) == [c.sscc for c in cartons]
    pack = json.loads(Event.objects.get(event_id=played.pallet.event_id).body)
    assert (pack["type"], pack["bizStep"], len(pack["childEPCs"])) == ("AggregationEvent", "packing", 6)

    shipment = played.shipment
    assert (shipment.sender, shipment.receiver.name) == (organization, "Xưởng rang Kon Tum")
    assert sorted(ln.unit.sscc for ln in shipment.lines.select_related("unit")) == [c.sscc for c in cartons[:-1]]
    assert shipment.status == "received"
    ship = json.loads(Event.objects.get(event_id=shipment.ship_event_id).body)
    assert ship["bizStep"] == "shipping" and ship["readPoint"]["id"].startswith("https://id.gs1.org/414/")
    assert len(ship["epcList"]) == 6  # the pallet and five cartons; the stranger's tag is in no event
    assert not Event.objects.filter(body__contains="0614141").exists()

    (_load, load_state), (_receive, receive_state) = selectors.shipment_reads(shipment)
    assert load_state.missing == [played.left_behind.sscc] == receive_state.missing
    assert [r.uri for r in load_state.foreign] == ["urn:epc:id:sscc:0614141.1234567890"]
    assert load_state.unexpected == [] and len(load_state.read) == 6
    reads = TagRead.objects.filter(read_point=gates.door_out)
    assert reads.count() == 7 and sum(reads.values_list("count", flat=True)) == 7 * 3 + 5 * 3
    assert [r["place"] for r in selectors.lot_reads(lot)] == [
        "Cổng nhận hàng xưởng rang",
        "Cổng kho Đăk Hà",
        "Bàn đóng gói",
    ]


def test_repeated_reads_collapse_within_the_window(organization, producer):
    gates, _lot, cartons = world(organization, producer, cartons=2)
    hexes = [simulate.epc_hex(c) for c in cartons]
    first = direct(gates.door_out, simulate.message(hexes, START, repeat=4))
    again = direct(gates.door_out, simulate.message(hexes, START + dt.timedelta(seconds=30)))
    later = direct(gates.door_out, simulate.message(hexes[:1], START + dt.timedelta(minutes=5)))
    assert (first.observations, first.collapsed, len(first.events)) == (2, 6, 1)
    assert (again.observations, again.collapsed, again.events) == (0, 6, [])
    assert (later.observations, len(later.events)) == (1, 1)


@pytest.mark.parametrize(
    ("epc", "words"),
    [
        ("3154257BF4499602D20000", "24 hexadecimal"),
        ("3154257BF4499602D200000G", "24 hexadecimal"),
        ("E28011606000020A2B3C4D5E", "unknown EPC header 0xE2"),
        ("311C257BF4499602D2000000", "malformed SSCC-96"),  # partition 7
        ("3154257BF4499602D2000001", "reserved bits"),
    ],
)
def test_bad_tags_refuse_the_whole_call(organization, producer, epc, words):
    gates, _lot, cartons = world(organization, producer, cartons=1)
    good = simulate.epc_hex(cartons[0])
    with pytest.raises(ValidationError) as info:
        direct(gates.door_out, {"reads": [{"epc": good}, {"epc": epc}]})
    assert words in " ".join(info.value.messages)
    assert TagRead.objects.count() == 0


def test_unknown_antenna_and_not_a_reader_are_refused(organization, producer, sensor_device):
    gates, _lot, cartons = world(organization, producer, cartons=1)
    services.ReadPoint.objects.filter(pk=gates.door_out.pk).update(antenna=1)
    with pytest.raises(ValidationError) as info:
        direct(gates.door_out, {"reads": [{"epc": simulate.epc_hex(cartons[0]), "antenna": 2}]})
    assert "antenna 2 has no read point" in " ".join(info.value.messages)
    with pytest.raises(ValidationError):
        services.record_reads(
            actor=SYSTEM, device=sensor_device, reads=payloads.parse({"reads": [{"epc": "x"}]}), now=NOW
        )
    assert TagRead.objects.count() == 0
