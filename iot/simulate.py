"""`truyxuat iot simulate`: a field station, a cold room and a refrigerated truck publishing over MQTT.

Each simulated device publishes one sample per tick (`{"time", <quantity>: value, …}`, QoS 1) to its own topic with
its own credentials, so the broker's password and ACL files are exercised as a real device would. The simulated
clock runs `speed` times faster than the wall clock and ends now (device times are never in the future); scripted
excursions (`truck:temperature=11@600+1200`: from 600 s to 1,800 s of simulated time) drive a value out of range.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

BASELINES: dict[str, dict[str, tuple[float, float]]] = {  # role → quantity → (mean, daily swing)
    "station": {"temperature": (24.0, 6.0), "relative_humidity": (70.0, 15.0), "illuminance": (30000.0, 30000.0)},
    "room": {"temperature": (4.5, 0.8), "relative_humidity": (85.0, 3.0)},
    "truck": {"temperature": (5.0, 1.0)},
}


@dataclass
class Excursion:
    role: str
    quantity: str
    value: float
    start: float  # simulated seconds from the beginning
    length: float

    @classmethod
    def parse(cls, text: str) -> Excursion:
        """`role:quantity=value@start+length` (seconds of simulated time)."""
        role, _c, rest = text.partition(":")
        quantity, _e, rest = rest.partition("=")
        value, _a, window = rest.partition("@")
        start, _p, length = window.partition("+")
        return cls(role, quantity, float(value), float(start or 0), float(length or 1200))


def value_at(role: str, quantity: str, seconds: float, excursions: list[Excursion], rng: random.Random) -> float:
    for e in excursions:
        if e.role == role and e.quantity == quantity and e.start <= seconds < e.start + e.length:
            return round(e.value + rng.uniform(-0.2, 0.2), 2)
    mean, swing = BASELINES[role][quantity]
    day = math.sin(2 * math.pi * (seconds % 86400) / 86400)
    value = mean + swing * day * 0.5 + rng.uniform(-swing, swing) * 0.05
    return round(max(0.0, value) if quantity != "temperature" else value, 2)


def _connected(mqtt: Any, identifier: str, secret: str, host: str, port: int) -> Any:
    """A device's client once the broker accepts it (right after a new secret the broker may still be reloading
    its password file: try again for a few seconds)."""
    deadline = time.monotonic() + 10
    while True:
        done = threading.Event()
        accepted: dict[str, bool] = {}
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"sim-{identifier}")
        client.username_pw_set(identifier, secret)

        def on_connect(
            c: Any, u: Any, flags: Any, reason: Any, properties: Any = None, done: Any = done, accepted: Any = accepted
        ) -> None:
            accepted["ok"] = not reason.is_failure
            done.set()

        client.on_connect = on_connect
        client.connect(host, port)
        client.loop_start()
        done.wait(5)
        if accepted.get("ok"):
            return client
        client.disconnect()
        client.loop_stop()
        if time.monotonic() > deadline:
            raise RuntimeError(f"the broker refuses {identifier}")
        time.sleep(0.2)


def run(
    devices: dict[str, tuple[str, str]],
    host: str,
    port: int,
    *,
    rate: float,
    duration: float,
    speed: float,
    excursions: list[Excursion],
    seed: int = 21,
    say: Callable[[str], None] = print,
) -> int:
    """Publish from each role's device (`role → (identifier, secret)`) `rate` messages/s for `duration` wall
    seconds; returns how many messages were acknowledged by the broker."""
    import paho.mqtt.client as mqtt

    rng = random.Random(seed)
    clients = {}
    for role, (identifier, secret) in devices.items():
        clients[role] = (_connected(mqtt, identifier, secret, host, port), f"truyxuat/d/{identifier}")
    ticks = max(1, int(rate * duration))
    simulated = duration * speed
    begin = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=simulated)
    sent = []
    started = time.monotonic()
    for i in range(ticks):
        seconds = simulated * i / ticks
        when = begin + dt.timedelta(seconds=seconds)
        for role, (client, topic) in clients.items():
            body: dict[str, Any] = {"time": when.isoformat(timespec="seconds")}
            for quantity in BASELINES[role]:
                body[quantity] = value_at(role, quantity, seconds, excursions, rng)
            sent.append(client.publish(topic, json.dumps(body), qos=1))
        pause = started + (i + 1) / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    for info in sent:
        info.wait_for_publish(10)
    for client, _topic in clients.values():
        client.disconnect()
        client.loop_stop()
    acknowledged = sum(1 for info in sent if info.is_published())
    say(f"{acknowledged} messages from {len(clients)} devices over {simulated / 60:.0f} simulated minutes")
    return acknowledged
