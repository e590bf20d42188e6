"""Imports from another system: upload (checked, previewed), the identifier mapping, and the import job.

An import is all or nothing: the preview lists every row's (or event's) problems and every identifier not yet
mapped, and the import can start only when there are none; the job then captures every event through the one
capture path (`events.services.capture_events`, with the EPCIS routes' steps `workflows.chain.CAPTURE_STEPS`) in
ONE transaction, in parts of `PART` events whose progress it reports through the cache. A failure rolls back the
whole import and is recorded on the batch. Importing the same file again stores nothing new (the capture keeps
one event per event hash and reports the rest as duplicates).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor, person
from catalog.choices import OrganizationStatus
from catalog.models import Facility, Lot, Organization, Product
from core import audit
from core.jobs import job
from core.storage.writelock import capture_transaction
from diary.epcis import event_time, facility_location, lot_epc
from events.epcis import CONTEXT_URL
from events.epcis.parse import parse_document
from events.epcis.problems import EpcisError
from events.services import capture_events
from exchange.choices import ImportFormat, ImportStatus, MappingKind
from exchange.imports import documents, sheet
from exchange.models import IdentifierMapping, ImportBatch
from gs1.identifiers import GS1Key, digital_link
from workflows.chain import CAPTURE_STEPS

PART = 500
SHOWN_ERRORS = 200


def _snapshot(batch: ImportBatch) -> dict[str, Any]:
    """The batch for the audit log: its fields, the file by its SHA-256 (not its bytes)."""
    data = audit.snapshot(batch)
    data.pop("content", None)
    return data


def progress_key(pk: int) -> str:
    return f"exchange:import:{pk}:done"


def _check_member(actor: Actor, organization: Organization) -> None:
    if not (permissions.is_member(actor, organization) or permissions.is_platform_admin(actor)):
        raise PermissionDenied(_("Chỉ thành viên của tổ chức mới nhập dữ liệu cho tổ chức này."))


def _check_approved(actor: Actor, organization: Organization) -> None:
    """An import captures EPCIS events, so it is held to the EPCIS interface's rule (`events.auth.capture_error`):
    a pending or suspended organisation captures nothing, whatever door it uses; platform admins may."""
    if organization.status == OrganizationStatus.APPROVED or permissions.is_platform_admin(actor):
        return
    raise ValidationError(_("Tổ chức chưa được duyệt hoặc đang bị đình chỉ nên chưa nhập được dữ liệu."))


def _kind(data: bytes) -> str:
    head = data[:512].lstrip()
    if data[:4] == b"PK\x03\x04":
        return ImportFormat.SHEET
    if head[:1] in (b"{", b"<") or head[:3] == b"\xef\xbb\xbf":
        return ImportFormat.EPCIS
    raise ValidationError(
        _("Chỉ nhận bảng Excel theo mẫu (.xlsx) hoặc tài liệu EPCIS (JSON-LD, XML) / Only the Excel template or EPCIS.")
    )


@dataclass
class Preview:
    """What an import would write: its rows (or events), their problems, the identifiers still to map."""

    batch: ImportBatch
    rows: list[sheet.SheetRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the file's or the document's problems
    unmapped: dict[str, list[str]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def row_errors(self) -> list[sheet.SheetRow]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.row_errors and not any(self.unmapped.values()) and bool(self.events)


def _mappings(organization: Organization) -> dict[str, dict[str, IdentifierMapping]]:
    out: dict[str, dict[str, IdentifierMapping]] = {k: {} for k in MappingKind.values}
    rows = IdentifierMapping.objects.filter(organization=organization).select_related("product", "lot__product")
    for m in rows.select_related("facility"):
        out[m.kind][m.foreign_code] = m
    return out


def _product(code: str, maps: dict[str, IdentifierMapping]) -> Product | None:
    if code in maps:
        return maps[code].product
    if code.isdigit() and len(code) in (8, 12, 13, 14):  # already a GTIN we know: nothing to map
        return Product.objects.filter(gtin=code.zfill(14)).first()
    return None


def _facility(code: str, maps: dict[str, IdentifierMapping]) -> Facility | None:
    if code in maps:
        return maps[code].facility
    if code.isdigit() and len(code) == 13:
        return Facility.objects.filter(gln=code).first()
    return None


def _sheet_preview(p: Preview, data: bytes) -> None:
    try:
        p.rows = sheet.read(data)
    except sheet.SheetError as exc:
        p.errors.append(str(exc))
        return
    maps = _mappings(p.batch.organization)
    products = {c: _product(c, maps[MappingKind.PRODUCT]) for c in {r.product for r in p.rows if r.product}}
    places = {c: _facility(c, maps[MappingKind.LOCATION]) for c in {r.location for r in p.rows if r.location}}
    p.unmapped = {
        MappingKind.PRODUCT: sorted(c for c, v in products.items() if v is None),
        MappingKind.LOCATION: sorted(c for c, v in places.items() if v is None),
    }
    if any(p.unmapped.values()) or p.row_errors:
        return
    for r in p.rows:
        product, place = products[r.product], places[r.location]
        assert product is not None and place is not None and r.time and r.step and r.quantity
        time, offset = event_time(r.time)
        lot = digital_link(GS1Key("lgtin", "", gtin14=product.gtin, lot=r.lot))
        p.events.append(
            {
                "type": "ObjectEvent",
                "eventTime": time,
                "eventTimeZoneOffset": offset,
                "action": r.step[1],
                "bizStep": r.step[0],
                "quantityList": [{"epcClass": lot, "quantity": float(r.quantity), "uom": r.unit}],
                "readPoint": {"id": facility_location(place)},
                "bizLocation": {"id": facility_location(place)},
            }
        )


def _epcis_preview(p: Preview, data: bytes) -> None:
    try:
        doc = parse_document(data, "", validate=True)
    except EpcisError as exc:
        p.errors += [f"{x.pointer or '/'}: {x.message}" for x in exc.problems[:SHOWN_ERRORS]]
        return
    foreign = documents.foreign_identifiers(doc.events)
    p.errors += foreign.errors[:SHOWN_ERRORS]
    maps = _mappings(p.batch.organization)
    lots = {c: maps[MappingKind.LOT][c].lot for c in foreign.lots if c in maps[MappingKind.LOT]}
    places = {c: maps[MappingKind.LOCATION][c].facility for c in foreign.locations if c in maps[MappingKind.LOCATION]}
    p.unmapped = {
        MappingKind.LOT: sorted(foreign.lots - set(lots)),
        MappingKind.LOCATION: sorted(foreign.locations - set(places)),
    }
    if not doc.events:
        p.errors.append(_("Tài liệu không có sự kiện nào / The document holds no event."))
    if p.errors or any(p.unmapped.values()):
        return
    p.events = documents.rewrite(
        doc.events,
        {c: lot_epc(lot) for c, lot in lots.items() if lot is not None},
        {c: facility_location(f) for c, f in places.items() if f is not None},
    )


def preview(batch: ImportBatch) -> Preview:
    """Read the batch's file again with today's mapping (a read: nothing is written)."""
    p = Preview(batch=batch)
    data = bytes(batch.content)
    if batch.source_format == ImportFormat.SHEET:
        _sheet_preview(p, data)
    else:
        _epcis_preview(p, data)
    return p


@transaction.atomic
def upload(*, actor: Actor, organization: Organization, filename: str, data: bytes) -> ImportBatch:
    """Keep an uploaded file for preview (size and type checked by content; nothing is imported yet)."""
    _check_member(actor, organization)
    _check_approved(actor, organization)
    if len(data) > settings.TRUYXUAT_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("Tệp quá lớn: tối đa %(mb)s MB / File too large.")
            % {"mb": round(settings.TRUYXUAT_MAX_UPLOAD_BYTES / 1048576, 1)}
        )
    kind = _kind(data)
    batch = ImportBatch(
        organization=organization,
        source_format=kind,
        filename=filename[:255] or "import",
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        created_by=person(actor),
    )
    p = preview(batch)
    batch.rows = len(p.rows) if kind == ImportFormat.SHEET else len(p.events)
    batch.save()
    audit.record(
        actor=actor,
        action="create",
        instance=batch,
        after=_snapshot(batch),
        organization_id=organization.pk,
        reason=kind,
    )
    return batch


def _target(kind: str, text: str) -> dict[str, Any]:
    """Our product (GTIN), lot (GTIN/lot code) or facility (GLN) named by `text` ("08930000000017 — name" too)."""
    token = text.strip().split(" ")[0].strip()
    found: dict[str, Any] = {}
    if kind == MappingKind.PRODUCT and token.isdigit():
        found["product"] = Product.objects.filter(gtin=token.zfill(14)).first()
    elif kind == MappingKind.LOT and "/" in token:
        gtin, code = token.split("/", 1)
        found["lot"] = Lot.objects.filter(product__gtin=gtin.zfill(14), lot_code=code).first()
    elif kind == MappingKind.LOCATION and token.isdigit():
        found["facility"] = Facility.objects.filter(gln=token).first()
    if not any(found.values()):
        what = {"product": "GTIN", "lot": "GTIN/số lô", "location": "GLN"}.get(kind, "")
        raise ValidationError(_("Không tìm thấy %(what)s «%(text)s» / Not found.") % {"what": what, "text": text[:60]})
    return found


@transaction.atomic
def save_mapping(
    *, actor: Actor, organization: Organization, kind: str, foreign_code: str, target: str
) -> IdentifierMapping:
    """Map one of the sender's identifiers to ours, once for all the organisation's imports (or change it)."""
    _check_member(actor, organization)
    if kind not in MappingKind.values or not foreign_code.strip():
        raise ValidationError(_("Loại mã không hợp lệ / Invalid kind of identifier."))
    found = _target(kind, target)
    mapping, created = IdentifierMapping.objects.update_or_create(
        organization=organization,
        kind=kind,
        foreign_code=foreign_code.strip()[:255],
        defaults={**found, "created_by": person(actor)},
    )
    audit.record(
        actor=actor, action="create" if created else "update", instance=mapping, organization_id=organization.pk
    )
    return mapping


@transaction.atomic
def start(*, actor: Actor, batch: ImportBatch) -> ImportBatch:
    """Queue the import (its job commits with this), once the preview has no problem and nothing left to map."""
    batch = ImportBatch.objects.select_for_update().select_related("organization").get(pk=batch.pk)
    _check_member(actor, batch.organization)
    _check_approved(actor, batch.organization)
    if batch.status != ImportStatus.UPLOADED:
        raise ValidationError(_("Tệp này đã được nhập hoặc đang nhập / Already imported or importing."))
    p = preview(batch)
    if not p.ok:
        raise ValidationError(_("Còn lỗi hoặc mã chưa ánh xạ: xem bản xem trước / Problems or unmapped identifiers."))
    before = _snapshot(batch)
    batch.status = ImportStatus.QUEUED
    batch.rows = len(p.events)
    batch.created_by = person(actor)
    batch.save()
    audit.record(
        actor=actor,
        action="update",
        instance=batch,
        before=before,
        after=_snapshot(batch),
        organization_id=batch.organization_id,
    )
    import_job.enqueue(batch.pk)
    return batch


def run(pk: int) -> str:
    """The job: capture every event of the batch in one transaction, reporting progress; record the outcome."""
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update(of=("self",)).select_related("organization", "created_by").get(pk=pk)
        )
        if batch.status != ImportStatus.QUEUED:
            return str(batch.status)
        batch.status = ImportStatus.RUNNING
        batch.save(update_fields=["status"])
    p = preview(batch)
    stored = duplicates = 0
    capture = ""
    try:
        if not p.ok:
            raise ValidationError(p.errors[:3] or [_("Còn lỗi hoặc mã chưa ánh xạ / Unmapped identifiers.")])
        if batch.created_by is None:
            raise ValidationError(_("Người bắt đầu nhập không còn tài khoản / The importer's account is gone."))
        _check_approved(batch.created_by, batch.organization)  # suspended after the import was queued
        with capture_transaction():
            for start_at in range(0, len(p.events), PART):
                result = capture_events(
                    actor=batch.created_by,
                    organization=batch.organization,
                    events=p.events[start_at : start_at + PART],
                    context=[CONTEXT_URL],
                    source="import",
                    after=CAPTURE_STEPS,
                )
                stored += len(result.stored)
                duplicates += len(result.duplicates)
                capture = capture or result.capture_id
                cache.set(progress_key(pk), min(start_at + PART, len(p.events)), 3600)
    except Exception as exc:  # the job's boundary: whatever refused the import is recorded, nothing was written
        message = "; ".join(getattr(exc, "messages", None) or [str(exc) or type(exc).__name__])
        ImportBatch.objects.filter(pk=pk).update(
            status=ImportStatus.FAILED, error=message[:4000], finished_at=timezone.now()
        )
        return ImportStatus.FAILED
    ImportBatch.objects.filter(pk=pk).update(
        status=ImportStatus.DONE,
        done=len(p.events),
        stored=stored,
        duplicates=duplicates,
        capture_id=capture,
        finished_at=timezone.now(),
    )
    return ImportStatus.DONE


@job(attempts=1)
def import_job(pk: int) -> str:
    return run(pk)


def done_so_far(batch: ImportBatch) -> int:
    """Events captured so far by a running import (its job reports them through the cache)."""
    if batch.status == ImportStatus.RUNNING:
        return int(cache.get(progress_key(batch.pk)) or 0)
    return batch.done
