"""Diary writes: record an entry (idempotent by the phone's `client_id`), each one an EPCIS ObjectEvent."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from catalog.choices import QuantityUnit
from catalog.models import GrowingArea, Lot, Organization
from catalog.services.common import can_write, require
from core import audit, numbers
from core.choices import AuditAction
from core.forms import read, read_plain
from core.numbers import parse_plain
from core.uploads import IMAGE_TYPES, check_upload
from diary import epcis
from diary.activities import ACTIVITY_SPECS, DIARY_PREFIX, DOSE, INGREDIENT, INPUT, PHI, QUANTITY, WITHDRAWAL
from diary.choices import Activity, EntrySource
from diary.models import DiaryEntry
from diary.signals import entry_recorded
from diary.uploads import check_voice

MAX_WAIT_DAYS = 365
COORDINATE = numbers.Limits(max_digits=12, decimal_places=9, min_value=Decimal(-180), max_value=Decimal(180))
MAX_BACKDATE_DAYS = 400
CLOCK_SKEW = dt.timedelta(minutes=15)


def _err(name: str, message: str) -> ValidationError:
    return ValidationError({name: [message]})


def parse_when(value: Any) -> dt.datetime:
    """A datetime (aware) from a datetime, a date (07:00 local time; today's date never later than now) or ISO text."""
    if isinstance(value, str):
        value = value.strip()
        parsed: Any = parse_datetime(value) if "T" in value or " " in value else parse_date(value)
        value = parsed
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, dt.date):
        moment = timezone.make_aware(dt.datetime.combine(value, dt.time(7, 0)))
        # Today's date entered before 07:00 (a harvest at dawn): the work is done, so it was not later than now.
        return min(moment, timezone.now()) if value == timezone.localdate() else moment
    raise _err("occurred_at", _("Cần nhập ngày giờ thực hiện."))


def _quantity(value: Any, confirmed: Any) -> Decimal | None:
    """The quantity as the farmer typed it (the form, or the phone's multipart post): the Vietnamese way,
    `core.numbers`; "1.200" is stored only with `quantity_confirm` equal to the text (else: a question)."""
    if isinstance(value, Decimal):
        return read_plain("quantity", value, numbers.QUANTITY, required=False)
    try:
        return read(value, numbers.QUANTITY, confirmed=None if confirmed is None else str(confirmed))
    except ValidationError as exc:
        raise _err("quantity", exc.messages[0]) from None


def _decimal(name: str, value: Any, *, positive: bool = True) -> Decimal | None:
    """A coordinate sent by the phone's GPS: a plain decimal."""
    try:
        return parse_plain(value, COORDINATE)
    except numbers.NumberError:
        raise _err(name, _("Phải là một số.")) from None


def _days(name: str, value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        days = int(str(value))
    except ValueError:
        raise _err(name, _("Số ngày phải là số nguyên.")) from None
    if not 0 <= days <= MAX_WAIT_DAYS:
        raise _err(name, _("Số ngày phải từ 0 đến %(max)s.") % {"max": MAX_WAIT_DAYS})
    return days


def field_messages() -> dict[str, str]:
    """What a missing required field is told (the phone repeats these checks before queueing, in these words)."""
    return {
        INPUT: _("Cần ghi tên vật tư (thuốc, phân, thức ăn, vắc xin)."),
        PHI: _("Cần ghi thời gian cách ly trước thu hoạch (ngày), in trên nhãn thuốc."),
        WITHDRAWAL: _("Cần ghi thời gian ngưng thuốc (ngày) trước khi xuất bán."),
        QUANTITY: _("Cần ghi số lượng."),
        "days_integer": _("Số ngày phải là số nguyên."),
        "days_range": _("Số ngày phải từ 0 đến %(max)s.") % {"max": MAX_WAIT_DAYS},
    }


def clean_entry(organization: Organization, data: dict[str, Any]) -> dict[str, Any]:
    """Check one entry's fields (shared by the form, the API, the offline sync and imports)."""
    area = data.get("growing_area")
    if not isinstance(area, GrowingArea):
        area = (
            GrowingArea.objects.filter(organization=organization, pk=int(str(area))).first()
            if str(area).isdigit()
            else None
        )
        if area is None and data.get("growing_area_code"):
            area = GrowingArea.objects.filter(organization=organization, code=data["growing_area_code"]).first()
    if area is None or area.organization_id != organization.pk:
        raise _err("growing_area", _("Chọn một vùng trồng hoặc đàn của tổ chức."))
    activity = str(data.get("activity") or "")
    if activity not in Activity.values:
        raise _err("activity", _("Chọn công việc."))
    spec = ACTIVITY_SPECS[activity]
    when = parse_when(data.get("occurred_at") or timezone.now())
    now = timezone.now()
    if when > now + CLOCK_SKEW:
        raise _err("occurred_at", _("Ngày thực hiện không được ở tương lai."))
    if when < now - dt.timedelta(days=MAX_BACKDATE_DAYS):
        raise _err("occurred_at", _("Chỉ ghi được việc trong vòng %(days)s ngày qua.") % {"days": MAX_BACKDATE_DAYS})
    values: dict[str, Any] = {
        "growing_area": area,
        "activity": activity,
        "occurred_at": when,
        "note": str(data.get("note") or "").strip()[:4000],
        "product_name": "",
        "active_ingredient": "",
        "dose": "",
        "phi_days": None,
        "withdrawal_days": None,
        "quantity": None,
        "unit": "",
    }
    if INPUT in spec.fields:
        values["product_name"] = str(data.get("product_name") or "").strip()[:160]
    if INGREDIENT in spec.fields:
        values["active_ingredient"] = str(data.get("active_ingredient") or "").strip()[:160]
    if DOSE in spec.fields:
        values["dose"] = str(data.get("dose") or "").strip()[:60]
    if PHI in spec.fields:
        values["phi_days"] = _days("phi_days", data.get("phi_days"))
    if WITHDRAWAL in spec.fields:
        values["withdrawal_days"] = _days("withdrawal_days", data.get("withdrawal_days"))
    if QUANTITY in spec.fields:
        values["quantity"] = _quantity(data.get("quantity"), data.get("quantity_confirm"))
        unit = str(data.get("unit") or "") or (QuantityUnit.KG if values["quantity"] is not None else "")
        if unit and unit not in QuantityUnit.values:
            raise _err("unit", _("Đơn vị không hợp lệ."))
        values["unit"] = unit
    messages = field_messages()
    for name in spec.required:
        if values.get(name) in (None, ""):
            raise _err(name, messages.get(name, _("Thông tin bắt buộc.")))
    lat, lon = data.get("latitude"), data.get("longitude")
    if lat not in (None, "") and lon not in (None, ""):
        lat_d, lon_d = _decimal("latitude", lat, positive=False), _decimal("longitude", lon, positive=False)
        assert lat_d is not None and lon_d is not None
        if not (-90 <= lat_d <= 90 and -180 <= lon_d <= 180):
            raise _err("latitude", _("Toạ độ nằm ngoài phạm vi WGS84."))
        values["latitude"], values["longitude"] = round(lat_d, 6), round(lon_d, 6)
    return values


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
        "note": entry.note[:500],
    }
    for key, value in extras.items():
        if value not in (None, ""):
            event[f"{DIARY_PREFIX}:{key}"] = value
    if entry.latitude is not None:
        event[f"{DIARY_PREFIX}:gps"] = f"geo:{entry.latitude},{entry.longitude}"
    if entry.activity == Activity.SPRAYING:
        event["disposition"] = "active"
    return event


def _attach(entry: DiaryEntry, photo: UploadedFile | None, voice: UploadedFile | None) -> None:
    if photo is not None:
        try:
            check_upload(photo, IMAGE_TYPES)
        except ValidationError as exc:
            raise ValidationError({"photo": exc.messages}) from exc
        entry.photo = photo  # type: ignore[assignment]
    if voice is not None:
        try:
            check_voice(voice)
        except ValidationError as exc:
            raise ValidationError({"voice": exc.messages}) from exc
        entry.voice = voice  # type: ignore[assignment]


def _complete_attachments(
    actor: Any, entry: DiaryEntry, photo: UploadedFile | None, voice: UploadedFile | None
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
    actor: Any,
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
    entry = DiaryEntry(
        client_id=client_id,
        organization=organization,
        source=source if source in EntrySource.values else EntrySource.WEB,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        **values,
    )
    _attach(entry, photo, voice)
    entry.event_id = f"urn:uuid:{client_id}"
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # Two copies of one offline entry raced; the first one won.
        stored = DiaryEntry.objects.filter(client_id=client_id, organization=organization).first()
        if stored is None:
            raise
        return stored, False
    epcis.capture(actor=actor, organization=organization, events=[entry_event(entry)], source="diary")
    audit.record(actor=actor, action=AuditAction.CREATE, instance=entry, organization_id=organization.pk)
    entry_recorded.send(sender=DiaryEntry, entry=entry, actor=actor)
    return entry, True


def create_harvest_entry(
    *,
    actor: Any,
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
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=entry, organization_id=organization.pk)
    return entry
