"""Supply-chain facts, each one call: the domain service that captures the fact (and writes the rows listed fast),
then the rules checked again on what it changes (`rules.rechecks`), in one transaction.

The pages, the workspace API and imports call these, never the diary's or logistics' services directly for a
fact. `CAPTURE_STEPS` are the steps the project's URL map gives the EPCIS capture routes (`events.urls.patterns`):
a partner's events (`POST /epcis/capture`, `POST /epcis/events`) are projected into the diary as the form's are
(`diary.projection`), their packing, shipping and receiving into logistic units and shipments
(`logistics.projection`), declared errors mark the rows, and the rules are checked again — all in the capture's
transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.permissions import Actor
from catalog.models import Lot, Organization
from diary import corrections as diary_corrections
from diary import projection
from diary import services as diary
from diary.models import DiaryEntry
from events.services.capture import CaptureResult
from logistics import projection as logistics_projection
from logistics import services as logistics
from logistics.models import LogisticUnit, Shipment, ShipmentLine, Transformation
from logistics.services import corrections as logistics_corrections
from rules import rechecks


def project_capture(actor: Actor, organization: Organization | None, result: CaptureResult) -> None:
    """The EPCIS capture routes' step: diary rows for the capture's new diary events valid for the organisation,
    rows of the events it declared in error marked, logistic units and shipments of its packing, shipping and
    receiving events (`logistics.projection`), and the rules checked again on the lots any of them touches."""
    # the diary's projection reads the capture's events only when it stored some of its steps (or declarations),
    # the logistics one gets the stored events of its steps: most single-event captures concern neither, and three
    # reads were an eighth of a single-event POST's statements
    entries = projection.project_capture(actor, organization, result.capture) if result.biz_steps & DIARY_STEPS else []
    marked = projection.mark_declared(actor, result.capture) if result.declared else []
    if entries or marked:
        rechecks.after_entries([*entries, *marked], actor=actor)
    moves = [row.as_event() for row in result.new_events if (row.idx.biz_step or "") in LOGISTICS_STEPS]
    lots = logistics_projection.project_capture(actor, organization, result.capture, moves) if moves else []
    if lots:
        rechecks.after_lots(lots, actor=actor)


DIARY_STEPS = frozenset(projection.BIZ_STEPS)
LOGISTICS_STEPS = frozenset(logistics_projection.STEPS)
CAPTURE_STEPS = (project_capture,)


@transaction.atomic
def record_entry(**kwargs: Any) -> tuple[DiaryEntry, bool]:
    """`diary.services.record_entry`, then the lots a late spraying or treatment falls on are checked again."""
    entry, created = diary.record_entry(**kwargs)
    if created:
        rechecks.after_entries([entry], actor=kwargs.get("actor"))
    return entry, created


@transaction.atomic
def correct_entry(*, actor: Actor, entry: DiaryEntry, data: dict[str, Any], reason: Any) -> DiaryEntry:
    new = diary_corrections.correct_entry(actor=actor, entry=entry, data=data, reason=reason)
    rechecks.after_entries([entry, new], actor=actor)
    return new


@transaction.atomic
def void_entry(*, actor: Actor, entry: DiaryEntry, reason: Any) -> DiaryEntry:
    voided = diary_corrections.void_entry(actor=actor, entry=entry, reason=reason)
    rechecks.after_entries([voided], actor=actor)
    return voided


@transaction.atomic
def harvest(**kwargs: Any) -> Lot:
    lot = logistics.harvest(**kwargs)
    rechecks.after_lots([lot], actor=kwargs.get("actor"))
    return lot


@transaction.atomic
def update_claims(*, actor: Actor, lot: Lot, claims: list[str]) -> Lot:
    lot = logistics.update_claims(actor=actor, lot=lot, claims=claims)
    rechecks.after_lots([lot], actor=actor)
    return lot


@transaction.atomic
def transform(*, actor: Actor, organization: Organization, data: dict[str, Any]) -> Transformation:
    transformation = logistics.transform(actor=actor, organization=organization, data=data)
    rechecks.after_lots(transformation.outputs.select_related("product"), actor=actor)
    return transformation


@transaction.atomic
def pack(*, actor: Actor, organization: Organization, data: dict[str, Any]) -> list[LogisticUnit]:
    units = logistics.pack(actor=actor, organization=organization, data=data)
    lots = Lot.objects.filter(packed_in__unit__in=units).distinct().select_related("product")
    rechecks.after_lots(lots, actor=actor)
    return units


def _shipped(shipment: Shipment) -> list[Lot]:
    return list(Lot.objects.filter(shipment_lines__in=shipment.lines.all()).distinct().select_related("product"))


@transaction.atomic
def create_shipment(*, actor: Actor, organization: Organization, data: dict[str, Any]) -> Shipment:
    shipment = logistics.create_shipment(actor=actor, organization=organization, data=data)
    rechecks.after_lots(_shipped(shipment), actor=actor)
    return shipment


@transaction.atomic
def confirm_receipt(*, actor: Actor, shipment: Shipment, data: dict[str, Any] | None = None) -> Shipment:
    shipment = logistics.confirm_receipt(actor=actor, shipment=shipment, data=data)
    rechecks.after_lots(_shipped(shipment), actor=actor)
    return shipment


@transaction.atomic
def correct_harvest(*, actor: Actor, entry: DiaryEntry, data: dict[str, Any], reason: Any) -> DiaryEntry:
    new = logistics_corrections.correct_harvest(actor=actor, entry=entry, data=data, reason=reason)
    rechecks.after_lots([lot for lot in [new.lot] if lot is not None], actor=actor)
    return new


@transaction.atomic
def void_harvest(*, actor: Actor, entry: DiaryEntry, reason: Any) -> DiaryEntry:
    voided = logistics_corrections.void_harvest(actor=actor, entry=entry, reason=reason)
    rechecks.after_lots([lot for lot in [voided.lot] if lot is not None], actor=actor)
    return voided


@transaction.atomic
def correct_shipment_line(*, actor: Actor, line: ShipmentLine, quantity: Any, reason: Any) -> ShipmentLine:
    new = logistics_corrections.correct_shipment_line(actor=actor, line=line, quantity=quantity, reason=reason)
    rechecks.after_lots([new.lot], actor=actor)
    return new


@transaction.atomic
def void_shipment_line(*, actor: Actor, line: ShipmentLine, reason: Any) -> ShipmentLine:
    voided = logistics_corrections.void_shipment_line(actor=actor, line=line, reason=reason)
    rechecks.after_lots([voided.lot], actor=actor)
    return voided
