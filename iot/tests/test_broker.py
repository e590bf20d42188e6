"""Done when (issue 21), with the real broker: a simulated truck's excursion during a shipment becomes an alert, an
EPCIS event with sensor data on the lots aboard, a hold and a line on the consumer's page; a revoked device's
publish is refused by the broker."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time

import paho.mqtt.client as mqtt
import pytest

from events.models import Event
from iot import services
from iot.bridge import Bridge
from iot.models import ConditionHold, Excursion, Reading
from logistics.services.shipments import create_shipment
from notifications.models import Notification
from portal.tests.factories import published_lot

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(check, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


def connect(port, user, secret, protocol=mqtt.MQTTv311):
    """A device's client; returns (client, connack reason)."""
    done = threading.Event()
    result = {}
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"{user}-{time.monotonic_ns()}", protocol=protocol)
    client.username_pw_set(user, secret)

    def on_connect(c, userdata, flags, reason, properties=None):
        result["reason"] = reason
        done.set()

    def on_publish(c, userdata, mid, reason, properties=None):
        result.setdefault("puback", {})[mid] = reason

    client.on_connect = on_connect
    client.on_publish = on_publish
    client.connect("127.0.0.1", port)
    client.loop_start()
    assert done.wait(5)
    return client, result


def test_truck_excursion_alert_event_hold_consumer_line_and_revoked_device(mqtt_broker, client):
    lot = published_lot()
    org = lot.product.organization
    from accounts.models import Membership
    from accounts.tests.factories import UserFactory

    owner = UserFactory(username="chu-xe")
    Membership.objects.create(user=owner, organization=org, role="owner")
    truck = services.add_vehicle(actor=owner, organization=org, plate="82C-123.45", name="Xe lạnh 1")
    device, secret = services.register_device(
        actor=owner,
        organization=org,
        data={"identifier": "xe-lanh-01", "name": "Máy ghi xe lạnh", "kind": "vehicle", "quantities": ["temperature"]},
    )
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    services.place_device(
        actor=owner, device=device, kind="vehicle", place_id=truck.pk, start=now - dt.timedelta(hours=2)
    )
    services.save_profile(
        actor=owner,
        organization=org,
        data={
            "name": "Chuỗi lạnh 2–8 °C",
            "quantity": "temperature",
            "low": "2",
            "high": "8",
            "min_minutes": "15",
            "vehicle": truck.pk,
        },
    )
    shipment = create_shipment(
        actor=owner,
        organization=org,
        data={
            "buyer_name": "Cửa hàng Sạch Kon Tum",
            "buyer_phone": "0905123456",
            "lines": [{"lot": lot.pk, "quantity": "10"}],
            "shipped_at": now - dt.timedelta(hours=1),
        },
    )
    services.assign_trip(actor=owner, shipment=shipment, vehicle=truck)

    bridge = Bridge(port=mqtt_broker.port, interval=0.01).start()
    try:
        truck_client, result = connect(mqtt_broker.port, "xe-lanh-01", secret)
        assert result["reason"] == 0
        start = now - dt.timedelta(minutes=30)
        # 5 °C, then a 20-minute excursion at 9–10.5 °C (a 1-minute blip first, which does not count), then 6 °C
        series = [(0, 5.0), (2, 9.5), (3, 5.0)] + [(5 + m, 9.0 + m * 0.075) for m in range(0, 21)] + [(27, 6.0)]
        for minute, value in series:
            body = {"time": (start + dt.timedelta(minutes=minute)).isoformat(), "temperature": value}
            truck_client.publish(device.topic, json.dumps(body), qos=1).wait_for_publish(5)
        assert wait_for(lambda: Reading.objects.count() == len(series)), Reading.objects.count()
        assert wait_for(lambda: Excursion.objects.filter(state="closed", confirmed_at__isnull=False).exists())
        excursion = Excursion.objects.get(confirmed_at__isnull=False)
        assert Excursion.objects.count() == 2  # the blip, closed unconfirmed, and the excursion
        assert excursion.worst == pytest.approx(10.5)
        assert excursion.confirmed_at == excursion.started_at + dt.timedelta(minutes=15)

        alert = Notification.objects.get(organization=org)
        assert alert.title == "Vượt ngưỡng Nhiệt độ tại Xe lạnh 1: 10,1 °C (ngưỡng 2–8 °C) trong 15 phút"
        event = Event.objects.get(event_id=excursion.event_ids[0])
        assert event.biz_step == "sensor_reporting"
        body = json.loads(event.body)
        assert body["quantityList"] == [{"epcClass": f"https://id.gs1.org/01/{lot.product.gtin}/10/{lot.lot_code}"}]
        element = body["sensorElementList"][0]
        assert element["sensorMetadata"]["deviceID"].endswith("/iot/d/xe-lanh-01")
        report = element["sensorReport"][0]
        assert (report["type"], report["uom"], report["exception"]) == ("Temperature", "CEL", "ALARM_CONDITION")
        assert (report["minValue"], report["maxValue"]) == (9.0, 10.125)
        assert ConditionHold.objects.get().lot == lot
        page = client.get(f"/01/{lot.product.gtin}/10/{lot.lot_code}")
        text = page.content.decode()
        assert "Nhiệt độ đã lên tới 10,5 °C trong 22 phút, ngoài mức cho phép (2–8 °C)." in text
        assert "Lô đang được tạm giữ để kiểm tra lại trước khi bán tiếp." in text

        # revoked: once the broker has reloaded its files (SIGHUP), it closes the device's open connection and
        # refuses its next one; nothing it publishes is stored
        v5, v5_result = connect(mqtt_broker.port, "xe-lanh-01", secret, protocol=mqtt.MQTTv5)
        v5.on_disconnect = lambda c, u, flags, reason, properties=None: v5_result.setdefault("closed", reason)
        services.revoke_device(actor=owner, device=device)
        refusals = []

        def refused() -> bool:
            c, r = connect(mqtt_broker.port, "xe-lanh-01", secret)
            c.disconnect()
            c.loop_stop()
            refusals.append(r["reason"])
            return r["reason"] != 0

        assert wait_for(refused)
        assert str(refusals[-1]) == "Not authorized"
        assert wait_for(lambda: "closed" in v5_result)
        # (what paho answers to a publish after the close depends on its reconnect thread's timing, so it is not
        # asserted: the broker refuses the device's connections, and no reading arrives after the series)
        for c in (truck_client, v5):
            c.disconnect()
            c.loop_stop()
        assert Reading.objects.count() == len(series)
    finally:
        bridge.stop()


def test_a_batch_with_bad_messages_stores_the_good_ones_and_acknowledges_all(mqtt_broker, sensor):
    """Payloads are parsed on arrival (paho's thread) and stored in batches: a message that cannot be read, one out
    of range and one the store refuses (a time too far back) are dropped with their reasons; the others of the
    same batch are stored, and every message is acknowledged (none comes back when the bridge reconnects)."""
    device, secret = sensor
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    bodies = [
        b"{not json",
        json.dumps({"time": now.isoformat(), "temperature": 400}).encode(),
        json.dumps({"time": (now - dt.timedelta(days=400)).isoformat(), "temperature": 4}).encode(),
        json.dumps(
            {"samples": [{"time": (now - dt.timedelta(seconds=s)).isoformat(), "temperature": 4.5} for s in (1, 2)]}
        ).encode(),
    ]
    bridge = Bridge(port=mqtt_broker.port, interval=0.5).start()  # one flush or several: the same outcome
    sender, result = connect(mqtt_broker.port, device.identifier, secret)
    try:
        assert result["reason"] == 0
        for body in bodies:
            sender.publish(device.topic, body, qos=1).wait_for_publish(5)
        assert wait_for(lambda: bridge.counters.messages == 4), bridge.counters
        assert wait_for(lambda: Reading.objects.count() == 2)
        assert (bridge.counters.stored, bridge.counters.dropped) == (2, 3)
        assert [e.split(":")[0] for e in bridge.counters.errors] == [
            device.identifier,
            device.identifier,
            "Thời điểm quá cũ / time too far in the past",
        ]
        assert "physical range" in bridge.counters.errors[1]
    finally:
        bridge.stop()
        sender.disconnect()
        sender.loop_stop()
    again = Bridge(port=mqtt_broker.port, interval=0.01).start()  # the same persistent session
    sender, result = connect(mqtt_broker.port, device.identifier, secret)
    try:  # the broker resends unacknowledged messages when the session resumes, before this marker
        marker = {"time": (now - dt.timedelta(seconds=3)).isoformat(), "temperature": 5.5}
        sender.publish(device.topic, json.dumps(marker), qos=1).wait_for_publish(5)
        assert wait_for(lambda: Reading.objects.count() == 3)
        assert (again.counters.messages, again.counters.dropped) == (1, 0)
    finally:
        again.stop()
        sender.disconnect()
        sender.loop_stop()
    assert sorted(Reading.objects.values_list("value", flat=True)) == [4.5, 4.5, 5.5]
