"""Building the EPCIS 2.0 events of the producer workspace and capturing them through `events.services`.

Identifiers (GS1 Digital Link on id.gs1.org, the canonical key form of `gs1.identifiers`):
- a lot: `https://id.gs1.org/01/<gtin14>/10/<lot>` (LGTIN);
- a logistic unit: `https://id.gs1.org/00/<sscc>`;
- a party: `https://id.gs1.org/417/<gln>` (an organisation's GLN; a buyer without one is `urn:uuid:<id>`);
- a place: a facility's `https://id.gs1.org/414/<gln>`, a growing area `…/414/<facility or org gln>/254/<area code>`
  (the GLN extension names the plot inside the farm), or `geo:<lat>,<lon>` of its centre when no GLN exists yet.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from accounts.permissions import Actor
from catalog.models import Facility, GrowingArea, Lot, Organization
from diary.activities import DIARY_NS, DIARY_PREFIX
from events.epcis import CONTEXT_URL
from events.epcis.cbv import FARM_BIZSTEPS, farm_step_uri
from events.services import capture_events
from events.services.capture import CaptureResult
from gs1.identifiers import GS1Key, digital_link

CONTEXT: list[Any] = [CONTEXT_URL, {DIARY_PREFIX: DIARY_NS}]


def new_event_id() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def lot_epc(lot: Lot) -> str:
    return digital_link(GS1Key("lgtin", "", gtin14=lot.product.gtin, lot=lot.lot_code))


def sscc_epc(sscc: str) -> str:
    return digital_link(GS1Key("sscc", "", sscc=sscc))


def party_id(org: Organization) -> str | None:
    return digital_link(GS1Key("pgln", "", gln=org.gln)) if org.gln else None


def facility_location(facility: Facility) -> str:
    return digital_link(GS1Key("sgln", "", gln=facility.gln))


def area_location(area: GrowingArea) -> str:
    gln = area.facility.gln if area.facility_id and area.facility else area.organization.gln
    code = area.code
    if gln and len(code) <= 20:
        return digital_link(GS1Key("sgln", "", gln=gln, extension=code))
    from shapely.geometry import shape  # loaded on the first area without a GLN, not at start-up

    centre = shape(area.boundary).centroid
    return f"geo:{centre.y:.6f},{centre.x:.6f}"


def biz_step(name: str) -> str:
    return farm_step_uri(name) if name in FARM_BIZSTEPS else name


def event_time(when: dt.datetime | dt.date) -> tuple[str, str]:
    """(eventTime, eventTimeZoneOffset) in the node's time zone."""
    if isinstance(when, dt.date) and not isinstance(when, dt.datetime):
        when = timezone.make_aware(dt.datetime.combine(when, dt.time(12, 0)))
    local = timezone.localtime(when)
    offset = local.strftime("%z")
    return local.isoformat(timespec="seconds"), f"{offset[:3]}:{offset[3:]}"


def base_event(kind: str, when: dt.datetime | dt.date, event_id: str | None = None) -> dict[str, Any]:
    time, offset = event_time(when)
    return {"type": kind, "eventID": event_id or new_event_id(), "eventTime": time, "eventTimeZoneOffset": offset}


def quantity(lot: Lot, amount: Any) -> dict[str, Any]:
    return {"epcClass": lot_epc(lot), "quantity": float(amount), "uom": lot.unit}


def parties(kind: str, org: Organization | None, fallback: str | None = None) -> list[dict[str, str]]:
    """A sourceList/destinationList naming the owning party (the organisation, or `fallback`)."""
    ident = (party_id(org) if org is not None else None) or fallback
    return [{"type": "owning_party", kind: ident}] if ident else []


def capture(*, actor: Actor, organization: Organization, events: list[dict[str, Any]], source: str) -> CaptureResult:
    """Capture `events` (all or nothing, inside the caller's transaction); the result names what was stored and
    what was a duplicate of a stored event (the same fact recorded again: same hash under another eventID)."""
    return capture_events(actor=actor, organization=organization, events=events, context=CONTEXT, source=source)
