"""Who sees which events: a producer its own and published ones; an agency its province; the public
events of published lots (an event is public when it mentions a lot that is published, or published and
then recalled, by an approved organisation); a receiving partner the shipments addressed to it.

Partners (issue 19 item 5): the organisation a shipping event names in its `destinationList` (by its GLN as a
party, `/417/<gln>`, or as a place, `/414/<gln>`, or one of its facilities' GLNs, in any spelling: the
`EventValue` projection holds canonical keys) sees that event before anything is published, and the history of
what it carries up to the shipment: the events mentioning the shipped objects, or the lots aggregated into a
shipped logistic unit, whose event time is not after the shipment's, except shipments to others. A shipping event
declared in error grants nothing. Later events of those objects (a shipment of the rest of the lot to someone
else) stay hidden, and so do the shipments of the same objects to other organisations.

A federated peer node that this node shares with before publication (issue 23) sees less: the shipping events
addressed to its organisations (`Visibility.shipment_keys`), not the history of what they carry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts import permissions
from catalog.choices import OrganizationStatus
from catalog.models import Facility, Lot, Organization, Product
from catalog.selectors import PUBLIC_LOT_STATUSES
from events.auth import member_organization_ids
from events.choices import EdgeKind
from events.graph import fetch_in
from events.models import EpcKey, Event, EventEpc, EventValue, LotEdge, ValueField
from gs1.identifiers import GS1Key, digital_link


@dataclass(frozen=True)
class Visibility:
    """What a viewer may see: everything, or its organisations' events, its province's, and public ones."""

    everything: bool = False
    organization_ids: frozenset[int] = field(default_factory=frozenset)
    province_code: int | None = None
    partner_keys: frozenset[str] = field(default_factory=frozenset)  # its organisations' GLNs as canonical keys
    # A federated peer node (issue 23) that this node shares shipments with before publication: the shipping events
    # addressed to these keys (its organisations' GLNs), those events only; never the history of what they carry
    shipment_keys: frozenset[str] = field(default_factory=frozenset)

    def event_filter(self) -> Q:
        """A filter on `Event` for the events this viewer sees."""
        if self.everything:
            return Q()
        query = public_event_filter()
        if self.organization_ids:
            query |= Q(organization_id__in=self.organization_ids)
        if self.province_code is not None:
            query |= Q(organization__province_code=self.province_code)
        if self.partner_keys:
            ships = shipments_to(self.partner_keys)
            if ships.exists():
                query |= partner_event_filter(ships)
        if self.shipment_keys:
            query |= Q(pk__in=shipments_to(self.shipment_keys).values("pk"))
        return query

    def organization_set(self) -> set[int]:
        """Organisation ids whose events this viewer sees whole (its own, or its province's)."""
        ids = set(self.organization_ids)
        if self.province_code is not None:
            ids.update(Organization.objects.filter(province_code=self.province_code).values_list("pk", flat=True))
        return ids


FEW_PUBLIC_KEYS = 2000
_PUBLIC_PARAMS = [*(str(s) for s in PUBLIC_LOT_STATUSES), str(OrganizationStatus.APPROVED)]


def public_event_filter() -> Q:
    """A filter on `Event` for the events of public lots, in the plan that suits how much is published.

    While few lot identifiers are public (a province starting up), their events are found from them
    (their `EventEpc` rows): probing every event in query order for one that mentions a public lot reads the
    whole events table when nothing matches. Once many are, the ordered probe stops after a page and is the
    faster (figures: bench/README.md, "Public events").
    """
    few = list(public_keys().values_list("pk", flat=True)[: FEW_PUBLIC_KEYS + 1])
    if len(few) <= FEW_PUBLIC_KEYS:
        return Q(pk__in=EventEpc.objects.filter(key__in=few).values("event_id"))
    return Q(Exists(EventEpc.objects.filter(event=OuterRef("pk"), key__in=public_keys())))


def public_keys() -> Any:
    """Keys of lots the public may see."""
    return EpcKey.objects.filter(
        lot__status__in=PUBLIC_LOT_STATUSES, lot__product__organization__status=OrganizationStatus.APPROVED
    ).values("pk")


def _public(select: str, where: str, candidates: Iterable[int]) -> set[int]:
    """Run `select` (… FROM … the identifier as `k`) joined to public lots, `where` (… IN ({marks})) over
    `candidates`.

    Plain SQL driven from the candidates; CROSS JOIN keeps SQLite's join order (it would otherwise start
    from every public lot by status, which costs more than the answer once many lots are published).
    """
    ids = sorted(set(candidates))
    if not ids:
        return set()
    sql = (
        f"{select} CROSS JOIN {Lot._meta.db_table} l CROSS JOIN {Product._meta.db_table} p "
        f"CROSS JOIN {Organization._meta.db_table} o WHERE {where} AND l.id = k.lot_id AND p.id = l.product_id "
        "AND o.id = p.organization_id AND l.status IN (%s, %s) AND o.status = %s"
    )
    return {pk for (pk,) in fetch_in(sql, ids, after=_PUBLIC_PARAMS)}


def public_key_ids(candidates: Iterable[int]) -> set[int]:
    """Those of `candidates` (EpcKey ids) that are keys of public lots."""
    return _public(f"SELECT k.id FROM {EpcKey._meta.db_table} k", "k.id IN ({marks})", candidates)


def public_event_ids(candidates: Iterable[int]) -> set[int]:
    """Those of `candidates` (Event pks) that mention a public lot (driven from the candidate events: their
    identifiers, then those identifiers' lots; never every public lot of the platform)."""
    return _public(
        f"SELECT DISTINCT x.event_id FROM {EventEpc._meta.db_table} x CROSS JOIN {EpcKey._meta.db_table} k",
        "x.event_id IN ({marks}) AND k.id = x.key_id",
        candidates,
    )


SHIPPING = "shipping"
DESTINATION_TYPES = ("", "owning_party", "possessing_party", "location")  # sourceOrDestination types (normal form)


def partner_keys(organization_ids: Iterable[int]) -> frozenset[str]:
    """The canonical keys a destinationList names these organisations by: their GLN as a party and as a place,
    and their facilities' GLNs."""

    ids = list(organization_ids)
    glns = [g for g in Organization.objects.filter(pk__in=ids).values_list("gln", flat=True) if g]
    places = [*glns, *Facility.objects.filter(organization_id__in=ids).values_list("gln", flat=True)]
    return frozenset(
        [digital_link(GS1Key("pgln", "", gln=g)) for g in glns]
        + [digital_link(GS1Key("sgln", "", gln=g)) for g in places]
    )


def gln_keys(glns: Iterable[str]) -> frozenset[str]:
    """The canonical keys a destinationList names these GLNs by: as a party and as a place."""
    found = sorted(set(glns))
    return frozenset(
        [digital_link(GS1Key("pgln", "", gln=g)) for g in found]
        + [digital_link(GS1Key("sgln", "", gln=g)) for g in found]
    )


def shipments_to(keys: Iterable[str]) -> QuerySet[Event]:
    """Shipping events whose destinationList names one of `keys` (canonical keys), not declared in error."""
    named = EventValue.objects.filter(field=ValueField.DESTINATION, sub__in=DESTINATION_TYPES, text__in=sorted(keys))
    return Event.objects.filter(pk__in=named.values("event_id"), biz_step=SHIPPING, error_declaration__isnull=True)


def partner_event_filter(ships: QuerySet[Event]) -> Q:
    """Events of what `ships` carry, up to each shipment (see the module's note), and the shipments themselves."""
    later = OuterRef(OuterRef("event__event_time"))
    shipped_after = EventEpc.objects.filter(
        key_id=OuterRef("key_id"), event__in=ships, event__event_time__gte=OuterRef("event__event_time")
    )
    unit_shipped_after = LotEdge.objects.filter(kind=EdgeKind.AGGREGATION, src_id=OuterRef("key_id")).filter(
        Exists(EventEpc.objects.filter(key_id=OuterRef("dst_id"), event__in=ships, event__event_time__gte=later))
    )
    shipped = EventEpc.objects.filter(event__in=ships).values("key_id")
    inside = LotEdge.objects.filter(kind=EdgeKind.AGGREGATION, dst_id__in=shipped).values("src_id")
    mentions = EventEpc.objects.filter(Q(key_id__in=shipped) | Q(key_id__in=inside)).filter(
        Q(Exists(shipped_after)) | Q(Exists(unit_shipped_after))
    )
    history = Q(pk__in=mentions.values("event_id")) & ~Q(biz_step=SHIPPING)  # not others' shipments of them
    return Q(pk__in=ships.values("pk")) | history


def visibility_for(viewer: Any) -> Visibility:
    """The visibility of a user, an API token's client, or None/anonymous (the public)."""
    if viewer is None or not permissions.is_authenticated(viewer):
        return Visibility()
    if permissions.is_platform_admin(viewer):
        return Visibility(everything=True)
    province = viewer.agency.province_code if permissions.is_agency_officer(viewer) else None
    organizations = frozenset(member_organization_ids(viewer))
    return Visibility(organization_ids=organizations, province_code=province, partner_keys=partner_keys(organizations))
