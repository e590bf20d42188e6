"""`truyxuat trace <id>`: the trace of a lot as a tree (upstream to the farms, downstream to the shops)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.permissions import SYSTEM
from core.errors import NotFound
from events import selectors


class Command(BaseCommand):
    help = "Trace a lot (EPC class URN or GS1 Digital Link) backward and forward, printed as a tree."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("id", help="EPC URN (urn:epc:class:lgtin:…) or Digital Link (…/01/<gtin>/10/<lot>)")
        parser.add_argument("--direction", choices=["backward", "forward", "both"], default="both")
        parser.add_argument("--max-depth", type=int, default=None)
        parser.add_argument("--public", action="store_true", help="Show only what the public sees")
        parser.add_argument("--json", action="store_true", help="Print the API's JSON instead of a tree")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = selectors.trace(
                options["id"],
                direction=options["direction"],
                max_depth=options["max_depth"],
                viewer=None if options["public"] else SYSTEM,
            )
        except NotFound as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            from events.api import trace_json

            self.stdout.write(json.dumps(trace_json(result), ensure_ascii=False, indent=2))
            return
        for line in tree_lines(result):
            self.stdout.write(line)


def _label(node: dict[str, Any]) -> str:
    if node["gtin"] and node["lot"]:
        what = f"GTIN {node['gtin']} lô {node['lot']}"
    elif node["gtin"] and node["serial"]:
        what = f"GTIN {node['gtin']} số sê-ri {node['serial']}"
    else:
        what = node["kind"].upper()
    return f"{what}  {node['epc']}"


def tree_lines(result: selectors.TraceResult) -> list[str]:
    """The trace as text: upstream (nguồn gốc) above the root, downstream (phân phối) below, by edge."""
    nodes = {n["epc"]: n for n in result.lots}
    ups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    downs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for edge in result.edges:
        downs[edge["from"]].append((edge["to"], edge["kind"]))
        ups[edge["to"]].append((edge["from"], edge["kind"]))
    from events.services.recall import party_names

    names = party_names({p for t in result.shipments for p in (t["source"], t["destination"]) if p})
    trips: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for trip in result.shipments:
        trips[trip["epc"]].append(
            {
                **trip,
                "source": names.get(trip["source"], trip["source"]),
                "destination": names.get(trip["destination"], trip["destination"]),
            }
        )
    root = result.root["epc"]
    lines = [f"● {_label(result.root)}", f"  {result.root['digital_link']}"]

    def walk(current: str, links: dict[str, list[tuple[str, str]]], arrow: str, prefix: str, seen: set[str]) -> None:
        children = sorted(set(links.get(current, [])))
        for i, (child, kind) in enumerate(children):
            last = i == len(children) - 1
            node = nodes.get(child)
            label = _label(node) if node else child
            again = " (đã liệt kê / see above)" if child in seen else ""
            lines.append(f"{prefix}{'└─' if last else '├─'}{arrow} [{kind}] {label}{again}")
            inner = prefix + ("   " if last else "│  ")
            if child not in seen:
                for trip in trips.get(child, []):
                    state = "đã nhận / received" if trip["receive_event_id"] else "đang giao / in transit"
                    lines.append(f"{inner}   ⇒ {trip['source'] or '?'} → {trip['destination'] or '?'} ({state})")
            if child not in seen:
                seen.add(child)
                walk(child, links, arrow, prefix + ("   " if last else "│  "), seen)

    for trip in trips.get(root, []):
        state = "đã nhận / received" if trip["receive_event_id"] else "đang giao / in transit"
        lines.append(f"  ⇒ {trip['source'] or '?'} → {trip['destination'] or '?'} ({state})")
    if ups.get(root):
        lines.append("  Nguồn gốc / upstream:")
        walk(root, ups, "←", "  ", {root})
    if downs.get(root):
        lines.append("  Phân phối / downstream:")
        walk(root, downs, "→", "  ", {root})
    lines.append(f"  {len(result.lots)} lô/đơn vị, {len(result.edges)} liên kết, {len(result.event_pks)} sự kiện")
    return lines
