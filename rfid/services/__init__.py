"""Every write of the RFID app: read points, gate sessions, and reads turned into EPCIS events.

Reads (`record_reads`, from the HTTP API and the MQTT bridge alike) are decoded (`rfid.tags`), collapsed per read
point and tag within the read point's window (a read within `window_seconds` of the tag's last observation there
extends it), and each new observation of one of the organisation's tags becomes part of an event captured through
the one capture path (`events.services.capture_events`) with the capture routes' own steps
(`workflows.chain.CAPTURE_STEPS`: the logistics projection and the rules), all in one transaction:

- a `dock_out` door: ObjectEvent OBSERVE `shipping` / `in_transit`; with an open session, its `desadv`
  (`urn:uuid:<session id>`, which becomes the projected shipment's id) and the receiver as destination;
- a `dock_in` door: ObjectEvent OBSERVE `receiving` / `in_progress` with the received shipment's `desadv`;
- a `packing` station: AggregationEvent ADD `packing`, parent the session's pallet (or a unit-load tag read with
  them: SSCC filter 6), children the cases read.

A tag that is not the organisation's (nor, at a receiving door, the shipment's) is recorded as observed
(`TagRead.ours` False) and put in no event. A returnable asset's tag (GRAI-96 of a registered asset) is recorded as
the asset's observation (`rfid.services.assets.observe`: where and when last seen), ours when the read point's
organisation owns it, and put in no event either.

Returnable assets themselves are registered by `rfid.services.assets`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor, can_write, person, require
from catalog.models import Facility, Organization, Product
from core import audit
from core.choices import AuditAction
from diary import epcis
from events.services import capture_events
from iot.choices import DeviceKind
from iot.models import Device
from logistics.choices import ShipmentStatus, UnitKind
from logistics.models import LogisticUnit, Shipment
from logistics.services.common import allocate_sscc
from rfid.choices import Role
from rfid.models import GateSession, ReadPoint, ReturnableAsset, TagRead
from rfid.payloads import Read
from rfid.services import assets
from rfid.tags import SSCC_FILTER_UNIT_LOAD, Tag, TagError, decode
from workflows.chain import CAPTURE_STEPS

MAX_PAST = dt.timedelta(days=7)
MAX_FUTURE = dt.timedelta(minutes=10)


def _error(name: str, message: str) -> ValidationError:
    return ValidationError({name: [message]})


@transaction.atomic
def add_read_point(*, actor: Actor, device: Device, data: dict[str, Any]) -> ReadPoint:
    """A reader (or one antenna) as a read point: `name`, `role` (packing, dock_out, dock_in), `facility`,
    `antenna`, `window_seconds`."""
    require(can_write(actor, device.organization))
    if device.kind != DeviceKind.RFID_READER:
        raise _error("device", _("Thiết bị này không phải đầu đọc RFID."))
    name = str(data.get("name") or "").strip()[:120]
    if not name:
        raise _error("name", _("Nhập tên điểm đọc, ví dụ Cổng kho số 1."))
    role = str(data.get("role") or "")
    if role not in Role.values:
        raise _error("role", _("Chọn vai trò của điểm đọc."))
    facility = data.get("facility")
    if facility is not None and not isinstance(facility, Facility):
        facility = Facility.objects.filter(pk=facility).first()
    if facility is not None and facility.organization_id != device.organization_id:
        raise _error("facility", _("Chọn cơ sở của tổ chức."))
    try:
        window = int(data.get("window_seconds") or 60)
        antenna = int(data["antenna"]) if data.get("antenna") not in (None, "") else None
    except (TypeError, ValueError):
        raise _error("window_seconds", _("Nhập số nguyên.")) from None
    if not 1 <= window <= 3600:
        raise _error("window_seconds", _("Từ 1 đến 3600 giây."))
    if ReadPoint.objects.filter(device=device, antenna=antenna).exists():
        raise _error("antenna", _("Đầu đọc (ăng-ten) này đã có điểm đọc."))
    point = ReadPoint.objects.create(
        organization=device.organization,
        device=device,
        antenna=antenna,
        name=name,
        role=role,
        facility=facility,
        window_seconds=window,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=point, organization_id=point.organization_id)
    return point


def _units(organization: Organization, values: Iterable[Any]) -> list[str]:
    """The SSCCs of `values` (units or SSCCs of the organisation) and of the units on them."""
    ssccs = [v.sscc if isinstance(v, LogisticUnit) else str(v).strip() for v in values]
    units = list(LogisticUnit.objects.filter(sscc__in=ssccs, organization=organization))
    missing = sorted(set(ssccs) - {u.sscc for u in units})
    if missing:
        raise _error("expected", _("Không tìm thấy thùng/pallet %(sscc)s.") % {"sscc": ", ".join(missing)})
    children = LogisticUnit.objects.filter(parent__in=units).values_list("sscc", flat=True)
    return sorted({*ssccs, *children})


@transaction.atomic
def open_session(*, actor: Actor, read_point: ReadPoint, data: dict[str, Any]) -> GateSession:
    """Open a read point for one job. `dock_out`: `receiver` (organisation), `expected` (units or SSCCs; those on
    a pallet with it); `dock_in`: `shipment` (pending, to this organisation: its units are expected); `packing`:
    a new pallet (its SSCC allocated now, so the labels can be printed)."""
    organization = read_point.organization
    require(can_write(actor, organization))
    if GateSession.objects.filter(read_point=read_point, closed_at=None).exists():
        raise ValidationError(_("Điểm đọc đang mở cho việc khác: đóng việc đó trước."))
    session = GateSession(read_point=read_point, opened_at=timezone.now(), opened_by=person(actor))
    if read_point.role == Role.DOCK_OUT:
        receiver = data.get("receiver")
        if receiver is not None and not isinstance(receiver, Organization):
            receiver = Organization.objects.filter(tax_code=str(receiver)).first()
        if receiver is None or receiver.pk == organization.pk or not receiver.gln:
            raise _error("receiver", _("Chọn tổ chức nhận hàng (đã có mã GLN)."))
        session.receiver = receiver
        session.expected = _units(organization, data.get("expected") or [])
    elif read_point.role == Role.DOCK_IN:
        shipment = data.get("shipment")
        if not isinstance(shipment, Shipment):
            shipment = Shipment.objects.filter(public_id=shipment).first() if shipment else None
        if shipment is None or shipment.receiver_id != organization.pk:
            raise _error("shipment", _("Chọn chuyến hàng gửi đến tổ chức."))
        if shipment.status != ShipmentStatus.PENDING:
            raise _error("shipment", _("Chuyến hàng này đã được xử lý."))
        session.public_id = shipment.public_id
        on_it = LogisticUnit.objects.filter(pk__in=shipment.lines.exclude(unit=None).values("unit_id"))
        ssccs = {u.sscc for u in on_it} | {u.parent.sscc for u in on_it.select_related("parent") if u.parent}
        session.expected = _units(shipment.sender, ssccs)  # a pallet's cartons left behind are missing here too
    else:
        sscc = allocate_sscc(organization, 1)
        pallet = LogisticUnit.objects.create(
            organization=organization, sscc=sscc, kind=UnitKind.PALLET, packed_at=session.opened_at
        )
        audit.record(actor=actor, action=AuditAction.CREATE, instance=pallet, organization_id=organization.pk)
        session.parent_sscc = sscc
        session.expected = _units(organization, data.get("expected") or [])
    session.save()
    audit.record(actor=actor, action=AuditAction.CREATE, instance=session, organization_id=organization.pk)
    return session


@transaction.atomic
def close_session(*, actor: Actor, session: GateSession) -> GateSession:
    require(can_write(actor, session.read_point.organization))
    if session.closed_at is None:
        session.closed_at = timezone.now()
        session.save(update_fields=["closed_at"])
        audit.record(
            actor=actor, action=AuditAction.UPDATE, instance=session, organization_id=session.read_point.organization_id
        )
    return session


@dataclass
class Outcome:
    reads: int = 0
    observations: int = 0  # new observations (after collapsing)
    collapsed: int = 0  # reads folded into an observation
    foreign: int = 0  # new observations of tags that are not ours
    assets: int = 0  # returnable assets whose last observation moved
    events: list[str] = field(default_factory=list)


@dataclass
class _Seen:
    tag: Tag
    point: ReadPoint
    first: dt.datetime
    last: dt.datetime
    count: int
    antenna: int | None
    rssi: float | None


def _points(device: Device) -> dict[int | None, ReadPoint]:
    rows = ReadPoint.objects.filter(device=device, active=True).select_related("facility", "organization")
    return {p.antenna: p for p in rows}


def _decoded(device: Device, reads: list[Read], now: dt.datetime) -> list[tuple[ReadPoint, Tag, Read, dt.datetime]]:
    points = _points(device)
    if not points:
        raise ValidationError(_("Đầu đọc %(id)s chưa có điểm đọc.") % {"id": device.identifier})
    out, problems = [], []
    for i, read in enumerate(reads):
        point = points.get(read.antenna) or points.get(None)
        try:
            tag = decode(read.epc)
        except TagError as exc:
            problems.append(f"#{i}: {exc}")
            continue
        when = read.time or now
        if point is None:
            problems.append(f"#{i}: ăng-ten {read.antenna} chưa có điểm đọc / antenna {read.antenna} has no read point")
        elif not now - MAX_PAST <= when <= now + MAX_FUTURE:
            problems.append(f"#{i}: thời điểm đọc ngoài giới hạn / read time out of range: {when.isoformat()}")
        else:
            out.append((point, tag, read, when))
    if problems:
        raise ValidationError(problems[:20])
    return out


@transaction.atomic
def record_reads(*, actor: Actor, device: Device, reads: list[Read], now: dt.datetime | None = None) -> Outcome:
    """Store a reader's reads and capture the events they make (see the module); all or nothing: a malformed EPC,
    an unknown header, a read time out of range or an antenna without read point refuses the call."""
    return record_batch(actor=actor, batches=[(device, reads)], now=now)


@transaction.atomic
def record_batch(*, actor: Actor, batches: list[tuple[Device, list[Read]]], now: dt.datetime | None = None) -> Outcome:
    """`record_reads` for several readers at once (the MQTT bridge's batch): one transaction, one capture per
    organisation; refused whole as `record_reads` is."""
    now = now or timezone.now()
    outcome = Outcome()
    seen: dict[tuple[int, str], _Seen] = {}
    for device, reads in batches:
        require(can_write(actor, device.organization))
        if device.kind != DeviceKind.RFID_READER or device.status != "active":
            raise ValidationError(_("Thiết bị này không phải đầu đọc RFID đang hoạt động."))
        outcome.reads += len(reads)
        for point, tag, read, when in _decoded(device, reads, now):
            item = seen.get((point.pk, tag.key))
            if item is None:
                seen[(point.pk, tag.key)] = _Seen(tag, point, when, when, 1, read.antenna, read.rssi)
                continue
            item.first, item.last, item.count = min(item.first, when), max(item.last, when), item.count + 1
            if read.rssi is not None and (item.rssi is None or read.rssi > item.rssi):
                item.rssi = read.rssi
    found = assets.by_tag((s.tag.grai, s.tag.serial) for s in seen.values() if s.tag.grai)
    new = _extend(seen, outcome)
    if new:
        _observe(actor, new, outcome, found)
    if found:
        outcome.assets = assets.observe(
            (found[(s.tag.grai, s.tag.serial)], s.point, s.last)
            for s in seen.values()
            if (s.tag.grai, s.tag.serial) in found
        )
    Device.objects.filter(pk__in=[d.pk for d, _r in batches]).update(last_seen_at=now)
    return outcome


def _extend(seen: dict[tuple[int, str], _Seen], outcome: Outcome) -> list[_Seen]:
    """Fold each tag's reads into its open observation at the read point (within the window); the rest are new."""
    if not seen:
        return []
    earliest = min(s.first for s in seen.values()) - dt.timedelta(
        seconds=max(s.point.window_seconds for s in seen.values())
    )
    open_rows: dict[tuple[int, str], TagRead] = {}
    rows = TagRead.objects.filter(
        read_point__in={s.point.pk for s in seen.values()}, epc__in={k for _p, k in seen}, last_seen__gte=earliest
    ).order_by("last_seen")
    for found in rows:
        open_rows[(found.read_point_id, found.epc)] = found
    changed, new = [], []
    for key, item in seen.items():
        row = open_rows.get(key)
        window = dt.timedelta(seconds=item.point.window_seconds)
        if row is not None and item.first - row.last_seen <= window:
            row.last_seen, row.count = max(row.last_seen, item.last), row.count + item.count
            changed.append(row)
            outcome.collapsed += item.count
        else:
            new.append(item)
            outcome.collapsed += item.count - 1
    if changed:  # one statement per row, sent together (Django's bulk_update builds a CASE per column)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {TagRead._meta.db_table} SET last_seen = %s, count = %s WHERE id = %s",
                [(r.last_seen, r.count, r.pk) for r in changed],
            )
    return new


def _owned(new: list[_Seen]) -> tuple[dict[str, LogisticUnit], set[tuple[int, str]]]:
    """Units by SSCC, and (organisation, GTIN) pairs of the organisations' products among the tags."""
    ssccs = {s.tag.sscc for s in new if s.tag.sscc}
    units = {u.sscc: u for u in LogisticUnit.objects.filter(sscc__in=ssccs)}
    gtins = {s.tag.gtin for s in new if s.tag.gtin} | {s.tag.gtin[1:] for s in new if s.tag.gtin}
    products = set(Product.objects.filter(gtin__in=gtins).values_list("organization_id", "gtin"))
    return units, {(org, gtin.zfill(14)) for org, gtin in products}


def _observe(actor: Actor, new: list[_Seen], outcome: Outcome, found: dict[tuple[str, str], ReturnableAsset]) -> None:
    units, products = _owned(new)
    points = {s.point.pk: s.point for s in new}
    sessions = {s.read_point_id: s for s in GateSession.objects.filter(read_point__in=points, closed_at=None)}
    rows: list[TagRead] = []
    by_point: dict[int, list[tuple[_Seen, TagRead]]] = {}
    for item in new:
        point, session = item.point, sessions.get(item.point.pk)
        unit = units.get(item.tag.sscc) if item.tag.sscc else None
        asset = found.get((item.tag.grai, item.tag.serial)) if item.tag.grai else None
        ours = (unit is not None and unit.organization_id == point.organization_id) or (
            (point.organization_id, item.tag.gtin) in products
        )
        if not ours and session is not None and point.role == Role.DOCK_IN:
            ours = item.tag.sscc in session.expected  # the sender's units on the shipment received here
        row = TagRead(
            read_point=point,
            session=session,
            epc=item.tag.key,
            uri=item.tag.uri,
            hex=item.tag.hex,
            filter=item.tag.filter,
            ours=ours,
            unit=unit,
            asset=asset,
            antenna=item.antenna,
            rssi=item.rssi,
            first_seen=item.first,
            last_seen=item.last,
            count=item.count,
        )
        rows.append(row)
        outcome.observations += 1
        if asset is not None:  # an asset's observation, never an event's object
            row.ours = asset.organization_id == point.organization_id
            outcome.foreign += not row.ours
        elif ours:
            by_point.setdefault(point.pk, []).append((item, row))
        else:
            outcome.foreign += 1
    captures: dict[int, list[dict[str, Any]]] = {}
    for point_id, items in by_point.items():
        point = points[point_id]
        event = _event(point, sessions.get(point_id), items)
        if event is None:
            continue
        captures.setdefault(point.organization_id, []).append(event)
        outcome.events.append(event["eventID"])
        for _item, row in items:
            row.event_id = event["eventID"]
    organizations = {p.organization_id: p.organization for p in points.values()}
    for org_id, events in captures.items():
        capture_events(
            actor=actor,
            organization=organizations[org_id],
            events=events,
            context=epcis.CONTEXT,
            source="rfid",
            after=CAPTURE_STEPS,
        )
    TagRead.objects.bulk_create(rows)


def _event(point: ReadPoint, session: GateSession | None, items: list[tuple[_Seen, TagRead]]) -> dict[str, Any] | None:
    when = min(item.first for item, _row in items)
    event = epcis.base_event("ObjectEvent", when)
    keys = sorted({item.tag.key for item, _row in items})
    place = {"id": epcis.facility_location(point.facility)} if point.facility is not None else None
    if point.role == Role.PACKING:
        parent = session.parent_sscc if session is not None and session.parent_sscc else None
        loads = [i.tag for i, _r in items if i.tag.sscc and i.tag.filter == SSCC_FILTER_UNIT_LOAD]
        parent_key = epcis.sscc_epc(parent) if parent else (loads[0].key if loads else None)
        children = [k for k in keys if k != parent_key]
        if parent_key is None or not children:
            return None
        event.update(
            {
                "type": "AggregationEvent",
                "parentID": parent_key,
                "childEPCs": children,
                "action": "ADD",
                "bizStep": "packing",
                "disposition": "in_progress",
            }
        )
    else:
        outbound = point.role == Role.DOCK_OUT
        event.update(
            {
                "epcList": keys,
                "action": "OBSERVE",
                "bizStep": "shipping" if outbound else "receiving",
                "disposition": "in_transit" if outbound else "in_progress",
            }
        )
        if session is not None:
            event["bizTransactionList"] = [{"type": "desadv", "bizTransaction": f"urn:uuid:{session.public_id}"}]
            if outbound and session.receiver is not None:
                event["sourceList"] = epcis.parties("source", point.organization)
                event["destinationList"] = epcis.parties("destination", session.receiver)
    if place is not None:
        event["readPoint"] = event["bizLocation"] = place
    return event
