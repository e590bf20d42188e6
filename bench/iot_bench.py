"""IoT benchmarks (issue 21). A plain script, not a test; prints the figures.

    .venv/bin/python bench/iot_bench.py                              # SQLite in a temporary data dir
    scripts/with-postgres.sh .venv/bin/python bench/iot_bench.py      # PostgreSQL (readings partitioned by month)
    .venv/bin/python bench/iot_bench.py --only http,month             # some of: http, mqtt, month

1. http: batched ingestion through Django's whole request stack (the test client: middleware, a device's HTTP
   Basic credential, JSON parsing, validation, one insert with ON CONFLICT DO NOTHING, audit, threshold
   evaluation, commit) — 5,000 readings per request as a logger uploads them; readings/s (target ≥ 50,000). One
   uploader in this process, then `--uploaders` (default 2) processes uploading at once, each as its own device,
   as the server's two Granian workers take them (deploy/environment.md); the setup (bodies built, first request)
   is outside the timed span.
2. mqtt: a Mosquitto broker on loopback, the bridge in this process, `--publishers` processes each publishing as
   its own device (QoS 1, 10 samples of one temperature per message, a logger's flush; payloads built before the
   start). Two runs: as fast as the publishers can (`capacity`: readings stored per second until the last one is
   stored; target ≥ 20,000), then paced at `--rate` messages/s each (default 2 × 1,100 × 10 = 22,000 readings/s
   offered), with arrival-to-queryable: a probe device publishes one reading every 20 ms under that load; each
   probe's stored `received_at` minus its publish time; p50/p99 (target p99 < 1 s). Each run prints the CPU
   seconds the publishers and the broker took (the 2 cores are shared by them, the bridge and the database).
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


def setup(migrate: bool = True) -> None:
    if not os.environ.get("TRUYXUAT_DATABASE_URL"):
        os.environ.setdefault("TRUYXUAT_DATA_DIR", tempfile.mkdtemp(prefix="truyxuat-iot-bench-"))
    os.environ.setdefault("TRUYXUAT_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truyxuat.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    if migrate:
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


def _bodies(start: dt.datetime, requests: int, per_request: int) -> list[str]:
    bodies = []
    for r in range(requests + 1):
        samples = []
        for i in range(per_request // 2):
            when = start + dt.timedelta(seconds=10 * (r * per_request + i))
            samples.append({"time": when.isoformat(), "temperature": 4 + (i % 30) / 10, "relative_humidity": 85})
        bodies.append(json.dumps({"samples": samples}))
    return bodies


def _upload(auth: str, bodies: list[str], ready=None, go=None, done=None) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    """Post the first body (warm-up), then the others; (readings stored, seconds) of those."""
    from django.test import Client

    client = Client()
    client.post("/api/v1/iot/readings", bodies[0], content_type="application/json", HTTP_AUTHORIZATION=auth)
    if ready is not None:
        ready.set()
        go.wait()
    began = time.perf_counter()
    stored = 0
    for body in bodies[1:]:
        answer = client.post("/api/v1/iot/readings", body, content_type="application/json", HTTP_AUTHORIZATION=auth)
        assert answer.status_code == 200, answer.content
        stored += answer.json()["stored"]
    seconds = time.perf_counter() - began
    if done is not None:
        done.put((stored, seconds))
    return stored, seconds


def _uploader(auth: str, start: dt.datetime, requests: int, per_request: int, ready, go, done) -> None:  # type: ignore[no-untyped-def]
    setup(migrate=False)
    _upload(auth, _bodies(start, requests, per_request), ready, go, done)


def _auth(made, secret) -> str:  # type: ignore[no-untyped-def]
    return "Basic " + base64.b64encode(f"{made.identifier}:{secret}".encode()).decode()


def bench_http(requests: int = 20, per_request: int = 5000, uploaders: int = 2) -> None:
    org, room = organisation()
    made, secret = device(org, "bench-http", ["temperature", "relative_humidity"], room)
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=20)
    stored, seconds = _upload(_auth(made, secret), _bodies(start, requests, per_request))
    print(
        f"http, 1 uploader: {stored:,} readings in {requests} requests of {per_request:,}: "
        f"{stored / seconds:,.0f} readings/s ({seconds / requests * 1000:.0f} ms per request)",
        flush=True,
    )
    if uploaders < 2:
        return
    ctx = multiprocessing.get_context("spawn")
    go, done = ctx.Event(), ctx.Queue()
    procs, readies = [], []
    for u in range(uploaders):
        made, secret = device(org, f"bench-http-{u}", ["temperature", "relative_humidity"], room)
        ready = ctx.Event()
        p = ctx.Process(target=_uploader, args=(_auth(made, secret), start, requests, per_request, ready, go, done))
        p.start()
        procs.append(p)
        readies.append(ready)
    for ready in readies:
        ready.wait(300)
    began = time.perf_counter()
    go.set()
    results = [done.get(timeout=600) for _p in procs]
    seconds = time.perf_counter() - began
    for p in procs:
        p.join()
    stored = sum(n for n, _s in results)
    print(
        f"http, {uploaders} uploaders at once: {stored:,} readings in {uploaders * requests} requests of "
        f"{per_request:,}: {stored / seconds:,.0f} readings/s (each {max(s for _n, s in results) / requests * 1000:.0f}"
        " ms per request at worst)",
        flush=True,
    )


def _publisher(
    port: int, identifier: str, secret: str, messages: int, offset: int, rate: float, ready, go, cpu
) -> None:  # type: ignore[no-untyped-def]
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
    used = os.times()
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
    after = os.times()
    cpu.put(after.user + after.system - used.user - used.system)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _mqtt_run(port: int, broker_pid: int, bridge, org, label: str, publishers: int, messages: int, rate: float) -> None:  # type: ignore[no-untyped-def]
    import paho.mqtt.client as mqtt

    from iot.models import Reading

    devices = [device(org, f"bench-mqtt-{label}-{i}", ["temperature"]) for i in range(publishers)]
    probe, probe_secret = device(org, f"bench-probe-{label}", ["temperature"])
    ctx = multiprocessing.get_context("spawn")
    go, cpu = ctx.Event(), ctx.Queue()
    procs, readies = [], []
    for i, (made, secret) in enumerate(devices):
        ready = ctx.Event()
        p = ctx.Process(target=_publisher, args=(port, made.identifier, secret, messages, i * 4, rate, ready, go, cpu))
        p.start()
        procs.append(p)
        readies.append(ready)
    for ready in readies:
        ready.wait(120)
    prober = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"probe-{label}")
    prober.username_pw_set(probe.identifier, probe_secret)
    prober.connect("127.0.0.1", port)
    prober.loop_start()
    before = Reading.objects.count()
    expected = before + publishers * messages * 10
    sent: dict[dt.datetime, float] = {}
    dropped = bridge.counters.dropped
    broker_cpu, own_cpu = _cpu_seconds(broker_pid), os.times()
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
    broker_cpu, after = _cpu_seconds(broker_pid) - broker_cpu, os.times()
    own = after.user + after.system - own_cpu.user - own_cpu.system
    publishers_cpu = sum(cpu.get(timeout=60) for _p in procs)
    # a probe is queryable once the transaction that stored it commits: its received_at is taken just before
    # the insert, so this counts publish → broker → bridge → insert (the commit adds a few ms)
    stored_at = dict(Reading.objects.filter(device=probe).values_list("time", "received_at"))
    latencies = sorted(stored_at[t].timestamp() - s for t, s in sent.items() if t in stored_at)
    stored = Reading.objects.count() - before - len(stored_at)
    prober.disconnect()
    prober.loop_stop()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    offered = "as fast as they can" if not rate else f"paced at {publishers * rate * 10:,.0f} readings/s"
    print(
        f"mqtt {label} ({offered}): {stored:,} readings from {publishers} devices ({publishers * messages:,} "
        f"messages of 10) stored in {seconds:.2f} s: {stored / seconds:,.0f} readings/s; dropped "
        f"{bridge.counters.dropped - dropped}; CPU s: publishers {publishers_cpu:.1f}, broker {broker_cpu:.1f}, "
        f"this process (bridge, probe) {own:.1f}",
        flush=True,
    )
    print(
        f"mqtt {label} arrival-to-queryable ({len(latencies)} probes): "
        f"p50 {statistics.median(latencies) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms",
        flush=True,
    )


def bench_mqtt(publishers: int = 2, messages: int = 10000, rate: float = 1100.0) -> None:
    from iot import broker, conf
    from iot.bridge import Bridge

    org, _room = organisation()
    running = broker.start(conf.mqtt_dir())
    bridge = Bridge(port=running.port, batch=5000, interval=0.005).start()
    try:
        _mqtt_run(running.port, running.process.pid, bridge, org, "capacity", publishers, messages, 0)
        if rate:
            _mqtt_run(running.port, running.process.pid, bridge, org, "paced", publishers, messages, rate)
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
    parser.add_argument("--uploaders", type=int, default=2, help="HTTP uploaders at once (processes)")
    parser.add_argument("--publishers", type=int, default=2)
    parser.add_argument("--messages", type=int, default=10000, help="per publisher and run (10 readings each)")
    parser.add_argument(
        "--rate",
        type=float,
        default=1100.0,
        help="the paced run's messages/s per publisher (default 2 × 1,100 × 10 = 22,000 readings/s; 0: none)",
    )
    args = parser.parse_args()
    setup()
    from django.db import connection

    print(f"database: {connection.vendor}", flush=True)
    only = set(args.only.split(","))
    if "http" in only:
        bench_http(uploaders=args.uploaders)
    if "mqtt" in only:
        bench_mqtt(args.publishers, args.messages, args.rate)
    if "month" in only:
        bench_month()


if __name__ == "__main__":
    main()
