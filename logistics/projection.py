"""Logistic units and shipments as projections of EPCIS events captured from any source (issue 17).

The workspace's forms write their rows themselves (`logistics.services`) and capture the matching events. An event
captured otherwise — a partner's system through `POST /epcis/capture`, a gate's RFID reader (`rfid`) — is projected
here, from the stored event, in the capture's transaction, by an explicit call (the EPCIS capture routes' step
`workflows.chain.project_capture`, and `rfid.services` after its own capture):

- an AggregationEvent `ADD`, bizStep `packing`, `parentID` an SSCC: the parent `LogisticUnit` (made when new: a
  pallet when its children are SSCCs, else a carton, its `childQuantityList` lots as contents), its SSCC children
  placed on it;
- an ObjectEvent bizStep `shipping` naming SSCCs (and/or a `quantityList`): the `Shipment` of its `desadv` business
  transaction `urn:uuid:<id>` (made when new: the capturing organisation sends to the organisation of the
  `destinationList` owning party's GLN), one line per lot content of each unit not yet on it (a pallet named alone
  stands for its cartons; named with some of them, only those named);
- an ObjectEvent bizStep `receiving` with that `desadv`: the receiver ticks the lines of the units it names; every
  line ticked: `received`, some: `discrepancy` (a later receiving may complete it).

Only the capturing organisation's own units are projected into its packing and shipments; a receiving names the
shipment's. Anything else (a stranger's SSCC, a shipment without a receiving organisation) stays an event only.
"""

from __future__ import annotations

import json
import uuid
from functools import cached_property
from typing import Any

from django.db.models import F

from accounts.permissions import Actor, person
from catalog.models import Lot, Organization
from core import audit
from core.choices import AuditAction
from core.storage.db import raw_cursor
from events.epcis import parse_time
from events.models import Event
from gs1.identifiers import InvalidIdentifier, parse_key
from logistics.choices import ShipmentStatus, UnitKind
from logistics.models import LogisticUnit, LogisticUnitContent, Shipment, ShipmentLine

STEPS = ("packing", "shipping", "receiving")


def _sscc(value: Any) -> str | None:
    try:
        key = parse_key(str(value))
    except (InvalidIdentifier, ValueError):
        return None
    return key.sscc if key.kind == "sscc" else None


def _lot_class(value: Any) -> tuple[str, str] | None:
    """(GTIN-14, lot code) of an LGTIN class, else None."""
    try:
        key = parse_key(str(value))
    except (InvalidIdentifier, ValueError):
        return None
    if key.kind != "lgtin" or not key.gtin14 or key.lot is None:
        return None
    return key.gtin14, key.lot


class Lots:
    """The organisation's catalogue lots named by the events' quantity lists, read in one query for the events
    being projected (a query per row was 2.7 s of two 1,000-event captures of shipping and receiving). A lot is
    its product's GTIN (14 digits, or the 13 stored for an EAN-13) and its lot code; of two matches the older."""

    def __init__(self, organization: Organization, bodies: list[dict[str, Any]]) -> None:
        self.organization, self.bodies = organization, bodies

    @cached_property
    def found(self) -> dict[tuple[str, str], Lot]:
        """Read when first needed: most events projected name no lot of a shipment or a new unit."""
        classes = {
            named
            for body in self.bodies
            for name in ("quantityList", "childQuantityList")
            for row in body.get(name) or []
            if isinstance(row, dict) and (named := _lot_class(row.get("epcClass")))
        }
        found: dict[tuple[str, str], Lot] = {}
        if not classes:
            return found
        gtins = {g for g, _c in classes} | {g[1:] for g, _c in classes}
        rows = Lot.objects.filter(
            product__organization=self.organization, product__gtin__in=gtins, lot_code__in={c for _g, c in classes}
        )
        for lot in rows.select_related("product").order_by("-pk"):  # the older last: it wins
            found[(lot.product.gtin, lot.lot_code)] = lot
        return found

    def get(self, value: Any) -> Lot | None:
        found = _lot_class(value)
        if found is None:
            return None
        gtin, code = found
        both = [lot for lot in (self.found.get((gtin, code)), self.found.get((gtin[1:], code))) if lot is not None]
        return min(both, key=lambda lot: lot.pk) if both else None


def desadv(body: dict[str, Any]) -> uuid.UUID | None:
    """The shipment id of an event's `desadv` business transaction (`urn:uuid:<id>`)."""
    for row in body.get("bizTransactionList") or []:
        if not isinstance(row, dict):
            continue
        kind = str(row.get("type") or "")
        text = str(row.get("bizTransaction") or "")
        if kind.rsplit("-", 1)[-1].rsplit(":", 1)[-1] == "desadv" and text.startswith("urn:uuid:"):
            try:
                return uuid.UUID(text[9:])
            except ValueError:
                return None
    return None


_ORGANIZATION_OF_GLN = f"SELECT id FROM {Organization._meta.db_table} WHERE gln = {{mark}}"


def _destination(body: dict[str, Any]) -> int | None:
    """The id of the organisation whose GLN is the event's owning-party destination, if registered here. Read on
    the raw cursor: every shipping event asks, and compiling the queryset cost a tenth of a single-event POST's
    CPU (profiled with 32 clients; bench/README.md, "Capture")."""
    for row in body.get("destinationList") or []:
        if isinstance(row, dict) and str(row.get("type", "")).endswith("owning_party"):
            try:
                key = parse_key(str(row.get("destination") or ""))
            except (InvalidIdentifier, ValueError):
                continue
            if key.kind == "pgln" and key.gln:
                with raw_cursor() as (cursor, mark):
                    cursor.execute(_ORGANIZATION_OF_GLN.format(mark=mark), [key.gln])
                    found = cursor.fetchone()
                return found[0] if found else None
    return None


def _pack(actor: Actor, organization: Organization, event: Event, body: dict[str, Any], lots_of: Lots) -> list[Lot]:
    parent_sscc = _sscc(body.get("parentID"))
    if parent_sscc is None or body.get("action") != "ADD":
        return []
    children = [s for s in (_sscc(c) for c in body.get("childEPCs") or []) if s]
    parent = LogisticUnit.objects.filter(sscc=parent_sscc).first()
    lots: list[Lot] = []
    if parent is None:
        parent = LogisticUnit.objects.create(
            organization=organization,
            sscc=parent_sscc,
            kind=UnitKind.PALLET if children else UnitKind.CARTON,
            packed_at=parse_time(body["eventTime"]),
            event_id=event.event_id,
            created_by=person(actor),
        )
        for row in body.get("childQuantityList") or []:
            lot = lots_of.get(row.get("epcClass")) if isinstance(row, dict) else None
            if lot is not None:
                LogisticUnitContent.objects.create(unit=parent, lot=lot, quantity=row.get("quantity") or 0)
                lots.append(lot)
        audit.record(actor=actor, action=AuditAction.CREATE, instance=parent, organization_id=organization.pk)
    if parent.organization_id != organization.pk:
        return []
    if not parent.event_id:  # a pallet registered before its packing (an RFID station's session)
        parent.event_id = event.event_id
        parent.save(update_fields=["event_id"])
    placed = LogisticUnit.objects.filter(sscc__in=children, organization=organization, parent=None).exclude(
        pk=parent.pk
    )
    placed.update(parent=parent)
    return lots


def _members(units: list[LogisticUnit]) -> list[LogisticUnit]:
    """The units and those on them (a pallet's cartons), each once. A pallet named alone stands for what is on it;
    named with some of its cartons (an RFID gate reads each case), only the cartons named passed."""
    seen: dict[int, LogisticUnit] = {u.pk: u for u in units}
    named_parents = {u.parent_id for u in units if u.parent_id is not None}
    alone = [u for u in units if u.pk not in named_parents]
    for child in LogisticUnit.objects.filter(parent__in=alone):
        seen.setdefault(child.pk, child)
    return list(seen.values())


def _ship(actor: Actor, organization: Organization, event: Event, body: dict[str, Any], lots_of: Lots) -> list[Lot]:
    # the shipment (or its receiver) first: without one the event stays an event, and its units and lots need
    # not be read (a partner's shipping to a party not registered here, the common case)
    public_id = desadv(body)
    shipment = Shipment.objects.filter(public_id=public_id).first() if public_id else None
    receiver = _destination(body) if shipment is None else None
    if shipment is None and (receiver is None or receiver == organization.pk):
        return []
    ssccs = [s for s in (_sscc(e) for e in body.get("epcList") or []) if s]
    units = list(LogisticUnit.objects.filter(sscc__in=ssccs, organization=organization))
    loose = [(lots_of.get(r.get("epcClass")), r) for r in body.get("quantityList") or [] if isinstance(r, dict)]
    if not units and not any(lot for lot, _r in loose):
        return []
    if shipment is None:
        assert receiver is not None  # returned above otherwise
        shipment = Shipment.objects.create(
            public_id=public_id or uuid.uuid4(),
            sender=organization,
            receiver_id=receiver,
            shipped_at=parse_time(body["eventTime"]),
            status=ShipmentStatus.PENDING,
            ship_event_id=event.event_id,
            created_by=person(actor),
        )
        audit.record(actor=actor, action=AuditAction.CREATE, instance=shipment, organization_id=organization.pk)
    if shipment.sender_id != organization.pk or shipment.status != ShipmentStatus.PENDING:
        return []
    on_it = set(shipment.lines.exclude(unit=None).values_list("unit_id", flat=True))
    members = [u for u in _members(units) if u.pk not in on_it]
    contents = LogisticUnitContent.objects.filter(unit__in=members).select_related("lot__product").order_by("pk")
    lines = [ShipmentLine(shipment=shipment, lot=c.lot, quantity=c.quantity, unit_id=c.unit_id) for c in contents]
    lines += [ShipmentLine(shipment=shipment, lot=lot, quantity=row.get("quantity") or 0) for lot, row in loose if lot]
    ShipmentLine.objects.bulk_create(lines)
    return [line.lot for line in lines]


def _receive(actor: Actor, organization: Organization, event: Event, body: dict[str, Any]) -> list[Lot]:
    public_id = desadv(body)
    shipment = Shipment.objects.filter(public_id=public_id).first() if public_id else None
    if shipment is None or shipment.receiver_id != organization.pk:
        return []
    if shipment.status not in (ShipmentStatus.PENDING, ShipmentStatus.DISCREPANCY):
        return []
    ssccs = {s for s in (_sscc(e) for e in body.get("epcList") or []) if s}
    named = list(LogisticUnit.objects.filter(sscc__in=ssccs))
    read = {u.pk for u in _members(named)}
    lines = list(shipment.lines.select_related("lot__product"))
    ticked = [line for line in lines if line.unit_id in read and line.received_quantity is None]
    for line in ticked:
        line.received_quantity = line.quantity
    ShipmentLine.objects.filter(pk__in=[line.pk for line in ticked]).update(received_quantity=F("quantity"))
    before = audit.snapshot(shipment)
    done = all(line.received_quantity is not None for line in lines)
    shipment.status = ShipmentStatus.RECEIVED if done else ShipmentStatus.DISCREPANCY
    if shipment.received_at is None:
        shipment.received_at = parse_time(body["eventTime"])
        shipment.receive_event_id = event.event_id
        shipment.received_by = person(actor)
    shipment.save()
    audit.record(
        actor=actor, action=AuditAction.APPROVE, instance=shipment, before=before, organization_id=organization.pk
    )
    return [line.lot for line in lines]


def project_events(actor: Actor, organization: Organization, events: list[Event]) -> list[Lot]:
    """Project each event (in order) as the module's table says; the lots whose rows changed (for the rules)."""
    lots: list[Lot] = []
    bodies = [json.loads(event.body) for event in events]
    lots_of = Lots(organization, bodies)
    for event, body in zip(events, bodies, strict=True):
        if event.type == "AggregationEvent" and event.biz_step == "packing":
            lots += _pack(actor, organization, event, body, lots_of)
        elif event.type == "ObjectEvent" and event.biz_step == "shipping":
            lots += _ship(actor, organization, event, body, lots_of)
        elif event.type == "ObjectEvent" and event.biz_step == "receiving":
            lots += _receive(actor, organization, event, body)
    return list({lot.pk: lot for lot in lots}.values())


def project_capture(
    actor: Actor, organization: Organization | None, capture: Any, events: list[Event] | None = None
) -> list[Lot]:
    """The rows of a capture's new logistics events (the EPCIS capture routes' step; see the module): `events`,
    the capture's stored events of `STEPS` when the caller has them (in order), else read back."""
    if organization is None:
        return []
    if events is None:
        events = list(Event.objects.filter(capture=capture, biz_step__in=STEPS).order_by("pk"))
    return project_events(actor, organization, events)
