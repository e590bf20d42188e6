"""A capture's writes: its duplicates looked up, its new events stored with their index rows, ledger leaves,
genealogy and query projection, its job and audit entry (`Store`); small captures arriving at once stored together
in one transaction (`store_together`). `events.services.capture` prepares the events and calls these."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from accounts.permissions import Actor, TokenActor
from core import audit
from core.choices import AuditAction
from core.models import AuditEntry
from core.storage.bulk import db_datetime, insert_model, insert_models, insert_rows
from core.storage.db import array_param, raw_cursor
from core.storage.writelock import Combiner, capture_transaction
from events.choices import CaptureStatus
from events.epcis.prepare import PreparedEvent
from events.epcis.problems import Problem
from events.models import Capture, Event
from events.records import RECORD_TYPE
from events.services import corrections, genealogy, pages
from events.services.keys import key_ids, write_values
from events.webhooks import kick_after_commit
from ledger import services as ledger
from ledger.choices import LeafKind
from ledger.records import leaf_bytes


@dataclass
class CaptureResult:
    """What a capture did: the job, the eventIDs stored (in order), the duplicates it skipped, and the stored
    events it declared in error (`declared`: `{"index": i, "eventID": ...}`, see `events.services.corrections`).

    Each duplicate is `{"index": i, "eventID": ..., "reason": "eventID" | "eventHash" | "errorDeclaration",
    "existing": eventID}`.
    """

    capture: Capture
    stored: list[str] = field(default_factory=list)
    new_events: list[NewEvent] = field(default_factory=list)  # the stored events themselves, in order (`as_event`)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    declared: list[dict[str, Any]] = field(default_factory=list)

    @property
    def capture_id(self) -> str:
        return str(self.capture.capture_id)

    @property
    def biz_steps(self) -> set[str]:
        """The stored events' bizSteps, as stored ("" for none)."""
        return {row.idx.biz_step or "" for row in self.new_events}


AfterCapture = Callable[[Any, Any, CaptureResult], None]
"""A step the caller adds to a capture, run with (actor, organization, result) inside the capture's transaction
once its events and declarations are stored (e.g. writing the rows screens list from those events). Passed
explicitly by the caller (`capture_events(after=...)`); `events` knows nothing of what the steps write."""


def existing(prepared: list[PreparedEvent]) -> tuple[dict[str, str], dict[str, str]]:
    """Stored events with one of these eventIDs or event hashes: one indexed read on the raw cursor;
    ({eventID: its event's hash, or the eventID itself when that is the hash or no hash was computed},
    {event hash: eventID}).

    An event's hash is its `event_hash`, or its `event_id` where `event_hash` is NULL (see `Event`): the
    hashes are looked up in both unique indexes. The eventID index is probed once for IDs and hashes (for
    events sent without eventID they are the same), and whether a row's `event_hash` is NULL is read, not
    asked: as a condition, SQLite (without statistics) took it to the event_hash index and read every NULL
    of it, half a second a document on the benchmark's province. At most `TRUYXUAT_CAPTURE_MAX_EVENTS` of
    each (10,000 by default), within SQLite's 32,766 parameters; PostgreSQL takes each list as one array.
    """
    ids = {str(p.index.event_id) for p in prepared if p.index.event_id}
    hashes = {p.hash for p in prepared if p.hash}
    sql, params = existing_query(sorted(ids | hashes), sorted(hashes))
    by_id: dict[str, str] = {}
    by_hash: dict[str, str] = {}
    with raw_cursor() as (cursor, _mark):
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for which, key, other in rows:
        if which:  # (hash, eventID) of an event whose hash is kept beside its own eventID
            by_hash[key] = other
            continue
        if key in ids:
            by_id[key] = other or key  # the stored event's hash (its eventID when that is the hash)
        if other is None and key in hashes:  # an event whose eventID is its hash
            by_hash[key] = key
    return by_id, by_hash


def existing_query(probe: list[str], hashes: list[str]) -> tuple[str, list[Any]]:
    """The duplicate lookup's statement and parameters for this connection (raw DB-API placeholders): rows
    (0, eventID, event_hash) of events whose eventID is in `probe`, and (1, event_hash, eventID) of events
    whose event_hash is in `hashes`."""
    params: list[Any]
    if connection.vendor == "postgresql":
        (id_mark, id_param), (hash_mark, hash_param) = array_param(probe), array_param(hashes)
        where_id, where_hash, params = (
            f"event_id = ANY({id_mark})",
            f"event_hash = ANY({hash_mark})",
            [id_param, hash_param],
        )
    else:
        where_id = f"event_id IN ({','.join('?' * len(probe))})"
        where_hash = f"event_hash IN ({','.join('?' * len(hashes))})"
        params = [*probe, *hashes]
    sql = (
        f"SELECT 0, event_id, event_hash FROM {EVENT_TABLE} WHERE {where_id} "
        f"UNION ALL SELECT 1, event_hash, event_id FROM {EVENT_TABLE} WHERE {where_hash}"
    )
    return sql, params


class NewEvent:
    """An event this capture stores: its row's values, then its primary key (lighter than an `Event`)."""

    __slots__ = (
        "body",
        "capture_id",
        "event_hash",
        "event_id",
        "idx",
        "organization_id",
        "pk",
        "record_time",
        "values",
    )

    def __init__(self, prepared: PreparedEvent, organization_id: int | None):
        self.pk: int | None = None
        self.idx = idx = prepared.index
        self.event_id = str(idx.event_id)
        self.event_hash = prepared.hash
        self.organization_id = organization_id
        self.body = prepared.body
        self.values = prepared.values  # its `EventValue` rows' (`events.epcis.values`)
        self.capture_id: int | None = None  # its capture job, and the job's recordTime (as the database stores it)
        self.record_time: Any = None

    def as_event(self) -> Event:
        """The stored row as an `Event` (not read back: the capture's steps get the events it just wrote)."""
        idx = self.idx
        return Event(
            pk=self.pk,
            event_id=self.event_id,
            type=idx.type,
            biz_step=idx.biz_step or "",
            action=idx.action or "",
            organization_id=self.organization_id,
            body=self.body,
        )


class Store:
    """A capture's writes inside its transaction, part by part (`add`), then its outcome (`finish`).

    The capture job comes first (events point at it): with its final counts when the first part is the last
    (a single event: one INSERT), else counted at `finish`. Each part's duplicates are found against the
    database, where the earlier parts already are, and against the document so far; its new events are
    stored with their index rows, ledger leaves and genealogy, in document order, as separate captures of
    the parts would store them (`genealogy.derive` reads the earlier parts' shipments and transformations).
    """

    def __init__(
        self,
        actor: Actor,
        organization: Any,
        context: list[Any],
        source: str,
        now: datetime,
        event_count: int,
        error_behaviour: str = "rollback",
        errors: list[dict[str, Any]] | None = None,
        after: Sequence[AfterCapture] = (),
    ) -> None:
        self.actor = actor
        self.organization = organization
        self.org_id = organization.pk if organization is not None else None
        self.context = context
        self.source = source
        self.now = now
        self.event_count = event_count
        self.error_behaviour = error_behaviour
        self.errors = errors or []  # events refused by a `proceed` capture, reported on its job
        self.after = after  # the caller's steps (`AfterCapture`), run by `finish`
        self.result = CaptureResult(capture=Capture())
        self.counted = False  # whether the job row holds the final counts
        self.offset = 0  # the document index of the next part's first event
        self.by_id: dict[str, str] = {}  # eventID → its event's hash (see `existing`)
        self.by_hash: dict[str, str] = {}
        self.named: set[int] = set()  # identifiers the stored events name, for the public pages' generations
        self.pending: list[corrections.Pending] = []  # events declaring a stored one in error
        self.audit_entry: AuditEntry | None = None  # made by `finish`

    def add(self, prepared: list[PreparedEvent], last: bool) -> None:
        """Store a part: its duplicates looked up, its new events written."""
        found_id, found_hash = existing(prepared)
        self.by_id.update(found_id)
        self.by_hash.update(found_hash)
        rows = self.new_rows(prepared, last)
        self.named.update(_write(rows))
        self.settle(rows)

    def settle(self, rows: list[NewEvent]) -> None:
        """After the part's events are written: record the error declarations it made (those sent inside new
        events, and those against stored events, which may be this capture's own)."""
        capture = self.result.capture
        corrections.declare_inline(capture, [(r.pk or 0, r.idx.error_declaration) for r in rows], self.org_id)
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        _count, duplicates, _named = corrections.declare(
            actor=self.actor, organization=self.organization, capture=capture, pending=pending
        )
        self.result.duplicates += duplicates
        declared = {d["index"] for d in duplicates}
        self.result.declared += [{"index": p.index, "eventID": p.event_id} for p in pending if p.index not in declared]

    def new_rows(self, prepared: list[PreparedEvent], last: bool, write_job: bool = True) -> list[NewEvent]:
        """The part's events that are not duplicates (`by_id`/`by_hash` hold the stored ones it repeats), after
        writing the capture job if not yet written (unless `write_job` is False: the caller writes it, then
        `stamp`s the rows); the duplicates are recorded in the result."""
        result, by_id, by_hash = self.result, self.by_id, self.by_hash
        rows: list[NewEvent] = []
        taken: list[Problem] = []
        for i, p in enumerate(prepared, start=self.offset):
            idx, h = p.index, p.hash
            eid = str(idx.event_id)
            if eid in by_id:
                if idx.error_declaration is not None:  # the stored event, declared in error
                    self.pending.append(corrections.Pending(i, eid, idx.error_declaration))
                elif (h or eid) == by_id[eid]:
                    result.duplicates.append({"index": i, "eventID": eid, "reason": "eventID", "existing": eid})
                else:  # another event under a taken eventID
                    taken.append(corrections.taken(i, eid))
                continue
            if h and h in by_hash:
                result.duplicates.append({"index": i, "eventID": eid, "reason": "eventHash", "existing": by_hash[h]})
                continue
            by_id[eid] = h or eid
            if h:
                by_hash[h] = eid
            rows.append(NewEvent(p, self.org_id))
        if taken:
            raise corrections.EventIdTaken(taken)
        self.offset += len(prepared)
        if result.capture.pk is None:
            self.counted = last and not self.pending
            stored = len(result.stored) + len(rows)
            result.capture = Capture(  # the job, with its outcome when known (one INSERT, no UPDATE)
                organization=self.organization,
                source=self.source,
                status=CaptureStatus.FAILED if self.errors else CaptureStatus.SUCCESS,
                error_behaviour=self.error_behaviour,
                errors=self.errors,
                created_at=self.now,  # the job began with the request: finishedAt is never before it
                context=self.context,
                event_count=self.event_count,
                stored_count=stored if last else 0,
                duplicate_count=len(result.duplicates) if last else 0,
                finished_at=timezone.now(),
            )
            if write_job:
                insert_model(result.capture)
        if write_job:
            self.stamp(rows)
        result.stored += [r.event_id for r in rows]
        result.new_events += rows
        return rows

    def stamp(self, rows: list[NewEvent]) -> None:
        """The rows' capture job (written) and recordTime (the job's, as the database stores it)."""
        stamp = db_datetime(self.now)
        for r in rows:
            r.capture_id, r.record_time = self.result.capture.pk, stamp

    def finish(self, write_audit: bool = True) -> CaptureResult:
        """The capture's outcome: its job's final counts, its audit entry (unless `write_audit` is False: the
        caller writes `audit_entry`), and the caller's `after` steps."""
        result, capture = self.result, self.result.capture
        pages.keys_changed(self.named)  # the lots named and those downstream show the new step at once
        if result.stored:
            kick_after_commit()  # streaming subscriptions report the new events (`events.webhooks`)
        if not self.counted:
            capture.stored_count = len(result.stored) + len(result.declared)
            capture.duplicate_count = len(result.duplicates)
            capture.finished_at = timezone.now()
            Capture.objects.filter(pk=capture.pk).update(
                stored_count=capture.stored_count,
                duplicate_count=capture.duplicate_count,
                finished_at=capture.finished_at,
            )
        self.audit_entry = _audit_entry(
            self.actor,
            capture,
            {
                "capture_id": str(capture.capture_id),
                "source": self.source,
                "events": self.event_count,
                "stored": len(result.stored),
                "duplicates": len(result.duplicates),
                **({"declared": [d["eventID"] for d in result.declared]} if result.declared else {}),
            },
            self.org_id,
            f"[{self.actor.username}]" if isinstance(self.actor, TokenActor) else "",
        )
        if write_audit:
            insert_model(self.audit_entry)
        for step in self.after:
            step(self.actor, self.organization, result)
        return result


def _write(rows: list[NewEvent]) -> list[int]:
    """Write new events (of one capture or several) with their ledger leaves, identifiers and genealogy; return
    the ids of the identifiers they name (`pages.keys_changed` once per transaction, not per part)."""
    if not rows:
        return []
    insert_events(rows)
    _append_leaves(rows)
    mentions = [genealogy.roles(r.idx) for r in rows]
    written: dict[str, str] = {}
    for mentioned in mentions:
        for k, v, _role in mentioned:
            written.setdefault(k, v)
    ids = key_ids(written)
    genealogy.save(genealogy.derive([(r, r.idx) for r in rows], ids, mentions))
    write_values((r.pk or 0, r.values) for r in rows)  # the query projection (`events.epcis.values`)
    return list(ids.values())


class Ticket:
    """A small capture waiting to be stored with others (`Store` arguments, and its prepared events)."""

    __slots__ = ("args", "prepared")

    def __init__(self, args: tuple[Any, ...], prepared: list[PreparedEvent]) -> None:
        self.args = args
        self.prepared = prepared


def store_together(tickets: list[Ticket]) -> list[CaptureResult]:
    """Small captures that arrived at once, in one transaction, in arrival order: each its own capture job,
    duplicates and audit entry, as if stored one after the other, with one duplicate lookup and one write of
    all their events (single-event POSTs from many clients: the per-transaction work, and re-reading the
    database pages another connection's commit made stale, are shared)."""
    stores = [Store(*t.args) for t in tickets]
    with capture_transaction():
        by_id, by_hash = existing([p for t in tickets for p in t.prepared])
        rows: list[NewEvent] = []
        own: list[list[NewEvent]] = []
        for store, ticket in zip(stores, tickets, strict=True):
            store.by_id, store.by_hash = by_id, by_hash  # shared: a later capture repeating an earlier one's event
            own.append(store.new_rows(ticket.prepared, True, write_job=False))
            rows += own[-1]
        insert_models([store.result.capture for store in stores])  # every job in one statement
        for store, written in zip(stores, own, strict=True):
            store.stamp(written)
        pages.keys_changed(_write(rows))  # the lots named and those downstream show the new step at once
        for store, written in zip(stores, own, strict=True):
            store.settle(written)
        results = [store.finish(write_audit=False) for store in stores]
        insert_models([store.audit_entry for store in stores if store.audit_entry is not None])  # one statement
        return results


combiner: Combiner[Ticket, CaptureResult] = Combiner()


def _audit_entry(actor: Actor, capture: Capture, after: dict[str, Any], org_id: int | None, reason: str) -> AuditEntry:
    """The capture's audit entry (`core.audit.entry`), not written: `insert_model` writes it with one prepared
    INSERT, or `insert_models` those of captures stored together (the queryset INSERT cost a tenth of a
    single-event POST)."""
    return audit.entry(
        actor=actor,
        action=AuditAction.CAPTURE,
        instance=capture,
        after=after,
        organization_id=org_id,
        reason=reason,
    )


EVENT_TABLE = Event._meta.db_table
_EVENT_COLUMNS = (
    "event_id",
    "event_hash",
    "type",
    "event_time",
    "event_time_zone_offset",
    "record_time",
    "action",
    "biz_step",
    "disposition",
    "read_point",
    "biz_location",
    "transformation_id",
    "organization_id",
    "capture_id",
    "body",
)


def insert_events(events: list[NewEvent]) -> None:
    """Insert the new events in multi-row statements and set their primary keys (read back by RETURNING)."""
    returned = insert_rows(
        EVENT_TABLE,
        _EVENT_COLUMNS,
        [
            (
                e.event_id,
                None if e.event_hash == e.event_id else e.event_hash,  # see Event: the eventID is the hash
                e.idx.type,
                db_datetime(e.idx.event_time),
                e.idx.event_time_zone_offset[:6],
                e.record_time,
                e.idx.action or "",
                e.idx.biz_step or "",
                e.idx.disposition or "",
                e.idx.read_point or "",
                e.idx.biz_location or "",
                e.idx.transformation_id or "",
                e.organization_id,
                e.capture_id,
                e.body,
            )
            for e in events
        ],
        returning=("event_id", "id"),
    )
    pks = dict(returned)
    for e in events:
        e.pk = pks[e.event_id]


def _leaf(event: NewEvent) -> bytes:
    """`ledger.records.record_bytes(event)`, from the event's stored canonical body (not encoded a second time)."""
    return leaf_bytes(RECORD_TYPE, str(event.pk), event.body.encode())


def _append_leaves(rows: list[NewEvent]) -> None:
    """The events' ledger leaves, appended right after the events: the append takes the ledger head's row, which
    then orders concurrent captures' identifier inserts and shipment updates. Appended last instead (tried: single
    POSTs 156-166 -> 189/s on PostgreSQL), two documents sent at once at 10M events deadlocked inserting the same
    new identifiers in opposite orders, and one was answered 500 (bench/README.md, "PostgreSQL at 1M and 10M")."""
    ledger.append_many([(LeafKind.EVENT, _leaf(e), RECORD_TYPE, str(e.pk)) for e in rows])
