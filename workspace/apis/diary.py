"""Diary endpoints: what to show the offline app, and entries (multipart, idempotent by client_id).

Files are declared `File[UploadedFile | None]`: written `File[UploadedFile] | None`, django-ninja sees a plain
optional parameter and reads it from the query string, so a multipart photo was silently ignored."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from core import files
from core.params import DB_INT_MAX, BoundedPageNumberPagination
from diary import selectors
from diary.choices import EntrySource
from diary.models import DiaryEntry
from workflows import chain
from workspace.apis.schemas import EntryOut
from workspace.auth import AUTH, caller

router = Router(tags=["workspace: diary"], auth=AUTH)


class EntryIn(Schema):
    client_id: str = ""
    growing_area: int
    activity: str
    occurred_at: str = ""
    product_name: str = ""
    active_ingredient: str = ""
    dose: str = ""
    phi_days: str = ""
    withdrawal_days: str = ""
    quantity: str = ""
    quantity_confirm: str = ""  # the quantity's text again when the person confirmed an ambiguous "1.200"
    unit: str = ""
    note: str = ""
    latitude: str = ""
    longitude: str = ""
    source: str = EntrySource.API


def entry_out(entry: DiaryEntry, created: bool) -> dict[str, Any]:
    return {
        "client_id": str(entry.client_id),
        "created": created,
        "activity": entry.activity,
        "growing_area": entry.growing_area.code,
        "occurred_at": entry.occurred_at.isoformat(),
        "event_id": entry.event_id,
        "safe_from": entry.safe_from.isoformat() if entry.safe_from else None,
        # The attachments the server holds (links through the permission-checked files view): the phone says
        # "Đã lưu" only when every file it sent is listed here.
        "photo": files.url(entry.photo) or None,
        "voice": files.url(entry.voice) or None,
    }


class ActivityOut(Schema):
    code: str
    icon: str
    label: str


class TemplateAreaOut(Schema):
    id: int
    code: str
    name: str
    crop: str
    template: str
    activities: list[ActivityOut]
    suggestions: dict[str, list[str]]
    harvest_unit: str


class TemplatesOut(Schema):
    areas: list[TemplateAreaOut]
    defaults: dict[str, dict[str, dict[str, str]]] = Field(
        description="{area id: {activity: the fields of its last entry}}: a new entry starts from them"
    )


@router.get(
    "/diary/templates",
    response=TemplatesOut,
    summary="Areas, their activity templates and the defaults from the last entries",
)
def templates(request: HttpRequest) -> dict[str, Any]:
    org = caller(request).organization
    return {"areas": selectors.areas_with_templates(org), "defaults": selectors.defaults_for(org)}


@router.post(
    "/diary/entries",
    response={200: EntryOut, 201: EntryOut},
    summary="Record a diary entry (sending the same client_id again returns the stored entry with 200)",
)
def create_entry(
    request: HttpRequest,
    payload: Form[EntryIn],
    photo: File[UploadedFile | None] = None,
    voice: File[UploadedFile | None] = None,
) -> Status[Any]:
    c = caller(request)
    data = payload.dict()
    source = data.pop("source", EntrySource.API)
    entry, created = chain.record_entry(
        actor=c.actor, organization=c.organization, data=data, photo=photo, voice=voice, source=source
    )
    return Status(201 if created else 200, entry_out(entry, created))


@router.get("/diary/entries", response=list[EntryOut], summary="The organisation's diary, newest first")
@paginate(BoundedPageNumberPagination)
def list_entries(
    request: HttpRequest,
    growing_area: int | None = Query(None, ge=1, le=DB_INT_MAX),
    activity: str | None = None,
) -> Any:
    qs = selectors.entries_for(caller(request).organization)
    if growing_area:
        qs = qs.filter(growing_area_id=growing_area)
    if activity:
        qs = qs.filter(activity=activity)
    return [entry_out(e, False) for e in qs[:1000]]
