"""RFID reads over MQTT: readers publish their JSON (`rfid.payloads`) to `truyxuat/d/<identifier>/rfid` at QoS 1.

The broker's ACL already lets a device write only under its own topic (`iot.broker`), so a reader is who its topic
says. This is `iot.bridge.Bridge` (persistent session, manual acknowledgement after the commit, batches) with its
own client id, subscribed to the readers' sub-topic (which the sensors' bridge, on `truyxuat/d/+`, does not
receive), and a flush that stores each reader's messages of the batch in one `rfid.services.record_reads` call;
when that call is refused (a malformed message), its messages are stored one by one and the bad one dropped.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import close_old_connections
from django.utils import timezone

from accounts.permissions import SYSTEM
from iot import broker
from iot.bridge import Bridge
from iot.models import Device
from rfid import services
from rfid.payloads import PayloadError, Read, parse

SUBTOPIC = "rfid"


def topic(identifier: str) -> str:
    return f"{broker.TOPIC_ROOT}/{identifier}/{SUBTOPIC}"


class RfidBridge(Bridge):
    def __init__(
        self,
        host: str | None = None,
        port: int | None = None,
        batch: int = 2000,
        interval: float = 0.05,
        client_id: str = "truyxuat-rfid-bridge",
    ) -> None:
        super().__init__(host, port, batch, interval, client_id)
        self.delays: list[float] = []  # seconds from the earliest read of a reader's batch to its commit
        self.events = 0

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason: Any, properties: Any = None) -> None:
        if getattr(reason, "is_failure", False):
            return
        client.subscribe(f"{broker.TOPIC_ROOT}/+/{SUBTOPIC}", qos=1)
        self.connected.set()

    def prepare(self, payload: bytes) -> None:
        """Reads are parsed in `flush` (`rfid.payloads`)."""
        return None

    def flush(self, taken: list[tuple[str, bytes, int, Any]]) -> None:
        close_old_connections()
        by_reader: dict[str, list[list[Read]]] = {}
        for message_topic, payload, _mid, _prepared in taken:
            self.counters.messages += 1
            identifier = message_topic.split("/")[2]
            try:
                by_reader.setdefault(identifier, []).append(parse(json.loads(payload)))
            except (ValueError, PayloadError) as exc:
                self._drop(f"{identifier}: {exc}")
        batches: list[tuple[Device, list[list[Read]]]] = []
        for identifier, messages in by_reader.items():
            device = Device.objects.filter(identifier=identifier, status="active").first()
            if device is None:
                self._drop(f"{identifier}: unknown or revoked reader")
            else:
                batches.append((device, messages))
        try:
            self._record([(device, [r for m in messages for r in m]) for device, messages in batches])
        except ValidationError:  # one reader's bad message: each message alone, the bad one dropped
            for device, messages in batches:
                for reads in messages:
                    try:
                        self._record([(device, reads)])
                    except ValidationError as exc:
                        self._drop(f"{device.identifier}: {' '.join(exc.messages)}")
        for _topic, _payload, mid, _prepared in taken:
            self.client.ack(mid, 1)

    def _record(self, batches: list[tuple[Device, list[Read]]]) -> None:
        if not batches:
            return
        outcome = services.record_batch(actor=SYSTEM, batches=batches)
        self.counters.stored += outcome.observations
        self.counters.duplicates += outcome.collapsed
        self.events += len(outcome.events)
        times = [r.time for _d, reads in batches for r in reads if r.time is not None]
        if times:
            self.delays.append((timezone.now() - min(times)).total_seconds())


def wait_until(check: Any, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False
