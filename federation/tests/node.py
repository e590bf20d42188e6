"""One federated node for the tests and the benchmark: a threaded WSGI server on loopback and, on stdin, commands
run in the same process with the node's settings (JSON lines in, JSON lines out).

    python -m federation.tests.node      (env: TRUYXUAT_DATA_DIR, TRUYXUAT_PORTAL_URL, TRUYXUAT_LEDGER_ORIGIN, …,
                                          NODE_PORT)

The data of each role is made through the real services (capture, recalls) with the catalogue's test factories.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import sys
import threading
import traceback
from decimal import Decimal
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truyxuat.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

from accounts.permissions import SYSTEM  # noqa: E402
from accounts.tests.factories import UserFactory  # noqa: E402
from catalog.tests.factories import (  # noqa: E402
    AgencyFactory,
    FacilityFactory,
    GrowingAreaFactory,
    LotFactory,
    OrganizationFactory,
    ProductFactory,
)
from events.services import capture_events  # noqa: E402
from events.tests.helpers import object_event, transformation  # noqa: E402
from federation import hub, notices, witnessing  # noqa: E402
from federation import services as federation  # noqa: E402
from federation.models import RecallNotice  # noqa: E402
from federation.trace import federated_trace  # noqa: E402
from gs1.keys import with_check_digit  # noqa: E402
from ledger import checkpoints  # noqa: E402
from ledger.models import LedgerAlarm  # noqa: E402
from recalls import services as recalls  # noqa: E402

PREFIX = {"farm": "8931001", "roaster": "8932002", "shop": "8933003", "hub": "8934004"}


def gln(role: str, n: int = 1) -> str:
    return with_check_digit(f"{PREFIX[role]}{n:05d}")


def gtin(role: str) -> str:
    return "0" + with_check_digit(f"{PREFIX[role]}00001")


def lot_link(role: str, code: str) -> str:
    return f"https://id.gs1.org/01/{gtin(role)}/10/{code}"


LOTS = {"farm": "CP-01", "roaster": "RX-01", "shop": "BL-01"}
NAMES = {"farm": "HTX Cà phê Đăk Hà", "roaster": "Công ty Rang xay Buôn Ma Thuột", "shop": "Cửa hàng Sài Gòn"}


def _move(objects: list[str], step: str, time: str, src: str, dst: str, where: str) -> dict[str, Any]:
    return object_event(
        objects,
        biz_step=step,
        action="OBSERVE",
        time=time,
        location=f"https://id.gs1.org/414/{where}",
        sourceList=[{"type": "owning_party", "source": f"https://id.gs1.org/417/{src}"}],
        destinationList=[{"type": "owning_party", "destination": f"https://id.gs1.org/417/{dst}"}],
    )


def setup(role: str) -> dict[str, Any]:
    """The role's organisation, its published lot and its events (coffee grown on A, roasted on B, sold on C)."""
    out: dict[str, Any] = {"ledger_key": checkpoints.verifier_key(), "origin": checkpoints.origin()}
    if role == "hub":
        return out
    province = settings.TRUYXUAT_PROVINCE_CODE
    org = OrganizationFactory(
        name={"farm": "HTX Cà phê Đăk Hà", "roaster": "Công ty Rang xay Buôn Ma Thuột", "shop": "Cửa hàng Sài Gòn"}[
            role
        ],
        gln=gln(role),
        gs1_company_prefix=PREFIX[role],
        province_code=province,
    )
    place = FacilityFactory(organization=org, gln=gln(role, 2), province_code=province)
    product = ProductFactory(
        organization=org,
        gtin=gtin(role),
        name={"farm": "Cà phê nhân Robusta", "roaster": "Cà phê rang xay", "shop": "Cà phê gói 500 g"}[role],
    )
    LotFactory(product=product, lot_code=LOTS[role], quantity=Decimal("1000"), unit="KGM", status="published")
    me = lot_link(role, LOTS[role])
    if role == "farm":
        area = GrowingAreaFactory(organization=org, facility=place, code="VUON-03", name="Vườn cà phê thôn 3")
        events = [
            object_event(
                [me], time="2026-11-01T08:00:00+07:00", location=f"https://id.gs1.org/414/{place.gln}/254/{area.code}"
            ),
            _move([me], "shipping", "2026-11-02T08:00:00+07:00", org.gln, gln("roaster"), place.gln),
        ]
    elif role == "roaster":
        beans = lot_link("farm", LOTS["farm"])
        events = [
            _move([beans], "receiving", "2026-11-03T08:00:00+07:00", gln("farm"), org.gln, place.gln),
            transformation([beans], [me], time="2026-11-04T08:00:00+07:00"),
            _move([me], "shipping", "2026-11-06T08:00:00+07:00", org.gln, gln("shop"), place.gln),
        ]
    else:
        roast = lot_link("roaster", LOTS["roaster"])
        events = [
            _move([roast], "receiving", "2026-11-07T08:00:00+07:00", gln("roaster"), org.gln, place.gln),
            transformation([roast], [me], time="2026-11-08T08:00:00+07:00"),
        ]
    capture_events(actor=SYSTEM, organization=org, events=events)
    checkpoints.ensure_checkpoint()
    return out | {"lot": me, "gtin": gtin(role), "lot_code": LOTS[role]}


def add_peers(peers: list[dict[str, str]]) -> list[str]:
    return [
        federation.add_peer(actor=SYSTEM, base_url=p["url"], ledger_key=p["key"], confirmed=True).name for p in peers
    ]


def witness() -> list[dict[str, Any]]:
    return [vars(w) for w in witnessing.witness_all()]


def trace(identifier: str, direction: str = "backward", shared: bool = False) -> dict[str, Any]:
    found = federated_trace(identifier, direction, shared=shared)
    return {
        "provinces": found.provinces,
        "parts": [
            {
                "node": p.node,
                "key": p.key,
                "verified": p.verified,
                "error": p.error,
                "local": p.local,
                "events": [e["event_id"] for e in p.events],
                "where": [e["where"] for e in p.events],
            }
            for p in found.parts
        ],
    }


def ship_unpublished() -> str:
    """The roaster's second lot, not published: roasted from A's beans, then shipped to the shop (C)."""
    from catalog.models import Lot, Organization

    org = Organization.objects.get(gln=gln("roaster"))
    first = Lot.objects.get(lot_code=LOTS["roaster"])
    LotFactory(product=first.product, lot_code="RX-02", quantity=Decimal("200"), unit="KGM", status="draft")
    me, place = lot_link("roaster", "RX-02"), gln("roaster", 2)
    events = [
        transformation([lot_link("farm", LOTS["farm"])], [me], time="2026-11-10T08:00:00+07:00"),
        _move([me], "shipping", "2026-11-11T08:00:00+07:00", org.gln, gln("shop"), place),
    ]
    capture_events(actor=SYSTEM, organization=org, events=events)
    checkpoints.ensure_checkpoint()
    return me


def share_with(name: str, on: bool) -> bool:
    from federation.models import Peer

    peer = federation.set_policy(actor=SYSTEM, peer=Peer.objects.get(name=name), share_before_publication=on)
    return peer.share_before_publication


def officer() -> Any:
    agency = AgencyFactory(province_code=settings.TRUYXUAT_PROVINCE_CODE)
    return UserFactory(agency=agency)


def start_recall() -> dict[str, Any]:
    from catalog.models import Lot

    actor = officer()
    lot = Lot.objects.get(lot_code=LOTS["farm"])
    recall = recalls.start_recall(actor=actor, lot=lot, reason="Nhiễm nấm mốc Ochratoxin A", hazard_class="II")
    sent = notices.send_notices(actor=actor, recall=recall)
    return {"code": recall.code, "peers": sorted(n.peer.name for n in sent)}


def incoming() -> list[dict[str, Any]]:
    return [
        {"code": n.code, "peer": n.peer.name, "lots": n.lots, "status": n.status}
        for n in RecallNotice.objects.filter(direction="incoming").select_related("peer")
    ]


def acknowledge(note: str) -> int:
    actor = officer()
    found = list(RecallNotice.objects.filter(direction="incoming", status="received"))
    for notice in found:
        notices.acknowledge_notice(actor=actor, notice=notice, note=note)
    return len(found)


def outgoing() -> list[dict[str, Any]]:
    return [
        {"peer": n.peer.name, "status": n.status, "by": n.acknowledged_by, "note": n.ack_note, "lots": n.lots}
        for n in RecallNotice.objects.filter(direction="outgoing").select_related("peer").order_by("peer__name")
    ]


def hub_pull() -> dict[str, Any]:
    return hub.pull_all(actor=SYSTEM)


def alarms() -> list[dict[str, str]]:
    return [{"kind": a.kind, "origin": a.origin, "detail": a.detail} for a in LedgerAlarm.objects.order_by("id")]


def tamper(lot_code: str) -> int:
    """Change the stored JSON of the events about a lot behind the ledger's back (what a dishonest node would do)."""
    with sqlite3.connect(settings.DATABASES["default"]["NAME"]) as db:
        rows = db.execute("SELECT id, body FROM events_event").fetchall()
        changed = 0
        for pk, body in rows:
            if lot_code in body and "TransformationEvent" in body:
                db.execute(
                    "UPDATE events_event SET body = ? WHERE id = ?", (body.replace('"quantity":8', '"quantity":80'), pk)
                )
                changed += 1
    return changed


def cpu() -> float:
    """CPU seconds this node's process has used (user and system), for the witnessing benchmark."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def clear_cache() -> bool:
    for name in settings.CACHES:
        caches[name].clear()
    return True


OPS = {
    f.__name__: f
    for f in (
        setup,
        add_peers,
        witness,
        trace,
        ship_unpublished,
        share_with,
        start_recall,
        incoming,
        acknowledge,
        outgoing,
        hub_pull,
        alarms,
        tamper,
        clear_cache,
        cpu,
    )
}


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def main() -> None:
    server = ThreadedWSGIServer(("127.0.0.1", int(os.environ["NODE_PORT"])), _Quiet)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"ok": True, "result": "ready"}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        try:
            result = OPS[command["op"]](**command.get("args", {}))
            print(json.dumps({"ok": True, "result": result}, ensure_ascii=False), flush=True)
        except Exception as exc:  # the test prints it
            print(json.dumps({"ok": False, "error": f"{exc!r}", "trace": traceback.format_exc()}), flush=True)
    server.shutdown()


if __name__ == "__main__":
    main()
