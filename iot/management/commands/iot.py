"""`truyxuat iot …`: the MQTT side of the sensors.

- `bridge`: subscribe to every device topic and store readings (a process of its own beside `serve`);
- `broker`: run Mosquitto with the platform's password and ACL files (what `make run` does when it is installed);
- `sync`: write the broker's files from the registry and ask it to reload;
- `simulate`: a field station, a cold room and a truck of an organisation publishing (scripted excursions);
- `maintain`: one maintenance pass now (aggregates, retention, stays, silent devices) and the job scheduled.
"""

from __future__ import annotations

import contextlib
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Sensors over MQTT: bridge, broker, sync, simulate, maintain."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("bridge", help="store what devices publish")
        broker = sub.add_parser("broker", help="run Mosquitto with the registry's files")
        broker.add_argument("--port", type=int, default=0, help="default: TRUYXUAT_MQTT_PORT")
        sub.add_parser("sync", help="write the password and ACL files, reload the broker")
        sim = sub.add_parser("simulate", help="simulated devices publishing over MQTT")
        sim.add_argument("--organization", required=True, help="tax code of the organisation the devices belong to")
        sim.add_argument("--rate", type=float, default=2.0, help="messages per second per device")
        sim.add_argument("--duration", type=float, default=30.0, help="wall-clock seconds")
        sim.add_argument("--speed", type=float, default=60.0, help="simulated seconds per wall-clock second")
        sim.add_argument(
            "--excursion",
            action="append",
            default=[],
            help="role:quantity=value@start+length in simulated seconds, e.g. truck:temperature=11@600+1200",
        )
        sub.add_parser("maintain", help="one maintenance pass now")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _bridge(self, options: dict[str, Any]) -> None:
        from iot.bridge import Bridge

        bridge = Bridge().start()
        self.stdout.write(f"iot bridge: subscribed at {bridge.host}:{bridge.port}")
        stop = {"now": False}
        signal.signal(signal.SIGTERM, lambda *_a: stop.update(now=True))
        try:
            while not stop["now"]:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        bridge.stop()

    def _broker(self, options: dict[str, Any]) -> None:
        from iot import broker, conf

        if not broker.available():
            raise CommandError("Mosquitto is not installed (apt-get install mosquitto)")
        running = broker.start(conf.mqtt_dir(), options["port"] or conf.mqtt_port(), conf.mqtt_host())
        self.stdout.write(f"mosquitto: {conf.mqtt_host()}:{running.port}")
        self.stdout.flush()
        signal.signal(signal.SIGTERM, lambda *_a: running.stop())  # `truyxuat serve` stopping: the broker too
        with contextlib.suppress(KeyboardInterrupt):
            running.process.wait()
        running.stop()

    def _sync(self, options: dict[str, Any]) -> None:
        from iot import broker

        self.stdout.write(f"{broker.sync()} devices may publish")

    def _simulate(self, options: dict[str, Any]) -> None:
        from iot import conf, simulate
        from iot.demo import simulated_devices

        devices = simulated_devices(options["organization"])
        simulate.run(
            devices,
            conf.mqtt_host(),
            conf.mqtt_port(),
            rate=options["rate"],
            duration=options["duration"],
            speed=options["speed"],
            excursions=[simulate.Excursion.parse(e) for e in options["excursion"]],
            say=self.stdout.write,
        )

    def _maintain(self, options: dict[str, Any]) -> None:
        from iot import tasks

        self.stdout.write(str(tasks.run()))
        tasks.schedule()
