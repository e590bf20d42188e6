"""Diary writes: record an entry (idempotent by the phone's `client_id`), each one an EPCIS ObjectEvent.

The event is the record: `record_entry` builds the entry's event from the checked fields, captures it, and the
row the pages list is written from the stored event by `diary.projection` (as for an event a partner captures).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Actor, can_write, person, require
from catalog.models import GrowingArea, Lot, Organization
from core import audit
from core.choices import AuditAction
from core.uploads import IMAGE_TYPES, check_upload
from diary import epcis, projection
from diary.activities import ACTIVITY_SPECS, DIARY_PREFIX
from diary.choices import Activity, EntrySource
from diary.cleaning import (
    CLOCK_SKEW,
    COORDINATE,
    MAX_BACKDATE_DAYS,
    MAX_WAIT_DAYS,
    clean_entry,
    field_messages,
    parse_when,
)
from diary.models import DiaryEntry
from diary.uploads import check_voice
from events.models import Event
from events.services.hubmode import refuse_diary_write

__all__ = [
    "CLOCK_SKEW",
    "COORDINATE",
    "MAX_BACKDATE_DAYS",
    "MAX_WAIT_DAYS",
    "clean_entry",
    "create_harvest_entry",
    "entry_event",
    "field_messages",
    "parse_when",
    "record_entry",
]


def _err(name: str, message: str) -> ValidationError:
    return ValidationError({name: [message]})


def entry_event(entry: DiaryEntry) -> dict[str, Any]:
    """The EPCIS ObjectEvent of a (non-harvest) diary entry: OBSERVE at the area, our farm step, details."""
    spec = ACTIVITY_SPECS[entry.activity]
    event = epcis.base_event("ObjectEvent", entry.occurred_at, f"urn:uuid:{entry.client_id}")
    event.update(
        {
            "epcList": [],
            "action": "OBSERVE",
            "bizStep": epcis.biz_step(spec.biz_step),
            "readPoint": {"id": epcis.area_location(entry.growing_area)},
            f"{DIARY_PREFIX}:activity": entry.activity,
            f"{DIARY_PREFIX}:growingArea": entry.growing_area.code,
        }
    )
    extras = {
        "inputName": entry.product_name,
        "activeIngredient": entry.active_ingredient,
        "dose": entry.dose,
        "preHarvestIntervalDays": entry.phi_days,
        "withdrawalDays": entry.withdrawal_days,
        "quantity": str(entry.quantity) if entry.quantity is not None else None,
        "unit": entry.unit,
        "note": entry.note,
    }
    for key, value in extras.items():
        if value not in (None, ""):
            event[f"{DIARY_PREFIX}:{key}"] = value
    if entry.latitude is not None:
        event[f"{DIARY_PREFIX}:gps"] = f"geo:{entry.latitude},{entry.longitude}"
    if entry.activity == Activity.SPRAYING:
        event["disposition"] = "active"
    return event


def _check_files(photo: UploadedFile | None, voice: UploadedFile | None) -> None:
    if photo is not None:
        try:
            check_upload(photo, IMAGE_TYPES)
        except ValidationError as exc:
            raise ValidationError({"photo": exc.messages}) from exc
    if voice is not None:
        try:
            check_voice(voice)
        except ValidationError as exc:
            raise ValidationError({"voice": exc.messages}) from exc


def _put(entry: DiaryEntry, photo: UploadedFile | None, voice: UploadedFile | None) -> None:
    if photo is not None:
        entry.photo = photo  # type: ignore[assignment]
    if voice is not None:
        entry.voice = voice  # type: ignore[assignment]


def _attach(entry: DiaryEntry, photo: UploadedFile | None, voice: UploadedFile | None) -> None:
    _check_files(photo, voice)
    _put(entry, photo, voice)


def _complete_attachments(
    actor: Actor, entry: DiaryEntry, photo: UploadedFile | None, voice: UploadedFile | None
) -> None:
    """A retry of a stored entry that carries a file the entry lacks (an earlier request lost it): keep the file,
    so that the phone, which says "Đã lưu" only when every file it sent is confirmed, can finish. Files the
    entry already has are never replaced."""
    photo = photo if photo is not None and not entry.photo else None
    voice = voice if voice is not None and not entry.voice else None
    if photo is None and voice is None:
        return
    before = audit.snapshot(entry)
    _attach(entry, photo, voice)
    entry.save(update_fields=[name for name, f in (("photo", photo), ("voice", voice)) if f is not None])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=entry,
        before=before,
        organization_id=entry.organization_id,
        reason="tệp đính kèm gửi lại / attachment of a retried entry",
    )


def _client_id(data: dict[str, Any]) -> uuid.UUID:
    raw = data.get("client_id")
    if raw in (None, ""):
        return uuid.uuid4()
    try:
        return raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))
    except ValueError:
        raise _err("client_id", _("Mã phía máy khách phải là UUID.")) from None


@transaction.atomic
def record_entry(
    *,
    actor: Actor,
    organization: Organization,
    data: dict[str, Any],
    photo: UploadedFile | None = None,
    voice: UploadedFile | None = None,
    source: str = EntrySource.WEB,
) -> tuple[DiaryEntry, bool]:
    """Record a diary entry and capture its EPCIS event; returns (entry, created).

    Sending the same `client_id` again (an offline phone retrying) returns the stored entry with
    created=False and writes nothing. Harvests create lots: use `logistics.services.harvest`.
    """
    require(can_write(actor, organization))
    refuse_diary_write()  # a national hub holds no farm diaries (the capture would refuse the event too)
    client_id = _client_id(data)
    existing = DiaryEntry.objects.filter(client_id=client_id).first()
    if existing is not None:
        if existing.organization_id != organization.pk:
            raise _err("client_id", _("Mã phía máy khách đã được dùng."))
        _complete_attachments(actor, existing, photo, voice)
        return existing, False
    values = clean_entry(organization, data)
    if values["activity"] == Activity.HARVESTING:
        raise _err("activity", _("Thu hoạch tạo lô hàng: dùng mục Thu hoạch."))
    event = entry_event(DiaryEntry(client_id=client_id, organization=organization, **values))
    _check_files(photo, voice)  # before anything is written
    captured = epcis.capture(actor=actor, organization=organization, events=[event], source="diary")
    written = projection.project_events(
        actor=actor,
        organization=organization,
        events=Event.objects.filter(event_id=event["eventID"]).select_related("capture"),
        source=source if source in EntrySource.values else EntrySource.WEB,
        before_save=lambda entry: _put(entry, photo, voice),
    )
    if written:
        return written[0], True
    stored = DiaryEntry.objects.filter(client_id=client_id, organization=organization).first()
    if stored is None:
        # the same fact recorded again (every field and the time alike, another client id): the capture kept the
        # stored event (a duplicate by event hash), so the entry is the one projected from it
        same = [d["existing"] for d in captured.duplicates if d.get("reason") == "eventHash"]
        stored = DiaryEntry.objects.filter(event_id__in=same, organization=organization).first() if same else None
    if stored is None:  # the event stored, yet not a diary entry of this organisation: nothing half-written
        raise _err("activity", _("Không ghi được mục nhật ký này."))
    return stored, False  # two copies of one entry (an offline retry's race, or the same fact twice): one is kept


def create_harvest_entry(
    *,
    actor: Actor,
    organization: Organization,
    area: GrowingArea,
    lot: Lot,
    quantity: Decimal,
    unit: str,
    when: dt.datetime,
    event_id: str,
    note: str = "",
    client_id: uuid.UUID | None = None,
    source: str = EntrySource.WEB,
) -> DiaryEntry:
    """The diary side of a harvest (called by `logistics.services.harvest` inside its transaction)."""
    entry = DiaryEntry.objects.create(
        client_id=client_id or uuid.uuid4(),
        organization=organization,
        growing_area=area,
        activity=Activity.HARVESTING,
        occurred_at=when,
        quantity=quantity,
        unit=unit,
        note=note,
        lot=lot,
        event_id=event_id,
        source=source,
        recorded_by=person(actor),
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=entry, organization_id=organization.pk)
    return entry
