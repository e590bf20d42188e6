"""A packing station and two dock doors emitting reads, for `truyxuat rfid simulate`, the tests and the benchmark.

`setup` registers three readers (`iot` devices of kind `rfid_reader`) and their read points: the sender's packing
station and outbound door, the receiver's inbound door. `scenario` plays a pallet of cartons packed, loaded with one
carton left behind and a stranger's tag passing, then received; each step's reads (with duplicates) go through
`send`, which the caller gives: `rfid.services.record_reads` directly, the HTTP API or MQTT. Returnable crates
given to `scenario` travel with the pallet: read at both doors, they become the crates' observations.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt

from accounts.permissions import Actor
from catalog.models import Facility, Organization
from catalog.services.common import prefix_for
from iot import services as iot_services
from iot.models import Device
from logistics.models import LogisticUnit, Shipment
from rfid import services
from rfid.bridge import topic, wait_until
from rfid.labels import asset_label
from rfid.models import GateSession, ReadPoint, ReturnableAsset
from rfid.tags import sscc_hex

STRANGER = "3154257BF4499602D2000000"  # TDS's example SSCC-96 (GS1 US prefix 0614141): nobody's here


@dataclass
class Gates:
    station: ReadPoint
    door_out: ReadPoint
    door_in: ReadPoint
    secrets: dict[str, str] = field(default_factory=dict)  # device identifier → secret


def _reader(actor: Actor, organization: Organization, identifier: str, name: str) -> tuple[Device, str]:
    found = Device.objects.filter(identifier=identifier).first()
    if found is not None:
        return found, ""
    data = {"identifier": identifier, "name": name, "kind": "rfid_reader"}
    return iot_services.register_device(actor=actor, organization=organization, data=data)


def _point(actor: Actor, device: Device, role: str, name: str, facility: Facility | None) -> ReadPoint:
    found = ReadPoint.objects.filter(device=device).first()
    if found is not None:
        return found
    data = {"name": name, "role": role, "facility": facility}
    return services.add_read_point(actor=actor, device=device, data=data)


def setup(
    actor: Actor,
    sender: Organization,
    receiver: Organization,
    *,
    prefix: str = "rfid",
    sender_place: Facility | None = None,
    receiver_place: Facility | None = None,
) -> Gates:
    """The readers and read points (made once; found again by their identifiers)."""
    devices = [
        (sender, f"{prefix}-dong-goi", "Đầu đọc bàn đóng gói", "packing", "Bàn đóng gói", sender_place),
        (sender, f"{prefix}-cong-xuat", "Đầu đọc cổng xuất", "dock_out", "Cổng kho Đăk Hà", sender_place),
        (receiver, f"{prefix}-cong-nhap", "Đầu đọc cổng nhập", "dock_in", "Cổng nhận hàng xưởng rang", receiver_place),
    ]
    points, secrets = [], {}
    for org, ident, device_name, role, point_name, place in devices:
        device, secret = _reader(actor, org, ident, device_name)
        secrets[ident] = secret
        points.append(_point(actor, device, role, point_name, place))
    return Gates(points[0], points[1], points[2], secrets)


def epc_hex(unit: LogisticUnit) -> str:
    """The SSCC-96 written on a unit's tag (`rfid.labels` prints the same)."""
    return sscc_hex(unit.sscc, len(prefix_for(unit.organization)), unit.kind == "pallet")


def message(hexes: list[str], start: dt.datetime, repeat: int = 3, antenna: int = 1) -> dict[str, Any]:
    """A reader's message in Impinj's shape: each tag read `repeat` times, 50 ms apart."""
    reads = []
    for i, value in enumerate(hexes):
        for r in range(repeat):
            moment = start + dt.timedelta(milliseconds=10 * i + 50 * r)
            stamp = int(moment.timestamp() * 1_000_000)
            reads.append({"epc": value, "antennaPort": antenna, "peakRssi": -50 - r, "firstSeenTimestamp": stamp})
    return {"reader_name": "sim", "tag_reads": reads}


Send = Callable[[ReadPoint, dict[str, Any]], Any]


@dataclass
class Played:
    pallet: LogisticUnit
    left_behind: LogisticUnit
    shipment: Shipment
    sessions: list[GateSession]


def scenario(
    actor: Actor,
    gates: Gates,
    cartons: list[LogisticUnit],
    start: dt.datetime,
    send: Send,
    crates: list[ReturnableAsset] | None = None,
) -> Played:
    """Pack the cartons on a pallet at the station, load all but the last through the outbound door (with a
    stranger's tag passing, and the sender's `crates`), then receive them at the receiver's door. `actor` acts for
    both organisations (the operator, or a test's admin)."""
    receiver = gates.door_in.organization
    packing = services.open_session(actor=actor, read_point=gates.station, data={})
    pallet = LogisticUnit.objects.get(sscc=packing.parent_sscc)
    send(gates.station, message([epc_hex(pallet), *map(epc_hex, cartons)], start))
    services.close_session(actor=actor, session=packing)
    loading = services.open_session(
        actor=actor, read_point=gates.door_out, data={"receiver": receiver, "expected": [pallet]}
    )
    left_behind = cartons[-1]
    loaded = [epc_hex(pallet), *map(epc_hex, cartons[:-1]), STRANGER, *(asset_label(c).epc_hex for c in crates or [])]
    send(gates.door_out, message(loaded, start + dt.timedelta(minutes=20)))
    send(gates.door_out, message(loaded[:5], start + dt.timedelta(minutes=20, seconds=5)))  # lingering tags
    services.close_session(actor=actor, session=loading)
    shipment = Shipment.objects.get(public_id=loading.public_id)
    receiving = services.open_session(actor=actor, read_point=gates.door_in, data={"shipment": shipment})
    send(gates.door_in, message(loaded, start + dt.timedelta(hours=3)))
    services.close_session(actor=actor, session=receiving)
    shipment.refresh_from_db()
    pallet.refresh_from_db()
    return Played(pallet, left_behind, shipment, [packing, loading, receiving])


def mqtt_sender(gates: Gates, host: str, port: int) -> Send:
    """`send` publishing each message as its reader would (its own credentials and topic, QoS 1), then waiting
    until the bridge has stored it (the reader's `last_seen_at` moves)."""
    clients: dict[str, mqtt.Client] = {}

    def send(point: ReadPoint, body: dict[str, Any]) -> None:
        ident = point.device.identifier
        if ident not in clients:
            client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"sim-{ident}")
            client.username_pw_set(ident, gates.secrets[ident])
            client.connect(host, port)
            client.loop_start()
            clients[ident] = client
        before = Device.objects.get(pk=point.device_id).last_seen_at
        clients[ident].publish(topic(ident), json.dumps(body), qos=1).wait_for_publish(10)
        wait_until(lambda: Device.objects.get(pk=point.device_id).last_seen_at != before, 15)

    return send
