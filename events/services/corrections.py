"""Error declarations (EPCIS 2.0 §7.4.1.2, CBV 2.0 error reasons): how an event is corrected as the standard says.

A capturing application corrects an event by capturing it again, with the same `eventID`, plus an
`errorDeclaration` (`declarationTime`, optional `reason` — CBV `incorrect_data` or `did_not_occur` — and
`correctiveEventIDs`, the events that replace it). Capture (`events.services.capture`) hands such events here:

* the stored original stays exactly as captured (its JSON, hash and ledger leaf); the declaration is stored as
  its own record (`ErrorDeclaration`) and appended to the ledger as its own leaf, in the capture's transaction;
* only the original's capturing organisation, an agency officer of that organisation's province, or a platform
  admin may declare it in error; anyone else is refused (`CaptureForbidden`, 403, naming the event's
  `errorDeclaration`), and so is an event naming no stored event of the caller's;
* a repeat of an eventID WITHOUT a declaration is a duplicate only when it is the same event (same event hash);
  a different event under a taken eventID is refused (`EventIdTaken`, naming the event's `eventID`);
* a declaration already recorded, sent again identically, is a duplicate (reason `errorDeclaration`); another
  declaration of an event already declared in error is refused;
* an event captured for the first time with an `errorDeclaration` in it (GS1's own example sends the erroneous
  event and its corrective one together) is stored as sent and recorded as declared (`inline`).

What a declaration changes: queries return the event with its `errorDeclaration` (the event as corrected,
`attach`/`declaration_json`); the event's derived rows are withdrawn — its genealogy edges (`LotEdge`), the
shipments it opened or closed, its mentions' edge links — so the genealogy walk (trace, recall, the public
pages, the page caches) no longer follows a transformation or aggregation declared in error, and the trace
leaves declared events out of the chain it lists (`without_declared`). The corrective events are ordinary
events and are followed as any other.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from accounts import permissions
from accounts.permissions import Actor
from catalog.models import Organization
from events.choices import EpcLink
from events.epcis import canonical_bytes
from events.epcis.extract import parse_time
from events.epcis.problems import EpcisError, Problem
from events.graph import fetch_in, without_declared
from events.models import Capture, ErrorDeclaration, Event, EventEpc, LotEdge, Shipment
from events.records import DECLARATION_TYPE
from events.services import pages
from events.services.authority import CaptureForbidden
from ledger import services as ledger
from ledger.choices import LeafKind
from ledger.records import record_bytes

EVENT_LIST = "/epcisBody/eventList/"
__all__ = ["EventIdTaken", "Pending", "attach", "declaration_json", "declare", "retract", "without_declared"]

REASONS = ("incorrect_data", "did_not_occur")  # CBV 2.0 §8.5 error reasons (other URIs are allowed too)


class EventIdTaken(EpcisError):
    """Events reuse a stored (or earlier) eventID for a different event, without an error declaration."""


@dataclass(frozen=True, slots=True)
class Pending:
    """An event of a capture that declares a stored event in error: its place in the document, the eventID
    and the `errorDeclaration` member as sent."""

    index: int
    event_id: str
    declaration: dict[str, Any]


def taken(index: int, event_id: str) -> Problem:
    """The problem of a different event sent under the eventID of a stored one."""
    return Problem(
        index,
        f"{EVENT_LIST}{index}/eventID",
        f"Mã sự kiện {event_id} đã dùng cho một sự kiện khác. Muốn sửa sự kiện đó, gửi lại nó kèm "
        f"errorDeclaration; sự kiện mới cần eventID mới. / eventID {event_id} already names a different event. "
        "To correct that event, capture it again with an errorDeclaration; a new event needs a new eventID.",
    )


def _canonical(declaration: dict[str, Any]) -> str:
    return canonical_bytes(declaration).decode()


def _may_declare(actor: Actor, org_id: int | None, owner: Organization | None) -> bool:
    """The original's capturing organisation, an officer of its province, or a platform admin."""
    if permissions.is_platform_admin(actor):
        return True
    if owner is None:
        return False
    return owner.pk == org_id or permissions.is_officer_for(actor, owner)


def declare(
    *, actor: Actor, organization: Any, capture: Capture, pending: Sequence[Pending]
) -> tuple[int, list[dict[str, Any]], set[int]]:
    """Record the declarations `pending` (of one capture, inside its transaction) against the stored events.

    Returns (declarations stored, duplicates, identifier ids the declared events named — for the page caches);
    raises `CaptureForbidden` (not the original's organisation, its province's officer or an admin) or
    `EventIdTaken` (a second, different declaration), and the capture then rolls back whole.
    """
    if not pending:
        return 0, [], set()
    org_id = organization.pk if organization is not None else None
    originals = {e.event_id: e for e in Event.objects.filter(event_id__in={p.event_id for p in pending})}
    owners = Organization.objects.in_bulk({e.organization_id for e in originals.values() if e.organization_id})
    known = {d.event_id: d for d in ErrorDeclaration.objects.filter(event__in=list(originals.values()))}
    refused: list[Problem] = []
    conflicts: list[Problem] = []
    duplicates: list[dict[str, Any]] = []
    fresh: list[tuple[Pending, Event]] = []
    seen: dict[str, str] = {}
    for p in pending:
        original = originals[p.event_id]
        owner = owners.get(original.organization_id) if original.organization_id else None
        if not _may_declare(actor, org_id, owner):
            refused.append(
                Problem(
                    p.index,
                    f"{EVENT_LIST}{p.index}/errorDeclaration",
                    f"Chỉ tổ chức đã ghi nhận sự kiện {p.event_id} (hoặc cơ quan quản lý tỉnh của tổ chức đó) mới "
                    f"được khai báo nó sai. / Only the organisation that captured event {p.event_id} (or an "
                    "officer of its province) may declare it in error.",
                )
            )
            continue
        body = _canonical(p.declaration)
        stored = known.get(original.pk)
        before = stored.body if stored is not None else seen.get(p.event_id)
        if before is not None:
            if before == body:
                duplicates.append(
                    {"index": p.index, "eventID": p.event_id, "reason": "errorDeclaration", "existing": p.event_id}
                )
            else:
                conflicts.append(
                    Problem(
                        p.index,
                        f"{EVENT_LIST}{p.index}/errorDeclaration",
                        f"Sự kiện {p.event_id} đã được khai báo sai trước đó. / Event {p.event_id} has already been "
                        "declared in error.",
                    )
                )
            continue
        seen[p.event_id] = body
        fresh.append((p, original))
    if refused:
        raise CaptureForbidden(refused)
    if conflicts:
        raise EventIdTaken(conflicts)
    rows = [_row(p.declaration, original, capture, org_id, inline=False) for p, original in fresh]
    ErrorDeclaration.objects.bulk_create(rows)
    for row in rows:  # each declaration its own leaf, after its original's
        ledger.append(LeafKind.EVENT, record_bytes(row), record_type=DECLARATION_TYPE, record_id=str(row.pk))
    named = retract([original.pk for _p, original in fresh])
    return len(rows), duplicates, named


def declare_inline(
    capture: Capture, events: Iterable[tuple[int, dict[str, Any] | None]], org_id: int | None
) -> set[int]:
    """Events stored for the first time with an `errorDeclaration` in them ((primary key, declaration)):
    recorded as declared (the event's own leaf holds the declaration) and withdrawn from the genealogy."""
    declared = [(pk, d) for pk, d in events if d is not None]
    if not declared:
        return set()
    by_pk = Event.objects.in_bulk([pk for pk, _d in declared])
    ErrorDeclaration.objects.bulk_create(
        [_row(d, by_pk[pk], capture, org_id, inline=True) for pk, d in declared if pk in by_pk]
    )
    return retract([pk for pk, _d in declared])


def _row(
    declaration: dict[str, Any], event: Event, capture: Capture, org_id: int | None, *, inline: bool
) -> ErrorDeclaration:
    when = declaration.get("declarationTime")
    corrective = declaration.get("correctiveEventIDs")
    return ErrorDeclaration(
        event=event,
        declaration_time=parse_time(when) if isinstance(when, str) else capture.created_at,
        reason=str(declaration.get("reason") or "")[:1000],
        corrective_event_ids=[c for c in corrective if isinstance(c, str)] if isinstance(corrective, list) else [],
        body=_canonical(declaration),
        inline=inline,
        organization_id=org_id,
        capture=capture,
    )


def retract(pks: list[int]) -> set[int]:
    """Withdraw the derived rows of events declared in error: genealogy edges, the shipments they opened (a
    shipment they closed opens again; one a later receipt closed stays as that arrival), their mentions' links.
    The public pages of the lots they named, and of those downstream, are refreshed first (while the edges
    still lead there). Returns the identifier ids the events name."""
    if not pks:
        return set()
    named = {k for (k,) in fetch_in("SELECT DISTINCT key_id FROM events_eventepc WHERE event_id IN ({marks})", pks)}
    pages.keys_changed(named)
    LotEdge.objects.filter(event_id__in=pks).delete()
    Shipment.objects.filter(ship_event_id__in=pks, receive_event__isnull=True).delete()
    Shipment.objects.filter(ship_event_id__in=pks).update(ship_event=None)
    Shipment.objects.filter(receive_event_id__in=pks, ship_event__isnull=True).delete()
    Shipment.objects.filter(receive_event_id__in=pks).update(receive_event=None)
    EventEpc.objects.filter(event_id__in=pks, link__gt=int(EpcLink.NONE)).update(link=int(EpcLink.NONE))
    return named


_UNSET = object()


def attach(events: Sequence[Event]) -> None:
    """Read the declarations of a page of events at once (one query) for `declaration_json`."""
    found = {d.event_id: d for d in ErrorDeclaration.objects.filter(event_id__in=[e.pk for e in events])}
    for event in events:
        event._declaration = found.get(event.pk)  # type: ignore[attr-defined]


def declaration_json(event: Event) -> dict[str, Any] | None:
    """The `errorDeclaration` recorded against `event` (None if it is not declared in error)."""
    declaration = getattr(event, "_declaration", _UNSET)
    if declaration is _UNSET:
        declaration = ErrorDeclaration.objects.filter(event_id=event.pk).first()
    if declaration is None:
        return None
    assert isinstance(declaration, ErrorDeclaration)
    loaded: dict[str, Any] = json.loads(declaration.body)
    return loaded
