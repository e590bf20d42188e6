"""Capture: validate, hash, de-duplicate, store, index, derive genealogy, append to the ledger — all or nothing."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import closing
from datetime import UTC, datetime
from typing import Any, NoReturn

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.permissions import Actor
from core.errors import Forbidden
from core.storage.collector import collector_paused
from core.storage.writelock import capture_transaction, writer_busy
from events.auth import can_capture
from events.choices import CaptureStatus
from events.epcis import CONTEXT_URL, EpcisDocument
from events.epcis.parallel import HELPER_PARTS, HELPER_SHARE, prepare_parts
from events.epcis.prepare import Prepared, merge
from events.models import KEY_MAX, Capture
from events.services import hubmode
from events.services.authority import Authority
from events.services.store import AfterCapture, CaptureResult, Store, Ticket, combiner, store_together


class CaptureTooLarge(Exception):
    """More events than `TRUYXUAT_CAPTURE_MAX_EVENTS` (or a body over `TRUYXUAT_CAPTURE_MAX_BYTES`)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _now_text(now: datetime) -> str:
    return now.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def capture_events(
    *,
    actor: Actor,
    organization: Any,
    events: list[dict[str, Any]],
    context: list[Any] | None = None,
    source: str = "api",
    validate: bool = True,
    header: dict[str, Any] | None = None,
    error_behaviour: str = "rollback",
    errors: list[dict[str, Any]] | None = None,
    event_count: int | None = None,
    after: Sequence[AfterCapture] = (),
) -> CaptureResult:
    """Capture EPCIS events (JSON form, as a document's eventList holds them) for `organization`.

    All or nothing: raises `Forbidden` (actor may not capture for the organisation; `CaptureForbidden`, with a
    problem per object, when events name objects outside the organisation's chain: `events.services.authority`),
    `CaptureTooLarge`
    (over the configured event limit) or `EpcisError` (every problem, with the event index and a JSON pointer
    `/epcisBody/eventList/<i>/<field>`), and then nothing is stored. Otherwise, in one transaction: each event
    gets `eventID` (its event hash when absent) and `recordTime` where absent; events already stored (same
    eventID and event hash, or same event hash, also within the batch) are skipped and reported as duplicates;
    an event under a taken eventID with an `errorDeclaration` declares the stored one in error, and without
    one, if it is a different event, is refused (`EventIdTaken`, an `EpcisError`): see
    `events.services.corrections`; the rest are stored with their index rows, genealogy edges, shipments, one
    ledger leaf each and one audit entry.
    `context` is the document's `@context` (default: the EPCIS 2.0 context only); `header` the members of the
    document sent other than its body (validated with the events; by default an EPCIS 2.0 document of now).
    Large documents are prepared (validated, hashed, indexed) mostly in a helper process, in parts that are
    stored as they come while it prepares the next: see `events.epcis.parallel.prepare_parts` and
    `TRUYXUAT_CAPTURE_PREPARE_WORKERS` (on SQLite, when no other capture holds the write lock; otherwise, and on
    PostgreSQL, the document is prepared whole first, half here and half in the helper: `_prepare_whole`).
    `error_behaviour` and `errors` are recorded on the capture job: a `proceed` capture
    (`events.services.proceed`) stores the valid events of a document and reports the refused ones' `errors`,
    counting the document's `event_count` events. Each step of `after` is called with (actor, organization, the
    result) in the transaction, after the events are stored (see `AfterCapture`).
    """
    if not can_capture(actor, organization):
        raise Forbidden()
    hubmode.check_capture(events, context)  # a hub holds no farm diaries (before anything is prepared or stored)
    limit = settings.TRUYXUAT_CAPTURE_MAX_EVENTS
    if len(events) > limit:
        raise CaptureTooLarge(f"{len(events)} events; the limit is {limit} per document")
    ctx = list(context) if context else [CONTEXT_URL]
    now = timezone.now()
    if header is None:  # events given alone: validated as an EPCIS 2.0 document of now
        header = {"@context": ctx, "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": _now_text(now)}
    whole = len(events) >= settings.TRUYXUAT_CAPTURE_PREPARE_MIN_EVENTS and _prepare_whole()
    with collector_paused():  # a document allocates much and frees it all by reference counting
        parts = prepare_parts(
            events,
            header,
            ctx,
            _now_text(now),
            validate=validate,
            key_max=KEY_MAX,
            workers=settings.TRUYXUAT_CAPTURE_PREPARE_WORKERS,
            min_events=settings.TRUYXUAT_CAPTURE_PREPARE_MIN_EVENTS,
            helper_share=0.5 if whole else HELPER_SHARE,
            helper_parts=1 if whole else HELPER_PARTS,
        )
        with closing(parts):
            part, last = next(parts)
            args = (
                actor,
                organization,
                ctx,
                source,
                now,
                event_count or len(events),
                error_behaviour,
                errors or [],
                tuple(after),
            )
            authority = Authority(actor, organization)
            if last and not (part.invalid or part.too_long) and _combining():
                authority.check(part.events)
                return combiner.run(Ticket(args, part.events), store_together)
            return _capture_parts(part, last, iter(list(parts)) if whole else parts, Store(*args), authority)


def _prepare_whole() -> bool:
    """Whether a large document is better prepared whole (half here, half in the helper) and then stored, than
    stored part by part as the helper prepares them: when another capture holds the SQLite write lock (it would
    then be held waiting on the helper), and on PostgreSQL, whose server process needs the second core for the
    store (figures: bench/README.md, "Capture")."""
    return connection.vendor != "sqlite" or writer_busy()


def _combining() -> bool:
    """Whether small captures may be stored together with others arriving at once (`Combiner`): not inside a
    caller's transaction (its writes must stay on its connection), and unless `TRUYXUAT_CAPTURE_COMBINE` is off."""
    return settings.TRUYXUAT_CAPTURE_COMBINE and not connection.in_atomic_block


def _capture_parts(
    part: Prepared, last: bool, parts: Iterator[tuple[Prepared, bool]], store: Store, authority: Authority
) -> CaptureResult:
    """Store the document's parts (`part` first, then `parts`) as they come, in one transaction; if a part has
    problems, read the rest (the problems of the whole document are reported) and raise `EpcisError`, rolling
    back what was stored. Each part is checked by `authority` before it is stored (`CaptureForbidden` rolls
    back the parts stored before it too)."""
    seen = [part]
    if part.invalid or part.too_long:  # before any write
        seen += [p for p, _last in parts]
        _raise_problems(seen)
    with capture_transaction():
        failed = False
        while True:
            if not failed:
                authority.check(part.events, store.offset)
                store.add(part.events, last)
            if last:
                break
            part, last = next(parts)
            seen.append(part)
            failed = failed or bool(part.invalid or part.too_long)
        if failed:
            _raise_problems(seen)
        return store.finish()


def _raise_problems(parts: list[Prepared]) -> NoReturn:
    merge(parts)  # raises EpcisError with the problems of every part, as one `prepare` of the document would
    raise AssertionError("a part with problems was merged without error")


def capture_document(
    *,
    actor: Actor,
    organization: Any,
    document: EpcisDocument,
    source: str = "api",
    validate: bool = False,
    after: Sequence[AfterCapture] = (),
) -> CaptureResult:
    """Capture the events of a parsed EPCIS document (validated here with `validate`); see `capture_events`."""
    return capture_events(
        actor=actor,
        organization=organization,
        events=document.events,
        context=document.context,
        source=source,
        validate=validate,
        after=after,
        header={k: v for k, v in document.raw.items() if k != "epcisBody"} if isinstance(document.raw, dict) else None,
    )


def record_failure(
    *,
    organization: Any,
    problems: list[dict[str, Any]],
    source: str = "api",
    event_count: int = 0,
    error_behaviour: str = "rollback",
) -> Capture:
    """Keep a refused capture job (no events) so `GET /epcis/capture/{id}` can say why it failed."""
    now = timezone.now()
    return Capture.objects.create(
        created_at=now,
        organization=organization,
        source=source,
        status=CaptureStatus.FAILED,
        event_count=event_count,
        errors=problems,
        error_behaviour=error_behaviour,
        finished_at=now,
    )
