"""The diary as a projection of EPCIS events: `DiaryEntry` rows are written FROM captured events.

An event is the record of what was done; the row is what the diary pages, the offline app and the rules list
fast. Whatever captured the event — the diary form (`diary.services.record_entry`), the offline sync, an import
or a partner's system through `POST /epcis/capture` — the row is written here, from the stored event, in the
capture's transaction, by an explicit call: `record_entry` calls `project_events` after its capture, and the
EPCIS capture routes run `workflows.chain.project_capture` (passed by the project's URL map), which calls
`project_capture` and `mark_declared`.

Vocabulary (documented for partners in docs/architecture.md): an `ObjectEvent` whose `bizStep` is one of our farm
steps (`https://truyxuat.vn/voc/bizstep#<activity>`, harvest excluded: a harvest makes a lot) and whose
`readPoint` (or `bizLocation`) is one of the capturing organisation's growing areas, by the area's location id
(`diary.epcis.area_location`, compared as GS1 keys whatever the spelling); its details are extension fields of
the diary namespace `https://truyxuat.vn/voc/diary#` (any prefix; `txd` by ours): `inputName`,
`activeIngredient`, `dose`, `preHarvestIntervalDays`, `withdrawalDays`, `quantity`, `unit`, `note`, `gps`
(`geo:<lat>,<lon>`), `activity` (must agree with the bizStep when sent). The fields are checked as the diary form
checks them (`diary.cleaning.clean_entry`): an event that is not valid for the organisation — another
organisation's area, an unknown activity, a spraying without its pre-harvest interval — stays stored as an
event but is not projected.

An error declaration of a projected event marks its row (`voided`, or `corrected` when the declaration names
corrective events), as `diary.corrections` does from the workspace; a row already marked stays as it is.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.permissions import Actor, person
from catalog.models import GrowingArea, Organization
from core import audit
from core.choices import AuditAction
from diary.activities import DIARY_NS, DIARY_PREFIX
from diary.choices import Activity, Correction, EntrySource
from diary.cleaning import clean_entry
from diary.epcis import area_location
from diary.models import DiaryEntry
from events.epcis import TRUYXUAT_BIZSTEP_NS, parse_time
from events.models import ErrorDeclaration, Event
from gs1.identifiers import InvalidIdentifier, key_of

ACTIVITIES = tuple(a for a in Activity.values if a != Activity.HARVESTING)
BIZ_STEPS = tuple(TRUYXUAT_BIZSTEP_NS + a for a in ACTIVITIES)
FIELDS = {  # extension field of the diary namespace → the form's field
    "inputName": "product_name",
    "activeIngredient": "active_ingredient",
    "dose": "dose",
    "preHarvestIntervalDays": "phi_days",
    "withdrawalDays": "withdrawal_days",
    "unit": "unit",
    "note": "note",
}


def _prefixes(context: Any) -> set[str]:
    """The names the capture's @context gives the diary namespace (always `txd`, our own prefix)."""
    names = {DIARY_PREFIX}
    for entry in context if isinstance(context, list) else [context]:
        if isinstance(entry, dict):
            names |= {k for k, v in entry.items() if v == DIARY_NS}
    return names


def _field(body: dict[str, Any], prefixes: set[str], name: str) -> Any:
    for key in (DIARY_NS + name, *(f"{p}:{name}" for p in prefixes)):
        if key in body:
            return body[key]
    return None


def _place_key(value: str) -> str:
    try:
        return key_of(value)
    except (InvalidIdentifier, ValueError):
        return value


def _area(organization: Organization, body: dict[str, Any], code: Any) -> GrowingArea | None:
    """The organisation's growing area the event happened on, by its location id (readPoint, else bizLocation)."""
    places = [
        str(p["id"]) for p in (body.get("readPoint"), body.get("bizLocation")) if isinstance(p, dict) and p.get("id")
    ]
    if not places:
        return None
    wanted = _place_key(places[0])
    areas = GrowingArea.objects.filter(organization=organization).select_related("facility", "organization")
    named = areas.filter(code=code).first() if isinstance(code, str) and code else None
    if named is not None and _place_key(area_location(named)) == wanted:  # the diary's own events name the area
        return named
    found = [a for a in areas if _place_key(area_location(a)) == wanted]
    if len(found) > 1:  # areas without a GLN are placed by their centre; the code tells them apart
        found = [a for a in found if a.code == code]
    return found[0] if len(found) == 1 else None


def _client_id(event_id: str) -> uuid.UUID:
    if event_id.startswith("urn:uuid:"):
        try:
            return uuid.UUID(event_id[9:])
        except ValueError:
            pass
    return uuid.uuid5(uuid.NAMESPACE_URL, event_id)


def entry_values(organization: Organization, event: Event) -> dict[str, Any] | None:
    """The diary row an event stands for, checked as the diary form checks an entry; None when the event is not
    a diary activity valid for `organization` (see the module's vocabulary)."""
    if event.type != "ObjectEvent" or event.biz_step not in BIZ_STEPS:
        return None
    body = json.loads(event.body)
    prefixes = _prefixes(event.capture.context if event.capture_id else None)
    activity = event.biz_step[len(TRUYXUAT_BIZSTEP_NS) :]
    stated = _field(body, prefixes, "activity")
    if stated not in (None, activity):
        return None
    area = _area(organization, body, _field(body, prefixes, "growingArea"))
    if area is None:
        return None
    data: dict[str, Any] = {"growing_area": area, "activity": activity, "occurred_at": parse_time(body["eventTime"])}
    for name, form_name in FIELDS.items():
        value = _field(body, prefixes, name)
        if value is not None:
            data[form_name] = value
    quantity = _field(body, prefixes, "quantity")
    if quantity is not None:
        try:
            data["quantity"] = Decimal(str(quantity))
        except InvalidOperation:
            return None
    gps = _field(body, prefixes, "gps")
    if isinstance(gps, str) and gps.startswith("geo:") and gps.count(",") == 1:
        data["latitude"], data["longitude"] = gps[4:].split(",")
    try:
        return clean_entry(organization, data)
    except (ValidationError, ValueError, TypeError):
        return None


def project_events(
    *,
    actor: Actor,
    organization: Organization,
    events: Iterable[Event],
    source: str = EntrySource.API,
    before_save: Callable[[DiaryEntry], None] | None = None,
) -> list[DiaryEntry]:
    """Write the diary row of each event that is a diary activity valid for `organization` and has none yet
    (one per eventID; its `client_id` is the eventID's UUID); each with its audit entry. `before_save` completes a
    row before it is saved (the form's photo and voice). Runs in the caller's (the capture's) transaction."""
    written = []
    user = person(actor)
    for event in events:
        values = entry_values(organization, event)
        if values is None or DiaryEntry.objects.filter(event_id=event.event_id).exists():
            continue
        entry = DiaryEntry(
            client_id=_client_id(event.event_id),
            organization=organization,
            event_id=event.event_id,
            source=source if source in EntrySource.values else EntrySource.API,
            recorded_by=user,
            **values,
        )
        if before_save is not None:
            before_save(entry)
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:  # its client_id taken (two copies of one offline entry raced): the first one won
            continue
        audit.record(actor=actor, action=AuditAction.CREATE, instance=entry, organization_id=organization.pk)
        written.append(entry)
    return written


def project_capture(actor: Actor, organization: Organization | None, capture: Any) -> list[DiaryEntry]:
    """The rows of a capture's new events (the EPCIS capture routes' step; see the module)."""
    if organization is None:
        return []
    events = Event.objects.filter(capture=capture, type="ObjectEvent", biz_step__in=BIZ_STEPS).select_related("capture")
    return project_events(actor=actor, organization=organization, events=events.order_by("pk"))


def mark_declared(actor: Actor, capture: Any) -> list[DiaryEntry]:
    """Mark the rows of the events a capture declared in error (still standing ones only): `corrected` when the
    declaration names corrective events, else `voided`; the declaration's reason kept. Harvest rows are left to
    `logistics` (a harvest's lot is recounted there)."""
    marked = []
    user = person(actor)
    declarations = ErrorDeclaration.objects.filter(capture=capture, inline=False).select_related("event")
    for declaration in declarations:
        entry = (
            DiaryEntry.objects.select_for_update()
            .filter(event_id=declaration.event.event_id, correction="")
            .exclude(activity=Activity.HARVESTING)
            .select_related("growing_area")
            .first()
        )
        if entry is None:
            continue
        body = json.loads(declaration.body or "{}")
        text = next((str(v) for k, v in body.items() if k.endswith(":reasonText") or k == DIARY_NS + "reasonText"), "")
        before = audit.snapshot(entry)
        entry.correction = Correction.CORRECTED if declaration.corrective_event_ids else Correction.VOIDED
        entry.correction_reason = (text or declaration.reason or "errorDeclaration")[:1000]
        entry.corrected_at = timezone.now()
        entry.corrected_by = user
        entry.save(update_fields=["correction", "correction_reason", "corrected_at", "corrected_by"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=entry,
            before=before,
            organization_id=entry.organization_id,
            reason=entry.correction_reason,
        )
        marked.append(entry)
    return marked
