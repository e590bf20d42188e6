"""A logger's `samples` batch on its quick paths (issue 21's throughput): the inline reading of usual rows in
`iot.payloads` must read exactly what the general reading does, and PostgreSQL's array insert (times sent as
microseconds since the epoch) must store exactly the times and values sent, so a batch uploaded twice is stored
once. These tests run on SQLite and on PostgreSQL (`scripts/with-postgres.sh`)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from accounts.permissions import SYSTEM
from iot import ingest
from iot.models import Reading
from iot.payloads import PayloadError, Sample, parse_json
from iot.tests.conftest import basic
from iot.units import QUANTITIES

pytestmark = pytest.mark.django_db
URL = "/api/v1/iot/readings"
VN = dt.timezone(dt.timedelta(hours=7))


def post(client, body, auth):
    return client.post(URL, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=auth)


def test_usual_and_unusual_rows_read_as_the_general_reading_does():
    rows = [
        {"time": "2026-11-20T10:00:00.123456+07:00", "temperature": 4, "relative_humidity": 71.5},
        {"time": "2026-11-20T03:00:01Z", "TempC_SHT": 5.25, "battery": 88},  # an alias in capitals, a battery
        {"time": 1795000000, "temperature": "6.5", "device": "kho-2"},  # Unix seconds, a number in text
        {"relative_humidity": 70, "time": "2026-11-20T03:00:02.5+00:00", "note": "ignored"},
    ]
    batch = parse_json({"samples": rows})
    one_by_one = [parse_json({"samples": [row]}) for row in rows]
    general = [
        (s.device, s.time, s.quantity.name, s.value)
        for parsed in one_by_one
        for s in parsed.samples  # each row alone (the usual ones on the quick path too)
    ]
    assert [(s.device, s.time, s.quantity.name, s.value) for s in batch.samples] == general
    assert general == [
        (None, dt.datetime(2026, 11, 20, 10, 0, 0, 123456, tzinfo=VN), "temperature", 4.0),
        (None, dt.datetime(2026, 11, 20, 10, 0, 0, 123456, tzinfo=VN), "relative_humidity", 71.5),
        (None, dt.datetime(2026, 11, 20, 3, 0, 1, tzinfo=dt.UTC), "temperature", 5.25),
        ("kho-2", dt.datetime.fromtimestamp(1795000000, tz=dt.UTC), "temperature", 6.5),
        (None, dt.datetime(2026, 11, 20, 3, 0, 2, 500000, tzinfo=dt.UTC), "relative_humidity", 70.0),
    ]
    assert batch.battery == {None: 88.0}


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ({"time": "2026-11-20T10:00:00", "temperature": 4}, "samples/1/time: thời điểm thiếu múi giờ"),
        ({"temperature": 4}, "samples/1/time: thiếu thời điểm / time missing"),
        ({"time": "2026-11-20T10:00:00Z", "temperature": 400}, "samples/1: temperature: 400 CEL is outside"),
        ({"time": "2026-11-20T10:00:00Z", "temperature": True}, "samples/1: giá trị không phải số"),
        ({"time": "2026-11-20T10:00:00Z", "temperature": "NaN"}, "samples/1: giá trị không hợp lệ"),
        ({"time": "2026-11-20T10:00:00Z"}, "samples/1: không có số đo nào / no reading in the payload"),
        ({"time": "2026-11-20T10:00:00Z", "pressure": 1}, "samples/1: không có số đo nào"),
        ("4.5", "samples/1: cần một đối tượng / an object is required"),
    ],
)
def test_a_bad_row_refuses_the_batch_with_its_place(row, words):
    good = {"time": "2026-11-20T09:59:50Z", "temperature": 4.5}
    with pytest.raises(PayloadError) as refused:
        parse_json({"samples": [good, row, good]})
    assert str(refused.value).startswith(words)


def test_a_batch_stores_its_exact_times_and_values_once(client, sensor):
    device, secret = sensor
    base = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=2)
    times = [base + dt.timedelta(seconds=10 * i, microseconds=i * 7919 % 1_000_000) for i in range(300)]
    values = [round(0.1 + 0.2 + i / 3, 12) for i in range(300)]  # floats that need every digit
    rows = [
        {"time": t.astimezone(VN).isoformat(), "temperature": v, "relative_humidity": 60 + i % 30}
        for i, (t, v) in enumerate(zip(times, values, strict=True))
    ]
    auth = basic(device.identifier, secret)
    first = post(client, {"samples": rows}, auth)
    assert first.status_code == 200, first.content
    assert first.json() == {"received": 600, "stored": 600, "duplicates": 0, "skewed": 0, "excursions": 0}
    stored = list(Reading.objects.filter(quantity=1).order_by("time").values_list("time", "value", "received_at"))
    assert [(t, v) for t, v, _r in stored] == list(zip(times, values, strict=True))
    assert len({r for _t, _v, r in stored}) == 1  # one arrival time for the call
    again = post(client, {"samples": rows[100:]}, auth)
    assert again.json() == {"received": 400, "stored": 0, "duplicates": 400, "skewed": 0, "excursions": 0}
    assert Reading.objects.count() == 600


def test_a_bad_row_late_in_a_batch_stores_nothing(client, sensor):
    device, secret = sensor
    base = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    rows = [{"time": (base + dt.timedelta(seconds=i)).isoformat(), "temperature": 4.0} for i in range(1000)]
    rows[999] = {"time": rows[999]["time"], "temperature": -300}
    response = post(client, {"samples": rows}, basic(device.identifier, secret))
    assert response.status_code == 422, response.content
    assert "samples/999: temperature: -300 CEL is outside the physical range" in response.json()["detail"]
    assert Reading.objects.count() == 0


def test_the_first_bad_sample_in_order_is_named(sensor):
    """A batch is checked on its extremes; when it is refused, the message names its first bad sample, as a check
    of each sample in turn would."""
    device, _secret = sensor
    now = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    t, light = QUANTITIES["temperature"], QUANTITIES["illuminance"]
    ok = Sample(None, now - dt.timedelta(minutes=1), t, 4.0)
    future = Sample(None, now + dt.timedelta(seconds=301), t, 4.0)
    old = Sample(None, now - dt.timedelta(days=46), t, 4.0)
    dark = Sample(None, now, light, 20.0)
    for samples, words in [
        ([ok, dark, future], "Thiết bị không đo illuminance / the device does not measure illuminance"),
        ([ok, future, dark], "Thời điểm ở tương lai / time in the future: kho-lanh-01 2026-11-20T10:05:01+00:00"),
        ([ok, old, future], "Thời điểm quá cũ / time too far in the past: kho-lanh-01 2026-10-05T10:00:00+00:00"),
    ]:
        with pytest.raises(ingest.Refused) as refused:
            ingest.store(actor=SYSTEM, groups={device.pk: (device, samples)}, now=now)
        assert refused.value.messages == [words]
    assert Reading.objects.count() == 0


def test_skew_flags_of_a_live_batch(sensor):
    """Live samples (MQTT, LoRaWAN) more than 2 minutes from the arrival either way are flagged; a sample without
    a time takes the arrival time; a logger's batch (not live) is flagged only ahead of it."""
    device, _secret = sensor
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    t = QUANTITIES["temperature"]
    offsets = [-600, -121, -119, 1, 119, 121, 299]
    samples = [Sample(None, now + dt.timedelta(seconds=s), t, 4.0) for s in offsets] + [Sample(None, None, t, 5.0)]
    live = ingest.store(actor=SYSTEM, groups={device.pk: (device, samples)}, live=True, now=now)
    assert (live.received, live.stored, live.skewed) == (8, 8, 4)
    flagged = Reading.objects.filter(skewed=True).order_by("time").values_list("time", flat=True)
    assert [int((f - now).total_seconds()) for f in flagged] == [-600, -121, 121, 299]
    later = [Sample(None, now + dt.timedelta(seconds=s, milliseconds=500), t, 4.0) for s in offsets]
    batch = ingest.store(actor=SYSTEM, groups={device.pk: (device, later)}, now=now)
    assert (batch.stored, batch.skewed) == (7, 2)


def test_new_readings_beside_stored_ones_and_twice_in_one_batch(sensor):
    """New readings go in plainly; a batch holding a stored reading, or one reading twice, is inserted again with
    ON CONFLICT DO NOTHING in the same transaction: each reading stored once, the counts exact."""
    device, _secret = sensor
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    t = QUANTITIES["temperature"]

    def batch(seconds, value=4.0):
        return [Sample(None, now - dt.timedelta(seconds=s), t, value) for s in seconds]

    first = ingest.store(actor=SYSTEM, groups={device.pk: (device, batch(range(10, 20)))})
    assert (first.stored, first.duplicates) == (10, 0)
    mixed = ingest.store(actor=SYSTEM, groups={device.pk: (device, batch(range(15, 25), 9.0))})
    assert (mixed.received, mixed.stored, mixed.duplicates) == (10, 5, 5)
    twice = ingest.store(actor=SYSTEM, groups={device.pk: (device, batch([30, 31, 30]))})
    assert (twice.received, twice.stored, twice.duplicates) == (3, 2, 1)
    values = dict(Reading.objects.values_list("time", "value"))
    assert len(values) == 17
    assert [values[now - dt.timedelta(seconds=s)] for s in (15, 19, 20, 24)] == [4.0, 4.0, 9.0, 9.0]  # first kept
