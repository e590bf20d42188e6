"""Cross-node trace: follow a lot through the nodes of other provinces, each remote part verified before it is shown.

The walk asks, for each (node, lot), the node's EPCIS query interface for the events that mention the lot
(``GET /epcis/events?MATCH_anyEPCClass=…``, a signed request) and this node's own events directly. From each event it
goes on: backward to a transformation's inputs and to a receipt's source, forward to a transformation's outputs and to
a shipment's destination, asking the node authoritative for the next lot (by GS1 company prefix) or for the
destination or source (by GLN). Each remote part is proved: the peer's proof bundle for those events
(``GET /federation/proofs``) must verify with the peer's pinned ledger key (`ledger.bundle.verify_bundle`), its
checkpoint must extend the one this node verified before (`witnessing.check_extension`), and every event of the answer
must be, field for field, the record proved in the ledger; otherwise the part is refused and an alarm raised.
Verified parts are cached (``TRUYXUAT_FEDERATION_CACHE_SECONDS``); an unreachable node leaves a part that says so.
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import QueryDict

from events import selectors as event_selectors
from events.query import QueryError
from federation import client, witnessing
from federation.keys import node_keys
from federation.models import Peer
from federation.selectors import Directory
from gs1.canonical import canonical_bytes
from gs1.identifiers import key_of, parse_key
from ledger import bundle as bundle_mod
from ledger import note as ledger_note
from ledger.choices import AlarmKind
from ledger.note import parse_checkpoint, parse_note

MAX_PARTS = 24
UNREACHABLE = "unreachable"
REFUSED = "refused"


@dataclass
class Part:
    """What one node says about one lot: its events (summaries), and whether this node could check them."""

    node: str
    origin: str
    base_url: str
    province_code: int | None
    local: bool
    key: str
    events: list[dict[str, Any]] = field(default_factory=list)
    verified: bool = False
    error: str = ""
    tree_size: int | None = None
    cosigners: int = 0


@dataclass
class FederatedTrace:
    root: str
    parts: list[Part]

    @property
    def provinces(self) -> list[str]:
        """The nodes the chain crosses, upstream first (by the earliest event each vouches for)."""
        first: dict[str, str] = {}
        for part in self.parts:
            for event in part.events:
                time = event["time"]
                if part.node not in first or time < first[part.node]:
                    first[part.node] = time
        return sorted(first, key=first.__getitem__)

    @property
    def events(self) -> list[dict[str, Any]]:
        """Every event once, oldest first, each with the node that vouches for it."""
        seen: dict[str, dict[str, Any]] = {}
        for part in self.parts:
            for event in part.events:
                seen.setdefault(event["event_id"], event | {"node": part.node, "verified": part.verified})
        return sorted(seen.values(), key=lambda e: e["time"])

    @property
    def verified(self) -> bool:
        return all(p.verified or p.local for p in self.parts)


def _keys(items: list[Any] | None, member: str | None = None) -> list[str]:
    out = []
    for item in items or []:
        value = item.get(member) if member and isinstance(item, dict) else item
        if isinstance(value, str):
            try:
                out.append(key_of(value))
            except ValueError:
                continue
    return out


def _parties(items: list[Any] | None, member: str) -> list[str]:
    return _keys(items, member)


def summary(event: dict[str, Any]) -> dict[str, Any]:
    """The parts of an EPCIS event the walk and the page use (canonical keys)."""
    return {
        "event_id": event.get("eventID", ""),
        "type": event.get("type", ""),
        "biz_step": str(event.get("bizStep", "")).rsplit("/", 1)[-1].rsplit("#", 1)[-1].rsplit(":", 1)[-1],
        "time": str(event.get("eventTime", "")),
        "objects": _keys(event.get("epcList")) + _keys(event.get("quantityList"), "epcClass"),
        "inputs": _keys(event.get("inputEPCList")) + _keys(event.get("inputQuantityList"), "epcClass"),
        "outputs": _keys(event.get("outputEPCList")) + _keys(event.get("outputQuantityList"), "epcClass"),
        "where": (event.get("bizLocation") or event.get("readPoint") or {}).get("id", ""),
        "sources": _parties(event.get("sourceList"), "source"),
        "destinations": _parties(event.get("destinationList"), "destination"),
    }


def _hops(part: Part, direction: str, directory: Directory) -> list[tuple[Peer | None, str]]:
    out: list[tuple[Peer | None, str]] = []
    back, fwd = direction in ("backward", "both"), direction in ("forward", "both")
    for event in part.events:
        if part.key in event["outputs"] and back:
            out += [(directory.owner(k), k) for k in event["inputs"]]
        if part.key in event["inputs"] and fwd:
            out += [(directory.owner(k), k) for k in event["outputs"]]
        if part.key in event["objects"]:
            if fwd and event["biz_step"] == "shipping":
                out += [(directory.owner(gln), part.key) for gln in event["destinations"]]
            if back and event["biz_step"] == "receiving":
                out += [(directory.owner(gln), part.key) for gln in event["sources"]]
    return out


def federated_trace(identifier: str, direction: str = "backward", shared: bool = False) -> FederatedTrace:
    """The chain of `identifier` across this node and its peers (see the module's docstring). `shared`: for one
    who may see what peers share with this province before publication (its officers): peers are asked at
    ``/federation/events``, which adds the unpublished shipments to this province's organisations when the peer
    shares them with this node; otherwise at ``/epcis/events`` (the public's events), as the consumer's page does."""
    root = key_of(identifier.strip())
    directory = Directory.load()
    queue: deque[tuple[Peer | None, str]] = deque([(directory.owner(root), root)])
    done: set[tuple[int | None, str]] = set()
    parts: list[Part] = []
    while queue and len(parts) < MAX_PARTS:
        peer, key = queue.popleft()
        if (peer.pk if peer else None, key) in done:
            continue
        done.add((peer.pk if peer else None, key))
        part = local_part(key) if peer is None else remote_part(peer, key, shared)
        if part.events or part.error:
            parts.append(part)
        if part.error:
            continue
        queue.extend(_hops(part, direction, directory))
    return FederatedTrace(root=root, parts=parts)


def local_part(key: str) -> Part:
    params = QueryDict(mutable=True)
    params["MATCH_anyEPCClass"] = key
    try:
        rows = event_selectors.query(params, None).events
    except QueryError:
        rows = []
    return Part(
        node=settings.TRUYXUAT_FEDERATION_NAME or "",
        origin="",
        base_url=settings.TRUYXUAT_PORTAL_URL,
        province_code=settings.TRUYXUAT_PROVINCE_CODE,
        local=True,
        key=key,
        events=[summary(event_selectors.event_json(row)) for row in rows],
        verified=True,
    )


def _cache_key(peer: Peer, key: str, shared: bool = False) -> str:
    return f"federation:part:{peer.pk}:{int(shared)}:{hashlib.sha256(key.encode()).hexdigest()}"


def remote_part(peer: Peer, key: str, shared: bool = False) -> Part:
    cached = cache.get(_cache_key(peer, key, shared))
    if cached is not None:
        return Part(**cached)
    part = Part(peer.name, peer.origin, peer.base_url, peer.province_code, False, key)
    base = peer.base_url.rstrip("/")
    try:
        route = "/federation/events?" if shared else "/epcis/events?"
        answer = client.get_json(base + route + urllib.parse.urlencode({"MATCH_anyEPCClass": key}))
        found = answer["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        ids = [e["eventID"] for e in found]
        proofs = (
            client.get_json(f"{base}/federation/proofs?" + urllib.parse.urlencode({"eventID": ids}, doseq=True))
            if ids
            else None
        )
    except client.Unreachable as exc:
        part.error = UNREACHABLE
        Peer.objects.filter(pk=peer.pk).update(last_error=str(exc)[:500])
        return part
    except (KeyError, TypeError) as exc:
        part.error = REFUSED
        witnessing.raise_alarm(
            peer, AlarmKind.AUDIT, f"Câu trả lời EPCIS của {peer.name} sai định dạng: {exc}", {"key": key}
        )
        return part
    if found:
        problem = verify_answer(peer, found, proofs)
        if problem:
            part.error = REFUSED
            witnessing.raise_alarm(peer, AlarmKind.AUDIT, problem, {"key": key, "events": ids})
            return part
        signed = str(proofs["checkpoint"]) if isinstance(proofs, dict) else ""
        part.tree_size = int(parse_checkpoint(parse_note(signed)[0]).size)
        part.cosigners = verified_cosigners(peer, signed)
    part.events = [summary(e) for e in found]
    part.verified = True
    cache.set(_cache_key(peer, key, shared), asdict(part), int(settings.TRUYXUAT_FEDERATION_CACHE_SECONDS))
    return part


def verified_cosigners(peer: Peer, signed: str) -> int:
    """How many other nodes vouch for `peer`'s checkpoint: the cosignature/v1 lines on it that verify with the witness
    key of another peer of this node or this node's own (a line by a key this node does not know counts for
    nothing, as in the browser's verifier: ``ledger/static/ledger/verify.js``, vouchingProvinces)."""
    keys = [
        node_keys().witness_key,
        *Peer.objects.filter(active=True).exclude(pk=peer.pk).values_list("witness_key", flat=True),
    ]
    verifiers: dict[tuple[str, int], ledger_note.Verifier] = {}
    for key in keys:
        try:
            parsed = ledger_note.parse_verifier_key(key)
        except ledger_note.NoteError:
            continue
        verifiers[(parsed.name, parsed.key_hash)] = parsed
    text, sigs = parse_note(signed)
    vouching = set()
    for sig in sigs:
        known = verifiers.get((sig.name, sig.key_hash))
        if known is None or known.alg != ledger_note.ALG_COSIGNATURE_V1:
            continue
        try:
            ledger_note.verify_cosignature(text, sig, known)
        except ledger_note.NoteError:
            continue
        vouching.add(sig.name)
    return len(vouching)


def _comparable(event: dict[str, Any]) -> bytes:
    return canonical_bytes({k: v for k, v in event.items() if k not in ("@context", "errorDeclaration")})


def verify_answer(peer: Peer, found: list[dict[str, Any]], proofs: Any) -> str:
    """'' when every event of the answer is proved in the peer's ledger; else why not (Vietnamese)."""
    report = bundle_mod.verify_bundle(proofs, pinned_key=peer.ledger_key)
    if not report.ok:
        return f"Bằng chứng của {peer.name} không hợp lệ: {report.summary_vi}"
    cp = parse_checkpoint(parse_note(proofs["checkpoint"])[0])
    try:
        witnessing.check_extension(peer, cp.size, cp.root_hash, allow_older=True)
    except witnessing.FederationAlarm as exc:
        return str(exc)
    except client.Unreachable:
        return f"Không kiểm tra được tính nhất quán sổ cái của {peer.name}."
    proved: dict[str, bytes] = {}
    for record in proofs.get("records", []):
        data = json.loads(record["canonical"]).get("data", {})
        if isinstance(data, dict) and data.get("eventID"):
            proved[data["eventID"]] = _comparable(data)
    for event in found:
        if proved.get(event.get("eventID", "")) != _comparable(event):
            return f"Sự kiện {event.get('eventID')} do {peer.name} trả lời không khớp với sổ cái của tỉnh đó."
    return ""


def check_root(key: str) -> str:
    """The canonical key of an identifier typed or scanned (raises ValueError)."""
    parsed = parse_key(key)
    if not (parsed.gtin14 or parsed.sscc):
        raise ValueError("not a GS1 key of a product, lot or logistic unit")
    return key_of(key)


__all__ = ["FederatedTrace", "Part", "federated_trace"]
