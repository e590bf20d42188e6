"""Who may say what about an object: the capture-time check that keeps one producer out of another's chain.

An event that names a lot, a serialised item, a product class or a logistic unit (SSCC) whose identifier
belongs to another organisation is accepted only from a party in that object's chain:

* its owner: the organisation of the product with that GTIN, or of the logistic unit with that SSCC (as the
  catalogue and the packing records register them), or, for codes not registered here, the organisation
  whose GS1 company prefix the code carries;
* an organisation it was shipped to that confirmed receipt (a `Shipment` of the object, or of a logistic unit
  it was packed into, with a shipping event, whose destination is one of the organisation's GLNs and whose
  receiving event that organisation captured), or that receives it in an earlier event of the same capture;
* for a `receiving` event, the destination of a shipment of it still on its way;
* an agency officer of the owner's province, and platform admins.

A code under the provincial GS1 prefix that this portal has not issued (no product, no logistic unit) belongs
to nobody yet and may only be named by officers: otherwise anyone could speak first about the next code the
portal will allocate. Codes of other companies not known here (imported goods, other provinces' products) are
anyone's to name. Party and location identifiers (GLNs) are not checked here: naming a destination is how a
shipment is made.

The common case, a producer naming its own lots, costs one statement (products, logistic units and company
prefixes read together).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings

from accounts import permissions
from catalog.models import Facility, Organization, Product
from core.errors import Forbidden
from events.choices import EdgeKind
from events.epcis.prepare import PreparedEvent
from events.epcis.problems import Problem, pointer
from events.graph import fetch_in, fetch_union
from events.models import Event, LotEdge, Shipment
from events.services.keys import existing_key_ids

if TYPE_CHECKING:
    from accounts.permissions import Actor

GTIN_KEY = re.compile(r"https://id\.gs1\.org/01/(\d{14})(?:/|$)")
SSCC_KEY = re.compile(r"https://id\.gs1\.org/00/(\d{18})$")
PARTY_GLN = re.compile(r"/41[47]/(\d{13})(?:/|$)")
PROVINCE = -1  # owner of a provincial-prefix code the portal has not issued
CONTAINER_DEPTH = 4  # item → case → pallet → …: how far up the packing a receipt is looked for


class CaptureForbidden(Forbidden):
    """The actor may capture for its organisation, but some events name objects outside its chain."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(problems[0].message)


@dataclass(frozen=True, slots=True)
class Mention:
    """An object an event names: its canonical key, as written, and the JSON pointer of the field."""

    key: str
    value: str
    path: tuple[Any, ...]


def mentions(event_index: int, prepared: PreparedEvent) -> list[Mention]:
    """The objects (not parties or places) that one event names, each with the pointer of where."""
    idx = prepared.index
    base: tuple[Any, ...] = ("epcisBody", "eventList", event_index)
    child = idx.type in ("AggregationEvent", "AssociationEvent")  # childEPCs, childQuantityList
    out: list[Mention] = []
    for values, keys, field, suffix in (
        (idx.epcs, idx.epc_keys, "childEPCs" if child else "epcList", ()),
        (idx.epc_classes, idx.epc_class_keys, "childQuantityList" if child else "quantityList", ("epcClass",)),
        (idx.input_epcs, idx.input_epc_keys, "inputEPCList", ()),
        (idx.input_classes, idx.input_class_keys, "inputQuantityList", ("epcClass",)),
        (idx.output_epcs, idx.output_epc_keys, "outputEPCList", ()),
        (idx.output_classes, idx.output_class_keys, "outputQuantityList", ("epcClass",)),
    ):
        out += [Mention(k, v, (*base, field, j, *suffix)) for j, (v, k) in enumerate(zip(values, keys, strict=True))]
    if idx.parent_id and idx.parent_key:
        out.append(Mention(idx.parent_key, idx.parent_id, (*base, "parentID")))
    return out


def _prefixes(digits: str) -> list[str]:
    """The GS1 company prefixes (6 to 12 digits) that a key's digits may carry, longest first."""
    return [digits[1 : 1 + n] for n in range(12, 5, -1)]


def owners(keys: Iterable[str]) -> dict[str, int]:
    """{canonical key: owner organisation id, or `PROVINCE`} for the product, item and logistic-unit keys among
    `keys` that someone here owns; keys of codes nobody here owns are left out.

    One statement reads the products, the logistic units and the company prefixes the codes may carry (a
    single-event capture made two round trips when its GTIN was not a registered product)."""
    gtins: dict[str, list[str]] = {}
    ssccs: dict[str, list[str]] = {}
    for key in keys:
        if m := GTIN_KEY.match(key):
            gtins.setdefault(m.group(1), []).append(key)
        elif m := SSCC_KEY.match(key):
            ssccs.setdefault(m.group(1), []).append(key)
    if not gtins and not ssccs:
        return {}
    codes = [*gtins, *ssccs]
    unit_table = apps.get_model("logistics", "LogisticUnit")._meta.db_table  # logistics imports events
    rows = fetch_union(
        [
            (f"SELECT 0, gtin, organization_id FROM {Product._meta.db_table} WHERE gtin IN ({{marks}})", list(gtins)),
            (f"SELECT 0, sscc, organization_id FROM {unit_table} WHERE sscc IN ({{marks}})", list(ssccs)),
            (
                f"SELECT 1, gs1_company_prefix, id FROM {Organization._meta.db_table} "
                "WHERE gs1_company_prefix IN ({marks})",
                sorted({p for code in codes for p in _prefixes(code)}),
            ),
        ]
    )
    by_code: dict[str, int] = {code: org for tag, code, org in rows if tag == 0}
    companies: dict[str, int] = {prefix: org for tag, prefix, org in rows if tag == 1}
    provincial = settings.TRUYXUAT_PROVINCIAL_GS1_PREFIX
    for code in codes:
        if code in by_code:
            continue
        company = next((companies[p] for p in _prefixes(code) if p in companies), None)  # the longest registered
        if company is not None:
            by_code[code] = company
        elif code[1:].startswith(provincial):
            by_code[code] = PROVINCE
    return {key: by_code[code] for code, ks in (*gtins.items(), *ssccs.items()) if code in by_code for key in ks}


class Authority:
    """The check of one capture (`actor` for `organization`), part by part: `check(events, offset)` raises
    `CaptureForbidden` naming every object of the part that the organisation may not speak about."""

    def __init__(self, actor: Actor, organization: Any) -> None:
        self.actor = actor
        self.organization = organization
        self.org_id = organization.pk if organization is not None else None
        self.everything = permissions.is_platform_admin(actor)
        self.received: set[str] = set()  # foreign keys this capture received in an earlier event
        self._glns: set[str] | None = None

    def check(self, events: list[PreparedEvent], offset: int = 0) -> None:
        if self.everything:
            return
        said = [mentions(offset + i, p) for i, p in enumerate(events)]
        owned = owners({m.key for ms in said for m in ms})
        foreign = {k: o for k, o in owned.items() if o != self.org_id}
        if not foreign:
            return
        foreign = self._beyond_officer(foreign)
        if not foreign:
            return
        received, pending = self._relations(list(foreign))
        problems: list[Problem] = []
        for ms, prepared in zip(said, events, strict=True):
            receiving = prepared.index.biz_step == "receiving"
            refused = [
                Problem(m.path[2], pointer(m.path), self._refusal(m, foreign[m.key]))
                for m in ms
                if m.key in foreign
                and m.key not in received
                and m.key not in self.received
                and not (receiving and m.key in pending)
            ]
            if receiving and not refused:  # later events of this capture may name what it received
                self.received.update(m.key for m in ms if m.key in foreign)
            problems += refused
        if problems:
            raise CaptureForbidden(problems)

    def _refusal(self, mention: Mention, owner: int) -> str:
        code = mention.value
        if owner == PROVINCE:
            return (
                f"Mã {code} thuộc tiền tố GS1 của tỉnh nhưng chưa được cổng cấp cho sản phẩm hay đơn vị hàng nào. "
                f"/ {code} is under the provincial GS1 prefix but this portal has not issued it."
            )
        return (
            f"Mã {code} thuộc tổ chức khác, và tổ chức của bạn không có trong chuỗi của nó (chưa nhận hàng này). "
            f"/ {code} belongs to another organisation, and yours is not in its chain (it has not received it)."
        )

    def _beyond_officer(self, foreign: dict[str, int]) -> dict[str, int]:
        """Those of `foreign` that an agency officer acting here may not speak about (all, for anyone else)."""
        if not permissions.is_agency_officer(self.actor):
            return foreign
        agency = permissions.agency_of(self.actor)
        if agency is None:  # a platform admin acting here: an officer of no agency speaks for every province
            return {}
        province = agency.province_code
        orgs = {o for o in foreign.values() if o != PROVINCE}
        theirs = set(Organization.objects.filter(pk__in=orgs, province_code=province).values_list("pk", flat=True))
        return {k: o for k, o in foreign.items() if o != PROVINCE and o not in theirs}

    def glns(self) -> set[str]:
        """The GLNs of the capturing organisation and of its facilities."""
        if self._glns is None:
            org = self.organization
            found = set(Facility.objects.filter(organization_id=self.org_id or 0).values_list("gln", flat=True))
            self._glns = found | ({org.gln} if org is not None and org.gln else set())
        return self._glns

    def _relations(self, keys: list[str]) -> tuple[set[str], set[str]]:
        """(keys the organisation received, keys on their way to it): shipments of each key or of a logistic
        unit it was packed into (up to `CONTAINER_DEPTH` levels), with a shipping event, to one of its GLNs."""
        if self.org_id is None:
            return set(), set()
        ids = existing_key_ids(keys)
        reach = {kid: {kid} for kid in ids.values()}  # key id → itself and the units it was packed into
        frontier = {kid: {kid} for kid in ids.values()}
        for _level in range(CONTAINER_DEPTH):
            parents = fetch_in(
                f"SELECT src_id, dst_id FROM {LotEdge._meta.db_table} WHERE kind = %s AND src_id IN ({{marks}})",
                sorted(frontier),
                before=[int(EdgeKind.AGGREGATION)],
            )
            nxt: dict[int, set[int]] = {}
            for src, dst in parents:
                for origin in frontier[src]:
                    if dst not in reach[origin]:
                        reach[origin].add(dst)
                        nxt.setdefault(dst, set()).add(origin)
            if not nxt:
                break
            frontier = nxt
        rows = fetch_in(
            f"SELECT s.key_id, s.destination, s.receive_event_id, e.organization_id "
            f"FROM {Shipment._meta.db_table} s LEFT JOIN {Event._meta.db_table} e ON e.id = s.receive_event_id "
            "WHERE s.ship_event_id IS NOT NULL AND s.key_id IN ({marks})",
            sorted({u for units in reach.values() for u in units}),
        )
        glns = self.glns()
        got: set[int] = set()
        coming: set[int] = set()
        for key_id, destination, receive_event, receiver in rows:
            m = PARTY_GLN.search(destination or "")
            if m is None or m.group(1) not in glns:
                continue
            if receive_event is None:
                coming.add(key_id)
            elif receiver == self.org_id:
                got.add(key_id)
        received = {k for k, kid in ids.items() if reach[kid] & got}
        pending = {k for k, kid in ids.items() if reach[kid] & coming}
        return received, pending
