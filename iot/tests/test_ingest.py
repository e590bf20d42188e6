"""HTTP ingestion: batches in JSON and CSV, LoRaWAN uplinks, dedupe, and refusals that store nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from accounts.permissions import SYSTEM
from accounts.services import create_api_token
from iot import services
from iot.models import Device, Reading
from iot.tests.conftest import basic

pytestmark = pytest.mark.django_db
URL = "/api/v1/iot/readings"


def iso(t: dt.datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


def post(client, body, auth, content_type="application/json", url=URL):
    data = json.dumps(body) if content_type == "application/json" else body
    return client.post(url, data, content_type=content_type, HTTP_AUTHORIZATION=auth)


def test_json_batch_stored_once_and_battery_and_skew(client, sensor):
    device, secret = sensor
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    body = {
        "battery": 81,
        "readings": [
            {"time": iso(now - dt.timedelta(minutes=2)), "quantity": "temperature", "value": 4.5, "unit": "CEL"},
            {"time": iso(now - dt.timedelta(minutes=1)), "quantity": "temperature", "value": 40.1, "unit": "FAH"},
            {"time": iso(now - dt.timedelta(minutes=1)), "quantity": "relative_humidity", "value": 71},
        ],
    }
    first = post(client, body, basic(device.identifier, secret))
    assert first.status_code == 200, first.content
    assert first.json() == {"received": 3, "stored": 3, "duplicates": 0, "skewed": 0, "excursions": 0}
    again = post(client, body, basic(device.identifier, secret))
    assert again.json() == {"received": 3, "stored": 0, "duplicates": 3, "skewed": 0, "excursions": 0}
    values = sorted(round(v, 2) for v in Reading.objects.values_list("value", flat=True))
    assert values == [4.5, 4.5, 71.0]  # 40.1 °F is 4.5 °C
    device.refresh_from_db()
    assert device.battery == 81 and device.last_seen_at is not None
    ahead = {"readings": [{"time": iso(now + dt.timedelta(seconds=200)), "quantity": "temperature", "value": 5}]}
    assert post(client, ahead, basic(device.identifier, secret)).json()["skewed"] == 1


def test_csv_long_and_wide(client, sensor):
    device, secret = sensor
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    wide = "time,temperature,relative_humidity\n" + "".join(
        f"{iso(now - dt.timedelta(minutes=i))},{3 + i / 10},{70 + i}\n" for i in range(5)
    )
    response = post(client, wide, basic(device.identifier, secret), "text/csv")
    assert response.json()["stored"] == 10
    long = f"time,quantity,value,unit\n{iso(now - dt.timedelta(hours=1))},temperature,5.5,CEL\n"
    assert post(client, long, basic(device.identifier, secret), "text/csv").json()["stored"] == 1
    assert Reading.objects.count() == 11


def test_lorawan_uplinks_with_an_organisation_token(client, sensor, organization):
    device, _secret = sensor
    Device.objects.filter(pk=device.pk).update(dev_eui="70B3D57ED005A1B2")
    _token, plain = create_api_token(actor=SYSTEM, organization=organization, name="tts", scopes=["capture"])
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    tts = {
        "end_device_ids": {"device_id": "eui-70b3d57ed005a1b2", "dev_eui": "70B3D57ED005A1B2"},
        "received_at": iso(now)[:-1] + ".123456789Z",
        "uplink_message": {"decoded_payload": {"TempC_SHT": 5.1, "Hum_SHT": 80.2, "BatV": 3.1, "battery": 90}},
    }
    response = post(client, tts, f"Bearer {plain}", url="/api/v1/iot/lorawan/tts")
    assert response.status_code == 200, response.content
    assert response.json()["stored"] == 2
    chirp = {
        "deviceInfo": {"devEui": "70b3d57ed005a1b2", "deviceName": "kho"},
        "time": iso(now - dt.timedelta(seconds=30)),
        "object": {"temperature": 5.3},
    }
    assert post(client, chirp, f"Bearer {plain}", url="/api/v1/iot/lorawan/chirpstack").json()["stored"] == 1
    device.refresh_from_db()
    assert device.battery == 90


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"readings": [{"time": "2026-11-20T10:00:00", "quantity": "temperature", "value": 4}]}, 422, "múi giờ"),
        ({"readings": [{"time": "NOW", "quantity": "temperature", "value": 4}]}, 422, "invalid time"),
        ({"readings": [{"time": 1, "quantity": "pressure", "value": 4}]}, 422, "unknown quantity"),
        ({"temperature": 400}, 422, "physical range"),
        ({"temperature": "warm"}, 422, "not a number"),
        ({"illuminance": 20}, 422, "does not measure"),
        ({"readings": "x"}, 422, "non-empty list"),
        ({"device": "someone-else", "temperature": 4}, 422, "unknown device"),
    ],
)
def test_bad_readings_store_nothing(client, sensor, body, status, words):
    device, secret = sensor
    good = {"time": dt.datetime.now(dt.UTC).isoformat(), "quantity": "temperature", "value": 4}
    if "readings" in body and isinstance(body["readings"], list):
        body = {"readings": [good, *body["readings"]]}
    response = post(client, body, basic(device.identifier, secret))
    assert response.status_code == status, response.content
    assert words in response.json()["detail"]
    assert Reading.objects.count() == 0


def test_far_times_unknown_revoked_and_foreign_devices_refused(
    client, sensor, producer, other_producer, other_organization
):
    device, secret = sensor
    now = dt.datetime.now(dt.UTC)
    for when in (now + dt.timedelta(hours=1), now - dt.timedelta(days=400)):
        body = {"readings": [{"time": iso(when), "quantity": "temperature", "value": 4}]}
        assert post(client, body, basic(device.identifier, secret)).status_code == 422
    assert post(client, {"temperature": 4}, basic(device.identifier, "wrong")).status_code == 401
    assert post(client, {"temperature": 4}, "").status_code == 401
    theirs, their_secret = services.register_device(
        actor=other_producer,
        organization=other_organization,
        data={"identifier": "khac-01", "name": "x", "kind": "data_logger", "quantities": ["temperature"]},
    )
    response = post(client, {"device": "khac-01", "temperature": 4}, basic(device.identifier, secret))
    assert response.status_code == 403
    services.revoke_device(actor=producer, device=device)
    assert post(client, {"temperature": 4}, basic(device.identifier, secret)).status_code == 401
    assert Reading.objects.count() == 0
    assert post(client, {"temperature": 4}, basic(theirs.identifier, their_secret)).json()["stored"] == 1
