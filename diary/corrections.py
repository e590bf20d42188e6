"""Correcting or voiding a diary entry as the EPCIS standard records it (issue 15 item 4).

The entry found wrong stays, marked `corrected` or `voided` with the reason, who and when. Its EPCIS event is
declared in error: captured again with the same eventID plus an `errorDeclaration` (CBV reason
`incorrect_data` for a correction, `did_not_occur` for a void; `correctiveEventIDs` naming the corrective
event; the farmer's words in `txd:reasonText`), and, for a correction, the corrective entry's event is captured
with it — one capture, both in the ledger (`events.services.corrections` stores the declaration as its own
leaf and withdraws the declared event from the genealogy). The rules re-check the lots either entry touches
in the same transaction (`workflows.chain.correct_entry` and `void_entry` call `rules.rechecks`), so a
corrected pre-harvest interval unblocks or blocks a lot at once.

Who: the entry's author, or an owner of its organisation (members of other organisations, other staff and
agency officers may not). Harvest entries make lots: `logistics.services.corrections` corrects those (and
shipment lines) with the helpers here.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor, person
from core import audit
from core.choices import AuditAction
from diary import epcis
from diary.activities import DIARY_PREFIX
from diary.choices import Activity, Correction, EntrySource
from diary.models import DiaryEntry
from diary.services import clean_entry, entry_event
from events.models import Event
from events.services.hubmode import refuse_diary_write

REASON_MAX = 1000
INCORRECT, DID_NOT_OCCUR = "incorrect_data", "did_not_occur"  # CBV 2.0 error reasons
ENTRY_FIELDS = (
    "growing_area",
    "activity",
    "occurred_at",
    "product_name",
    "active_ingredient",
    "dose",
    "phi_days",
    "withdrawal_days",
    "quantity",
    "unit",
    "note",
    "latitude",
    "longitude",
)


def can_correct(actor: Actor, organization: Any, author_id: int | None) -> bool:
    """The record's author (still a member who may write) or an owner of its organisation."""
    if not permissions.can_edit_organization_data(actor, organization):
        return False
    return permissions.is_owner(actor, organization) or (author_id is not None and author_id == actor.pk)


def clean_reason(reason: Any) -> str:
    text = str(reason or "").strip()
    if not text:
        raise ValidationError({"reason": [_("Cần ghi lý do sửa hoặc huỷ.")]})
    return text[:REASON_MAX]


def declare(
    *,
    actor: Actor,
    organization: Any,
    event_ids: list[str],
    reason: str,
    text: str,
    corrective: list[dict[str, Any]],
    source: str = "correction",
) -> None:
    """Capture, in one document, an error declaration of each stored event of `event_ids` (the event as stored,
    re-stated with `errorDeclaration`) and the `corrective` events (their eventIDs in `correctiveEventIDs`)."""
    declared = []
    now = epcis.event_time(timezone.now())[0]
    for original in Event.objects.filter(event_id__in=event_ids).order_by("pk"):
        restated = json.loads(original.body)
        restated.pop("recordTime", None)
        declaration: dict[str, Any] = {"declarationTime": now, "reason": reason}
        if corrective:
            declaration["correctiveEventIDs"] = [e["eventID"] for e in corrective]
        declaration[f"{DIARY_PREFIX}:reasonText"] = text[:500]
        restated["errorDeclaration"] = declaration
        declared.append(restated)
    epcis.capture(actor=actor, organization=organization, events=[*declared, *corrective], source=source)


def _locked(entry: DiaryEntry) -> DiaryEntry:
    return DiaryEntry.objects.select_for_update().select_related("organization", "growing_area").get(pk=entry.pk)


def check(actor: Actor, entry: DiaryEntry) -> None:
    """Raise PermissionDenied (not the author or an owner) or ValidationError (already corrected or voided)."""
    if not can_correct(actor, entry.organization, entry.recorded_by_id):
        raise PermissionDenied(_("Chỉ người ghi bản ghi này hoặc chủ tổ chức mới được sửa hay huỷ nó."))
    if entry.correction:
        raise ValidationError(
            _("Bản ghi này đã được sửa hoặc huỷ (%(state)s), không sửa thêm được.")
            % {"state": entry.get_correction_display()}
        )


def mark(entry: DiaryEntry, actor: Actor, state: str, reason: str) -> dict[str, Any]:
    """Mark the original (its audit snapshot before is returned)."""
    before = audit.snapshot(entry)
    entry.correction = state
    entry.correction_reason = reason
    entry.corrected_at = timezone.now()
    entry.corrected_by = person(actor)
    entry.save(update_fields=["correction", "correction_reason", "corrected_at", "corrected_by"])
    return before


def entry_data(entry: DiaryEntry) -> dict[str, Any]:
    """An entry's fields as `clean_entry` takes them (a correction form starts from them)."""
    data: dict[str, Any] = {name: getattr(entry, name) for name in ENTRY_FIELDS}
    data["growing_area"] = entry.growing_area
    return data


@transaction.atomic
def correct_entry(*, actor: Actor, entry: DiaryEntry, data: dict[str, Any], reason: Any) -> DiaryEntry:
    """Correct a (non-harvest) diary entry: `data` are the right values (as the diary form sends them; missing
    ones keep the entry's), `reason` why. Returns the corrective entry; the original is marked `corrected`."""
    entry = _locked(entry)
    check(actor, entry)
    refuse_diary_write()  # a national hub holds no farm diaries: no corrective entry either
    text = clean_reason(reason)
    if entry.activity == Activity.HARVESTING:
        raise ValidationError(_("Thu hoạch tạo lô hàng: sửa ở trang của lô."))
    values = clean_entry(entry.organization, {**entry_data(entry), **data})
    if values["activity"] == Activity.HARVESTING:
        raise ValidationError({"activity": [_("Thu hoạch tạo lô hàng: dùng mục Thu hoạch.")]})
    new = DiaryEntry(
        client_id=uuid.uuid4(),
        organization=entry.organization,
        source=EntrySource.WEB,
        recorded_by=person(actor),
        corrects=entry,
        photo=entry.photo.name or "",
        voice=entry.voice.name or "",
        **values,
    )
    new.event_id = f"urn:uuid:{new.client_id}"
    new.save()
    before = mark(entry, actor, Correction.CORRECTED, text)
    declare(
        actor=actor,
        organization=entry.organization,
        event_ids=[entry.event_id],
        reason=INCORRECT,
        text=text,
        corrective=[entry_event(new)],
    )
    org_id = entry.organization_id
    audit.record(
        actor=actor, action=AuditAction.UPDATE, instance=entry, before=before, organization_id=org_id, reason=text
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=new, organization_id=org_id, reason=text)
    return new


@transaction.atomic
def void_entry(*, actor: Actor, entry: DiaryEntry, reason: Any) -> DiaryEntry:
    """Void a (non-harvest) diary entry that did not happen: marked `voided`, its event declared in error."""
    entry = _locked(entry)
    check(actor, entry)
    text = clean_reason(reason)
    if entry.activity == Activity.HARVESTING:
        raise ValidationError(_("Thu hoạch tạo lô hàng: sửa ở trang của lô."))
    before = mark(entry, actor, Correction.VOIDED, text)
    declare(
        actor=actor,
        organization=entry.organization,
        event_ids=[entry.event_id],
        reason=DID_NOT_OCCUR,
        text=text,
        corrective=[],
    )
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=entry,
        before=before,
        organization_id=entry.organization_id,
        reason=text,
    )
    return entry
