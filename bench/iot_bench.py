"""IoT benchmarks (issue 21). A plain script, not a test; prints the figures.

    .venv/bin/python bench/iot_bench.py                              # SQLite in a temporary data dir
    scripts/with-postgres.sh .venv/bin/python bench/iot_bench.py      # PostgreSQL (readings partitioned by month)
    .venv/bin/python bench/iot_bench.py --only http,month             # some of: http, mqtt, month

1. http: batched ingestion through Django's whole request stack in this process (the test client: middleware, a
   device's HTTP Basic credential, JSON parsing, validation, one `executemany` with ON CONFLICT DO NOTHING, audit,
   threshold evaluation, commit) — 5,000 readings per request as a logger uploads them; readings/s (target
   ≥ 50,000).
2. mqtt: a Mosquitto broker on loopback, the bridge in this process, `--publishers` processes each publishing as
   its own device (QoS 1, 10 samples of one temperature per message, a logger's flush) at `--rate` messages/s each
   (default: 20,000 readings/s in all; `--rate 0` as fast as they can); readings stored per second
   while they publish (target ≥ 20,000), and arrival-to-queryable: a probe device publishes one reading every
   20 ms under that load; each probe's stored `received_at` minus its publish time; p50/p99 (target p99 < 1 s).
3. month: a cold room's sensor with a reading every 10 s for 30 days (259,200 temperatures and as many
   humidities), aggregated by the maintenance pass; the lot's conditions summary over the month (min/max/mean per
   quantity: `selectors.window_stats`, target < 50 ms) and the 30-day chart query (`selectors.series`, target
   < 100 ms); median of 20 runs each.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup() -> None:
    if not os.environ.get("TRUYXUAT_DATABASE_URL"):
        os.environ.setdefault("TRUYXUAT_DATA_DIR", tempfile.mkdtemp(prefix="truyxuat-iot-bench-"))
    os.environ.setdefault("TRUYXUAT_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truyxuat.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", "--no-input", verbosity=0)


def organisation():  # type: ignore[no-untyped-def]
    from accounts.permissions import SYSTEM
    from catalog.models import Facility, Organization
    from catalog.services.places import create_facility

    org = Organization.objects.filter(tax_code="6100000011").first()
    if org is None:
        org = Organization.objects.create(
            name="HTX Bench", kind="cooperative", tax_code="6100000011", province_code=51, status="approved"
        )
    room = Facility.objects.filter(organization=org).first() or create_facility(
        actor=SYSTEM, organization=org, data={"name": "Kho lạnh bench", "kind": "cold_store", "province_code": 51}
    )
    return org, room


def device(org, identifier, quantities, room=None):  # type: ignore[no-untyped-def]
    from accounts.permissions import SYSTEM
    from iot import services
    from iot.models import Device

    Device.objects.filter(identifier=identifier).delete()
    made, secret = services.register_device(
        actor=SYSTEM,
        organization=org,
        data={"identifier": identifier, "name": identifier, "kind": "data_logger", "quantities": quantities},
    )
    if room is not None:
        services.place_device(
            actor=SYSTEM,
            device=made,
            kind="facility",
            place_id=room.pk,
            start=dt.datetime.now(dt.UTC) - dt.timedelta(days=40),
        )
    return made, secret


def bench_http(requests: int = 20, per_request: int = 5000) -> None:
    from django.test import Client

    org, room = organisation()
    made, secret = device(org, "bench-http", ["temperature", "relative_humidity"], room)
    auth = "Basic " + base64.b64encode(f"{made.identifier}:{secret}".encode()).decode()
    client = Client()
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=20)
    bodies = []
    for r in range(requests + 1):
        samples = []
        for i in range(per_request // 2):
            when = start + dt.timedelta(seconds=10 * (r * per_request + i))
            samples.append({"time": when.isoformat(), "temperature": 4 + (i % 30) / 10, "relative_humidity": 85})
        bodies.append(json.dumps({"samples": samples}))
    client.post("/api/v1/iot/readings", bodies[0], content_type="application/json", HTTP_AUTHORIZATION=auth)
    began = time.perf_counter()
    stored = 0
    for body in bodies[1:]:
        answer = client.post("/api/v1/iot/readings", body, content_type="application/json", HTTP_AUTHORIZATION=auth)
        assert answer.status_code == 200, answer.content
        stored += answer.json()["stored"]
    seconds = time.perf_counter() - began
    print(
        f"http: {stored:,} readings in {requests} requests of {per_request:,}: {stored / seconds:,.0f} readings/s "
        f"({seconds / requests * 1000:.0f} ms per request)",
        flush=True,
    )


def _publisher(port: int, identifier: str, secret: str, messages: int, offset: int, rate: float, ready, go) -> None:  # type: ignore[no-untyped-def]
    import paho.mqtt.client as mqtt

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"pub-{identifier}")
    client.username_pw_set(identifier, secret)
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect("127.0.0.1", port)
    client.loop_start()
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=30) + dt.timedelta(days=offset)
    payloads = []
    for m in range(messages):
        samples = [
            {"time": (start + dt.timedelta(seconds=10 * (m * 10 + i))).isoformat(), "temperature": 4 + i / 10}
            for i in range(10)
        ]
        payloads.append(json.dumps({"samples": samples}))
    ready.set()
    go.wait()
    infos = []
    began = time.perf_counter()
    for m, p in enumerate(payloads):  # paced: `rate` messages per second (0: as fast as possible)
        infos.append(client.publish(f"truyxuat/d/{identifier}", p, qos=1))
        if rate and m % 50 == 49:
            pause = began + (m + 1) / rate - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
    for info in infos:
        info.wait_for_publish(60)
    client.disconnect()
    client.loop_stop()


def bench_mqtt(publishers: int = 2, messages: int = 3000, rate: float = 1000.0) -> None:
    import paho.mqtt.client as mqtt

    from iot import broker, conf
    from iot.bridge import Bridge
    from iot.models import Reading

    org, _room = organisation()
    devices = [device(org, f"bench-mqtt-{i}", ["temperature"]) for i in range(publishers)]
    probe, probe_secret = device(org, "bench-probe", ["temperature"])
    running = broker.start(conf.mqtt_dir())
    bridge = Bridge(port=running.port, batch=5000, interval=0.005).start()
    try:
        ctx = multiprocessing.get_context("spawn")
        go = ctx.Event()
        procs, readies = [], []
        for i, (made, secret) in enumerate(devices):
            ready = ctx.Event()
            p = ctx.Process(
                target=_publisher, args=(running.port, made.identifier, secret, messages, i, rate, ready, go)
            )
            p.start()
            procs.append(p)
            readies.append(ready)
        for ready in readies:
            ready.wait(120)
        prober = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="probe")
        prober.username_pw_set(probe.identifier, probe_secret)
        prober.connect("127.0.0.1", running.port)
        prober.loop_start()
        before = Reading.objects.count()
        expected = before + publishers * messages * 10
        sent: dict[dt.datetime, float] = {}
        go.set()
        began = time.perf_counter()
        n = 0
        base = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=1)
        while any(p.is_alive() for p in procs) or Reading.objects.count() < expected + n:
            n += 1
            when = base + dt.timedelta(seconds=n)
            body = json.dumps({"time": when.isoformat(), "temperature": 5})
            sent[when] = time.time()
            prober.publish(f"truyxuat/d/{probe.identifier}", body, qos=1)
            if time.perf_counter() - began > 300:
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - began
        # a probe is queryable once the transaction that stored it commits: its received_at is taken just before
        # the insert, so this counts publish → broker → bridge → insert (the commit adds a few ms)
        stored_at = dict(Reading.objects.filter(device=probe).values_list("time", "received_at"))
        latencies = sorted(stored_at[t].timestamp() - s for t, s in sent.items() if t in stored_at)
        seconds = time.perf_counter() - began
        stored = Reading.objects.count() - before - len(stored_at)
        prober.disconnect()
        prober.loop_stop()
        latencies.sort()
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print(
            f"mqtt: {stored:,} readings from {publishers} devices ({publishers * messages:,} messages of 10) in "
            f"{seconds:.2f} s: {stored / seconds:,.0f} readings/s; dropped {bridge.counters.dropped}",
            flush=True,
        )
        print(
            f"mqtt arrival-to-queryable under that load ({len(latencies)} probes): "
            f"p50 {statistics.median(latencies) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms",
            flush=True,
        )
    finally:
        bridge.stop()
        running.stop()


def bench_month() -> None:
    from accounts.permissions import SYSTEM
    from iot import ingest, retention, selectors
    from iot.payloads import Sample
    from iot.units import QUANTITIES

    org, room = organisation()
    made, _secret = device(org, "bench-month", ["temperature", "relative_humidity"], room)
    end = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=5)
    start = end - dt.timedelta(days=30)
    t, h = QUANTITIES["temperature"], QUANTITIES["relative_humidity"]
    began = time.perf_counter()
    chunk: list[Sample] = []
    total = 0
    for i in range(30 * 8640):
        when = start + dt.timedelta(seconds=10 * i)
        chunk += [Sample(None, when, t, 2 + (i % 50) / 10), Sample(None, when, h, 80 + i % 10)]
        if len(chunk) >= 20000:
            total += ingest.store(actor=SYSTEM, groups={made.pk: (made, chunk)}).stored
            chunk = []
    if chunk:
        total += ingest.store(actor=SYSTEM, groups={made.pk: (made, chunk)}).stored
    loaded = time.perf_counter() - began
    began = time.perf_counter()
    hours = retention.downsample()
    print(
        f"month: {total:,} readings loaded in {loaded:.1f} s ({total / loaded:,.0f}/s); {hours} hours aggregated "
        f"in {time.perf_counter() - began:.1f} s",
        flush=True,
    )

    def median_ms(call) -> float:  # type: ignore[no-untyped-def]
        runs = []
        for _i in range(20):
            t0 = time.perf_counter()
            call()
            runs.append((time.perf_counter() - t0) * 1000)
        return statistics.median(runs)

    summary = median_ms(
        lambda: [selectors.window_stats(made.pk, q.code, start + dt.timedelta(seconds=7), end) for q in (t, h)]
    )
    chart = median_ms(lambda: selectors.series(made.pk, t.code, start, end))
    points = len(selectors.series(made.pk, t.code, start, end))
    print(
        f"month: conditions summary (2 quantities, 30 days) {summary:.1f} ms; 30-day chart query {chart:.1f} ms "
        f"({points} points)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="http,mqtt,month")
    parser.add_argument("--publishers", type=int, default=2)
    parser.add_argument("--messages", type=int, default=3000, help="per publisher (10 readings each)")
    parser.add_argument(
        "--rate",
        type=float,
        default=1000.0,
        help="messages/s per publisher (default 2 × 1,000 × 10 = 20,000 readings/s; 0: as fast as they can)",
    )
    args = parser.parse_args()
    setup()
    from django.db import connection

    print(f"database: {connection.vendor}", flush=True)
    only = set(args.only.split(","))
    if "http" in only:
        bench_http()
    if "mqtt" in only:
        bench_mqtt(args.publishers, args.messages, args.rate)
    if "month" in only:
        bench_month()


if __name__ == "__main__":
    main()
