"""Done when (issue 26), over the real broker: a pallet of 40 cartons packed with RFID, loaded through a dock door
with one carton left behind (and a stranger's tag passing), received at the roaster's door. The shipment shows the
missing carton, the events are in the lot's trace, the consumer page of a carton's lot shows where it was read."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.permissions import SYSTEM
from diary.epcis import lot_epc
from events.models import Event
from events.trace import trace
from rfid import selectors, simulate
from rfid.bridge import RfidBridge
from rfid.models import TagRead
from rfid.tests.conftest import START, world

pytestmark = pytest.mark.django_db(transaction=True)


def test_forty_cartons_packed_loaded_one_missing_received_over_mqtt(mqtt_broker, client, organization, producer):
    gates, lot, cartons = world(organization, producer, cartons=40)
    bridge = RfidBridge(host="127.0.0.1", port=mqtt_broker.port).start()
    try:
        send = simulate.mqtt_sender(gates, "127.0.0.1", mqtt_broker.port)
        played = simulate.scenario(SYSTEM, gates, cartons, START, send)
    finally:
        bridge.stop()
    assert bridge.counters.dropped == 0 and bridge.events == 3

    shipment = played.shipment
    assert (shipment.status, shipment.lines.count()) == ("received", 39)
    (_load, loading), (_receive, receiving) = selectors.shipment_reads(shipment)
    assert loading.missing == [played.left_behind.sscc] == receiving.missing
    assert len(loading.read) == 40 and len(loading.foreign) == 1
    assert TagRead.objects.filter(ours=False).count() == 2  # the stranger at both doors, in no event

    chain = set(trace(lot_epc(lot), viewer=SYSTEM).event_pks)  # the receiver's receipt too
    for event_id in (played.pallet.event_id, shipment.ship_event_id, shipment.receive_event_id):
        assert Event.objects.get(event_id=event_id).pk in chain

    page = client.get(f"/workspace/shipments/{shipment.public_id}/")
    assert page.status_code == 302  # members only; the content is checked in test_pages
    lot.status, lot.published_at = "published", timezone.now()
    lot.save()
    consumer = client.get(f"/01/{lot.product.gtin.zfill(14)}/10/{lot.lot_code}").content.decode()
    assert "Đọc tại Cổng nhận hàng xưởng rang, 07/12 11:00" in consumer
