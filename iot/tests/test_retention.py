"""Downsampling and retention: aggregates follow late uploads, raw readings expire, statistics stay the same;
a shipment's end becomes a stay with its EPCIS summary; a silent device is an alert."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from events.models import Event
from iot import retention, selectors, services, tasks
from iot.models import Aggregate, Reading, Stay
from iot.payloads import Sample
from iot.units import QUANTITIES
from notifications.models import Notification

pytestmark = pytest.mark.django_db
T = QUANTITIES["temperature"]


def store(device, points):
    from accounts.permissions import SYSTEM
    from iot import ingest

    samples = [Sample(None, when, T, value) for when, value in points]
    return ingest.store(actor=SYSTEM, groups={device.pk: (device, samples)})


def test_downsample_expire_and_same_statistics(sensor, settings):
    device, _secret = sensor
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    start = now - dt.timedelta(days=3)
    points = [(start + dt.timedelta(seconds=30 * i), 2.0 + (i % 7)) for i in range(240)]  # 2 hours, 30 s apart
    store(device, points)
    before = selectors.window_stats(device.pk, T.code, start, start + dt.timedelta(hours=2))
    assert before["count"] == 240 and before["min"] == 2.0 and before["max"] == 8.0
    assert tasks.run(dt.datetime.now(dt.UTC))["hours_aggregated"] == 2
    assert Aggregate.objects.filter(bucket="h").count() == 2 and Aggregate.objects.filter(bucket="m").count() == 120
    hour = Aggregate.objects.get(bucket="h", start=start)
    assert (hour.count, hour.min, hour.max) == (120, 2.0, 8.0)
    store(device, [(start + dt.timedelta(seconds=15), 30.0)])  # a late upload corrects the first hour
    assert retention.downsample(dt.datetime.now(dt.UTC)) == 1
    assert Aggregate.objects.get(bucket="h", start=start).max == 30.0
    settings.TRUYXUAT_IOT_RAW_DAYS = 2
    raw, minutes = retention.expire(dt.datetime.now(dt.UTC))
    assert (raw, minutes, Reading.objects.count()) == (241, 0, 0)
    after = selectors.window_stats(device.pk, T.code, start, start + dt.timedelta(hours=2))
    assert after["count"] == 241 and after["max"] == 30.0
    assert after["mean"] == pytest.approx((before["mean"] * 240 + 30) / 241)
    chart = selectors.series(device.pk, T.code, start - dt.timedelta(days=20), now)
    assert [p[0] for p in chart] == [start, start + dt.timedelta(hours=1)]


def test_trip_end_becomes_a_stay_with_its_summary_event(db):
    from logistics.services.shipments import create_shipment
    from portal.tests.factories import published_lot

    lot = published_lot()
    org = lot.product.organization
    from accounts.models import Membership
    from accounts.tests.factories import UserFactory

    producer = UserFactory(username="chu-xe-2")
    Membership.objects.create(user=producer, organization=org, role="owner")
    truck = services.add_vehicle(actor=producer, organization=org, plate="82C-999.01")
    device, _s = services.register_device(
        actor=producer,
        organization=org,
        data={"identifier": "xe-02", "name": "Xe 2", "kind": "vehicle", "quantities": ["temperature"]},
    )
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    services.place_device(
        actor=producer, device=device, kind="vehicle", place_id=truck.pk, start=now - dt.timedelta(hours=3)
    )
    shipment = create_shipment(
        actor=producer,
        organization=org,
        data={
            "buyer_name": "Chợ Kon Tum",
            "buyer_phone": "0905000111",
            "lines": [{"lot": lot.pk, "quantity": "5"}],
            "shipped_at": now - dt.timedelta(hours=2),
        },
    )
    services.assign_trip(actor=producer, shipment=shipment, vehicle=truck)
    store(device, [(now - dt.timedelta(minutes=100 - i), 4.0 + i / 50) for i in range(100)])
    assert tasks.run()["stays"] == 0  # still on the road
    shipment.received_at = now - dt.timedelta(minutes=1)
    shipment.save(update_fields=["received_at"])
    assert tasks.run()["stays"] == 1 and tasks.run()["stays"] == 0
    stay = Stay.objects.get()
    assert stay.summary == {"temperature": {"min": 4.0, "max": 5.98, "mean": 4.99, "count": 100}}
    body = json.loads(Event.objects.get(event_id=stay.event_id).body)
    report = body["sensorElementList"][0]["sensorReport"][0]
    assert (report["minValue"], report["maxValue"], report["uom"]) == (4.0, 5.98, "CEL")
    assert "exception" not in report


def test_silent_device_alerts_once(sensor, organization):
    device, _secret = sensor
    now = dt.datetime.now(dt.UTC)
    store(device, [(now - dt.timedelta(minutes=50), 4.0)])
    device.refresh_from_db()
    later = device.last_seen_at + dt.timedelta(minutes=31)
    assert tasks.run(later)["silent"] == 1 and tasks.run(later)["silent"] == 0
    alert = Notification.objects.get(organization=organization)
    assert alert.title == "Thiết bị Cảm biến kho lạnh không gửi số đo đã 31 phút"
