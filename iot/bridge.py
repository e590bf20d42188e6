"""The MQTT bridge: subscribes to every device topic on the broker and stores what devices publish.

Devices publish JSON (one sample `{"time", "temperature": …}`, or `{"samples": […]}` / `{"readings": […]}`) to
`truyxuat/d/<identifier>` at QoS 1; the broker has already checked the device's password and that the topic is its
own (`iot.broker`). The bridge keeps a persistent session (clean_session off, a fixed client id) and acknowledges
a message only after the transaction storing it has committed (paho's manual acks), so a message the bridge had
not stored when it was killed is delivered again when it comes back, and stored once (dedupe on device, quantity,
time). Messages are stored in batches (up to `batch` messages or `interval` seconds); a message the platform
cannot store (malformed, a revoked device, a time out of range) is dropped and counted, never blocking the others.
A payload is parsed as it arrives, on paho's network thread (`prepare`), so the next batch is read while the
storing thread waits for the database (bench/README.md, "IoT").
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from django.db import close_old_connections, connection

from iot import broker, conf, ingest
from iot.models import Device
from iot.payloads import Parsed, PayloadError, parse_json

log = logging.getLogger(__name__)


@dataclass
class Counters:
    messages: int = 0
    stored: int = 0
    duplicates: int = 0
    dropped: int = 0
    errors: list[str] = field(default_factory=list)


class Bridge:
    def __init__(
        self,
        host: str | None = None,
        port: int | None = None,
        batch: int = 2000,
        interval: float = 0.05,
        client_id: str = "truyxuat-bridge",
    ) -> None:
        import paho.mqtt.client as mqtt

        self.host = host or conf.mqtt_host()
        self.port = port or conf.mqtt_port()
        self.batch = batch
        self.interval = interval
        self.queue: deque[tuple[str, bytes, int, Any]] = deque()  # topic, payload, mid, `prepare`'s
        self.counters = Counters()
        self.stopping = threading.Event()
        self.connected = threading.Event()
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False, manual_ack=True
        )
        self.client.username_pw_set(broker.PLATFORM_USER, conf.bridge_secret())
        self.client.max_inflight_messages_set(0)
        self.client.max_queued_messages_set(0)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self._devices: dict[str, Device | None] = {}
        self._thread: threading.Thread | None = None

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason: Any, properties: Any = None) -> None:
        if getattr(reason, "is_failure", False):
            log.error("MQTT bridge refused by the broker: %s", reason)
            return
        client.subscribe(f"{broker.TOPIC_ROOT}/+", qos=1)
        self.connected.set()

    def _on_message(self, client: Any, userdata: Any, message: Any) -> None:
        self.queue.append((message.topic, message.payload, message.mid, self.prepare(message.payload)))

    def prepare(self, payload: bytes) -> Parsed | str | None:
        """The payload's samples, or why it cannot be read (the message is dropped when its batch is flushed)."""
        try:
            parsed = parse_json(json.loads(payload))
        except (ValueError, PayloadError) as exc:
            return str(exc)
        for sample in parsed.samples:
            sample.device = None  # a device publishes only its own readings (the broker's ACL)
        return parsed

    def start(self, wait: float = 30.0) -> Bridge:
        deadline = time.monotonic() + wait
        while True:  # the broker may be starting beside us (`truyxuat serve`)
            try:
                self.client.connect(self.host, self.port, keepalive=30)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        self.client.loop_start()
        self._thread = threading.Thread(target=self.run, name="iot-bridge", daemon=True)
        self._thread.start()
        if not self.connected.wait(10):
            raise RuntimeError("the MQTT bridge could not connect to the broker")
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(10)
        self.client.loop_stop()
        self.client.disconnect()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                if not self.queue:
                    time.sleep(self.interval)
                    continue
                taken = [self.queue.popleft() for _i in range(min(self.batch, len(self.queue)))]
                self.flush(taken)
        finally:
            connection.close()  # this thread's own connection (a test database must be droppable afterwards)

    def _device(self, identifier: str) -> Device | None:
        if identifier not in self._devices:
            self._devices[identifier] = Device.objects.filter(identifier=identifier).first()
        device = self._devices[identifier]
        if device is not None and device.status != "active":
            return None
        return device

    def flush(self, taken: list[tuple[str, bytes, int, Any]]) -> None:
        """Store a batch of messages, then acknowledge them all."""
        close_old_connections()
        self._devices = {}
        items: list[tuple[Device, Parsed]] = []
        for topic, _payload, _mid, parsed in taken:
            self.counters.messages += 1
            identifier = topic.rsplit("/", 1)[-1]
            device = self._device(identifier)
            if device is None:
                self._drop(f"{identifier}: unknown or revoked device")
            elif isinstance(parsed, str):
                self._drop(f"{identifier}: {parsed}")
            else:
                items.append((device, parsed))
        self._store(items)
        for _topic, _payload, mid, _parsed in taken:
            self.client.ack(mid, 1)

    def _store(self, items: list[tuple[Device, Parsed]]) -> None:
        if not items:
            return
        try:
            self._store_all(items)
        except ingest.Refused:
            for item in items:  # one bad message: store the others one by one
                try:
                    self._store_all([item])
                except ingest.Refused as exc:
                    self._drop(" ".join(exc.messages))

    def _store_all(self, items: list[tuple[Device, Parsed]]) -> None:
        groups: dict[int, tuple[Device, list[Any]]] = {}
        battery: dict[str | None, float] = {}
        for device, parsed in items:
            groups.setdefault(device.pk, (device, []))[1].extend(parsed.samples)
            if None in parsed.battery:
                battery[device.identifier] = parsed.battery[None]
        from accounts.permissions import SYSTEM

        result = ingest.store(actor=SYSTEM, groups=groups, battery=battery, live=True, source="mqtt")
        self.counters.stored += result.stored
        self.counters.duplicates += result.duplicates

    def _drop(self, why: str) -> None:
        self.counters.dropped += 1
        if len(self.counters.errors) < 100:
            self.counters.errors.append(why)
        log.warning("MQTT reading dropped: %s", why)
