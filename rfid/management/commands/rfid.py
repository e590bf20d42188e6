"""`truyxuat rfid …`: RFID gates.

- `bridge`: store what readers publish over MQTT (`truyxuat/d/<identifier>/rfid`), a process beside `serve`;
- `simulate`: a packing station and two dock doors (the sender's station and outbound door, the receiver's inbound
  door) playing a pallet packed, loaded with a carton left behind and a stranger's tag, then received: reads with
  duplicates, through the services directly or, with `--mqtt`, published to the broker for a running bridge;
  `--crates N` registers N of the sender's coffee crates (once) and sends them with the pallet.
"""

from __future__ import annotations

import datetime as dt
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.permissions import SYSTEM
from catalog.models import Facility, Lot, Organization
from iot import conf
from logistics import selectors as logistics_selectors
from logistics import services as logistics
from rfid import payloads, services, simulate
from rfid.bridge import RfidBridge
from rfid.models import ReadPoint, ReturnableAsset, TagRead
from rfid.services.assets import register_assets

CRATE = "Sọt cà phê"


class Command(BaseCommand):
    help = "RFID gates: bridge, simulate."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("bridge", help="store what readers publish")
        sim = sub.add_parser("simulate", help="a packing station and two dock doors")
        sim.add_argument("--sender", required=True, help="tax code of the organisation that packs and ships")
        sim.add_argument("--receiver", required=True, help="tax code of the organisation that receives")
        sim.add_argument("--cartons", type=int, default=40)
        sim.add_argument("--mqtt", action="store_true", help="publish to the broker (a bridge must be running)")
        sim.add_argument("--crates", type=int, default=2, help="returnable crates travelling with the pallet")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _bridge(self, options: dict[str, Any]) -> None:
        bridge = RfidBridge().start()
        self.stdout.write(f"rfid bridge: subscribed at {bridge.host}:{bridge.port}")
        stop = {"now": False}
        signal.signal(signal.SIGTERM, lambda *_a: stop.update(now=True))
        try:
            while not stop["now"]:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        bridge.stop()

    def _simulate(self, options: dict[str, Any]) -> None:
        sender = Organization.objects.filter(tax_code=options["sender"]).first()
        receiver = Organization.objects.filter(tax_code=options["receiver"]).first()
        if sender is None or receiver is None:
            raise CommandError("no organisation with that tax code")
        count = options["cartons"]
        lot = next(
            (
                lot
                for lot in Lot.objects.filter(product__organization=sender).select_related("product")
                if logistics_selectors.available(sender, lot) >= count
            ),
            None,
        )
        if lot is None:
            raise CommandError(f"the sender has no lot with {count} units available to pack")
        with transaction.atomic():
            cartons = logistics.pack(
                actor=SYSTEM,
                organization=sender,
                data={"kind": "carton", "contents": [{"lot": lot, "quantity": "1"}], "count": count},
            )
            gates = simulate.setup(
                SYSTEM,
                sender,
                receiver,
                sender_place=Facility.objects.filter(organization=sender).first(),
                receiver_place=Facility.objects.filter(organization=receiver).first(),
            )
            crates = list(
                ReturnableAsset.objects.filter(organization=sender, asset_type__name=CRATE)[: options["crates"]]
            )
            if len(crates) < options["crates"]:
                data = {"kind": CRATE, "count": options["crates"] - len(crates)}
                crates += register_assets(actor=SYSTEM, organization=sender, data=data)
        send = self._publisher(gates) if options["mqtt"] else self._direct
        start = timezone.now() - dt.timedelta(hours=4)  # the morning just past: packing, loading, receipt 3 h later
        played = simulate.scenario(SYSTEM, gates, sorted(cartons, key=lambda u: u.sscc), start, send, crates)
        self.stdout.write(
            f"pallet {played.pallet.sscc}: {count} cartons packed; shipment {played.shipment.public_id} "
            f"({played.shipment.get_status_display()}), {played.shipment.lines.count()} lines; "
            f"left behind {played.left_behind.sscc}; strangers' tags observed: "
            f"{TagRead.objects.filter(ours=False, asset=None, session__in=played.sessions).count()}"
        )
        for crate in ReturnableAsset.objects.filter(pk__in=[c.pk for c in crates]).select_related("last_seen_point"):
            where = crate.last_seen_point.name if crate.last_seen_point else "-"
            self.stdout.write(f"crate {crate.grai}/{crate.serial}: last seen at {where}, {crate.last_seen_at}")

    @staticmethod
    def _direct(point: ReadPoint, message: dict[str, Any]) -> Any:
        return services.record_reads(actor=SYSTEM, device=point.device, reads=payloads.parse(message))

    def _publisher(self, gates: simulate.Gates) -> simulate.Send:
        if not all(gates.secrets.values()):
            raise CommandError("the readers were registered before: their secrets are shown once (rotate them)")
        return simulate.mqtt_sender(gates, conf.mqtt_host(), conf.mqtt_port())
