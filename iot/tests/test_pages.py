"""The producer's sensor pages: register (secret once), thresholds, device chart, CSV exports, the live stream."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from iot.models import Device, Profile, Reading
from iot.tests.conftest import basic
from iot.ui import views

pytestmark = pytest.mark.django_db


def test_register_device_secret_once_then_threshold(client, producer, organization, cold_room):
    client.force_login(producer)
    page = client.get("/iot/")
    assert page.status_code == 200 and "Đăng ký thiết bị" in page.content.decode()
    answer = client.post(
        "/iot/",
        {
            "action": "device",
            "name": "Cảm biến kho",
            "identifier": "kho-02",
            "kind": "cold_room",
            "quantities": ["temperature"],
            "place": f"facility:{cold_room.pk}",
        },
    )
    text = answer.content.decode()
    assert answer.status_code == 200 and 'id="device-secret"' in text
    device = Device.objects.get(identifier="kho-02")
    assert device.placements.get().facility == cold_room
    assert 'id="device-secret"' not in client.get("/iot/").content.decode()
    refused = client.post("/iot/", {"action": "device", "name": "", "identifier": "X", "kind": "cold_room"})
    assert refused.status_code == 400
    assert "Mã thiết bị gồm 3–64 chữ thường" in refused.content.decode()
    client.post(
        "/iot/",
        {
            "action": "profile",
            "name": "Kho 2–8 °C",
            "place": f"facility:{cold_room.pk}",
            "quantity": "temperature",
            "low": "2",
            "high": "8",
            "min_minutes": "15",
            "hold_lots": "1",
        },
    )
    profile = Profile.objects.get()
    assert (profile.low, profile.high, profile.min_minutes, profile.facility) == (2.0, 8.0, 15, cold_room)
    bad = client.post(
        "/iot/",
        {"action": "profile", "place": f"facility:{cold_room.pk}", "quantity": "temperature", "low": "9", "high": "8"},
    )
    assert bad.status_code == 400 and "lớn hơn ngưỡng thấp nhất" in bad.content.decode()


def test_device_chart_csv_and_live_stream(client, producer, sensor, cold_room, monkeypatch):
    device, secret = sensor
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    readings = [
        {"time": (now - dt.timedelta(minutes=10 - i)).isoformat(), "quantity": "temperature", "value": 3 + i / 2}
        for i in range(5)
    ]
    client.post(
        "/api/v1/iot/readings",
        json.dumps({"readings": readings}),
        content_type="application/json",
        HTTP_AUTHORIZATION=basic(device.identifier, secret),
    )
    assert Reading.objects.count() == 5
    client.force_login(producer)
    page = client.get(f"/iot/thiet-bi/{device.identifier}/?zoom=tuan")
    assert page.status_code == 200 and page.content.decode().count("<polyline") == 1
    export = client.get(f"/iot/d/{device.identifier}/readings.csv")
    lines = export.content.decode().splitlines()
    assert lines[0] == "device,time,quantity,value,unit" and len(lines) == 6
    assert lines[1].endswith(",temperature,3,CEL")
    monkeypatch.setattr(views, "STREAM_SECONDS", 0.01)
    first = Reading.objects.order_by("id").values_list("id", flat=True).first()
    stream = client.get(f"/iot/truc-tiep/{cold_room.pk}/stream?after={first}")
    body = b"".join(stream.streaming_content).decode()
    data = [json.loads(line[6:]) for line in body.splitlines() if line.startswith("data: ")]
    assert [d["value"] for d in data] == [3.5, 4.0, 4.5, 5.0]
    assert data[0]["unit"] == "°C" and data[0]["label"] == "Nhiệt độ"
    client.logout()
    assert client.get(f"/iot/d/{device.identifier}/readings.csv").status_code == 404
    info = client.get(f"/iot/d/{device.identifier}").json()
    assert info["measures"] == [{"type": "RelativeHumidity", "uom": "P1"}, {"type": "Temperature", "uom": "CEL"}]
