"""RFID gate benchmark (issue 26). A plain script, not a test; prints the figures.

    .venv/bin/python bench/rfid_reads.py                              # SQLite in a temporary data dir
    scripts/with-postgres.sh .venv/bin/python bench/rfid_reads.py     # PostgreSQL
    .venv/bin/python bench/rfid_reads.py --rate 2000 --seconds 10 --readers 4

A Mosquitto broker on loopback and the RFID bridge (`rfid.bridge.RfidBridge`) in this process; four readers (dock
doors, each open for a shipment of 200 cartons to a roaster) publish as their own devices over MQTT at QoS 1, each
a message of `--batch` reads every few milliseconds, `--rate` reads/s in all (default 2,000), for `--seconds`. As a
pallet passes a door its tags keep being read: in second k a reader reads tags drawn from the first 20·(k+1)
cartons, so most reads repeat a tag (collapsed into its observation) and new cartons keep appearing (each flush's
new observations become one shipping event per door, captured with the projection into the shipment). Delay: for
each reader's batch stored by the bridge, commit time minus its earliest read's time (target: p99 < 1 s).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup() -> None:
    if not os.environ.get("TRUYXUAT_DATABASE_URL"):
        os.environ.setdefault("TRUYXUAT_DATA_DIR", tempfile.mkdtemp(prefix="truyxuat-rfid-bench-"))
    os.environ.setdefault("TRUYXUAT_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truyxuat.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)


def world(readers: int, cartons: int):  # type: ignore[no-untyped-def]
    from accounts.permissions import SYSTEM
    from catalog.models import Organization
    from catalog.services.places import create_facility
    from catalog.tests.factories import GrowingAreaFactory, ProductFactory
    from iot import services as iot_services
    from logistics import services as logistics
    from rfid import services

    stamp = int(time.time())
    sender = Organization.objects.create(
        name="HTX RFID bench",
        kind="cooperative",
        tax_code=f"61{stamp % 10**8:08d}",
        province_code=51,
        status="approved",
        gln=None,
    )
    receiver = Organization.objects.create(
        name="Xưởng rang bench",
        kind="enterprise",
        tax_code=f"62{stamp % 10**8:08d}",
        province_code=51,
        status="approved",
        gln=f"893{stamp % 10**9:09d}"[:12] + "0",
    )
    from gs1.keys import with_check_digit

    receiver.gln = with_check_digit(receiver.gln[:12])
    receiver.save(update_fields=["gln"])
    place = create_facility(
        actor=SYSTEM, organization=sender, data={"name": "Kho Đăk Hà", "kind": "warehouse", "province_code": 51}
    )
    area = GrowingAreaFactory(organization=sender, crop="Cà phê vối")
    product = ProductFactory(organization=sender, name="Cà phê nhân")
    lot = logistics.harvest(
        actor=SYSTEM,
        organization=sender,
        data={
            "product": product,
            "growing_area": area,
            "quantity": str(readers * cartons),
            "harvested_at": dt.datetime.now(dt.UTC) - dt.timedelta(days=2),
        },
    )
    doors = []
    for r in range(readers):
        units = logistics.pack(
            actor=SYSTEM,
            organization=sender,
            data={"kind": "carton", "contents": [{"lot": lot, "quantity": "1"}], "count": cartons},
        )
        device, secret = iot_services.register_device(
            actor=SYSTEM,
            organization=sender,
            data={"identifier": f"bench-door-{stamp}-{r}", "name": f"Cổng {r}", "kind": "rfid_reader"},
        )
        point = services.add_read_point(
            actor=SYSTEM, device=device, data={"name": f"Cổng {r}", "role": "dock_out", "facility": place}
        )
        services.open_session(actor=SYSTEM, read_point=point, data={"receiver": receiver, "expected": units})
        doors.append((device.identifier, secret, sorted(units, key=lambda u: u.sscc)))
    return doors


def publisher(
    port: int,
    identifier: str,
    secret: str,
    hexes: list[str],
    per_second: float,
    seconds: float,
    batch: int,
    go: threading.Event,
    sent: list[int],
) -> None:
    import paho.mqtt.client as mqtt

    from rfid.bridge import topic

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"pub-{identifier}")
    client.username_pw_set(identifier, secret)
    client.connect("127.0.0.1", port)
    client.loop_start()
    rng = random.Random(identifier)
    go.wait()
    began = time.monotonic()
    count = 0
    while (elapsed := time.monotonic() - began) < seconds:
        visible = hexes[: min(len(hexes), 20 * (int(elapsed) + 1))]
        now = int(time.time() * 1_000_000)
        reads = [
            {"epc": rng.choice(visible), "antennaPort": 1 + i % 4, "peakRssi": -40 - i % 30, "firstSeenTimestamp": now}
            for i in range(batch)
        ]
        client.publish(topic(identifier), json.dumps({"tag_reads": reads}), qos=1)
        count += batch
        pause = began + count / per_second - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    sent.append(count)
    time.sleep(0.5)
    client.loop_stop()
    client.disconnect()


def warm(door) -> None:  # type: ignore[no-untyped-def]
    """One read through the whole path before measuring (imports, the capture's helper process, caches): its
    observation is the first carton's, as if the door had seen it a minute early."""
    from accounts.permissions import SYSTEM
    from iot.models import Device
    from rfid import services
    from rfid.payloads import Read
    from rfid.simulate import epc_hex

    ident, _secret, units = door
    when = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    reads = [Read(epc_hex(units[0]), 1, -40.0, when)]
    services.record_reads(actor=SYSTEM, device=Device.objects.get(identifier=ident), reads=reads)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--rate", type=float, default=2000.0, help="reads per second from all readers")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--batch", type=int, default=25, help="reads per message")
    parser.add_argument("--cartons", type=int, default=200, help="cartons per door")
    args = parser.parse_args()
    setup()
    from iot import broker, conf
    from rfid.bridge import RfidBridge
    from rfid.models import TagRead
    from rfid.simulate import epc_hex

    doors = world(args.readers, args.cartons)
    warm(doors[0])
    running = broker.start(conf.mqtt_dir())
    bridge = RfidBridge(port=running.port, batch=5000, interval=0.02).start()
    try:
        go = threading.Event()
        sent: list[int] = []
        threads = [
            threading.Thread(
                target=publisher,
                args=(
                    running.port,
                    ident,
                    secret,
                    [epc_hex(u) for u in units],
                    args.rate / args.readers,
                    args.seconds,
                    args.batch,
                    go,
                    sent,
                ),
            )
            for ident, secret, units in doors
        ]
        for t in threads:
            t.start()
        began = time.perf_counter()
        go.set()
        for t in threads:
            t.join()
        total = sum(sent)
        deadline = time.monotonic() + 30
        while bridge.counters.stored + bridge.counters.duplicates < total and time.monotonic() < deadline:
            time.sleep(0.05)
        seconds = time.perf_counter() - began
    finally:
        bridge.stop()
        running.stop()
    done = bridge.counters.stored + bridge.counters.duplicates
    delays = sorted(bridge.delays)
    p = lambda q: delays[min(len(delays) - 1, int(len(delays) * q))]  # noqa: E731
    print(
        f"rfid: {done:,} of {total:,} reads from {args.readers} readers ({args.rate:,.0f}/s offered, "
        f"{args.batch} per message) stored in {seconds:.2f} s: {done / seconds:,.0f} reads/s; "
        f"{bridge.counters.stored:,} observations, {bridge.counters.duplicates:,} collapsed, "
        f"{bridge.events:,} events captured, {bridge.counters.dropped} dropped; "
        f"{TagRead.objects.count():,} observation rows"
    )
    print(
        f"delay (earliest read of a batch → its commit): p50 {p(0.5) * 1000:.0f} ms, p99 {p(0.99) * 1000:.0f} ms, "
        f"max {delays[-1] * 1000:.0f} ms over {len(delays)} batches (mean {statistics.mean(delays) * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main()
