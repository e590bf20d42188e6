"""EPCIS chains for the demo province's published lots, captured through the service (idempotent).

* Coffee: the cooperative harvests green Robusta at its farm, collects it, ships it to the roaster, which
  receives it, roasts it into roasted-ground lots (TransformationEvent) and ships them to the shop.
* Pork: the pig farm raises a lot of pigs (an identifier not in the catalogue: accepted, linked if ever
  registered), ships it to the slaughterhouse, which slaughters it into pork, chills it and ships it to the shop.
* Ginseng: harvest under the forest canopy, processing into ginseng wine, shipped to the shop.

Every event carries a name-based UUID eventID, so running the demo again stores nothing new.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from accounts.permissions import SYSTEM
from catalog.models import Facility, Lot, Organization
from catalog.selectors import digital_link
from catalog.validators import with_check_digit
from events.epcis import CONTEXT_URL
from events.models import Event
from events.services import capture_events

NAMESPACE = uuid.UUID("6b1f64a4-3f7e-4d64-9e55-6f1d0c6a7e21")
PIGS_GTIN = "0" + with_check_digit("893000099001")  # live pigs: a key the catalogue does not (yet) know


def _facility(name: str) -> Facility:
    return Facility.objects.select_related("organization").get(name=name)


def _place(facility: Facility) -> dict[str, str]:
    return {"id": f"https://id.gs1.org/414/{facility.gln}"}


def _lot(product: str, code: str | None = None) -> str:
    """The Digital Link of a demo lot (by code, or the product's first published lot)."""
    lots = Lot.objects.select_related("product").filter(product__name=product)
    lot = lots.filter(lot_code=code).first() if code else lots.filter(status="published").order_by("lot_code").first()
    if lot is None:
        raise LookupError(f"demo lot missing: {product} {code or ''}")
    return digital_link(lot.product.gtin, lot.lot_code)


class _Chain:
    def __init__(self, name: str) -> None:
        self.name = name
        self.batches: list[tuple[Organization, list[dict[str, Any]]]] = []

    def _event(self, label: str, time: str, body: dict[str, Any]) -> dict[str, Any]:
        event = {
            "type": body.pop("type", "ObjectEvent"),
            "eventID": f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{self.name}/{label}')}",
            "eventTime": time,
            "eventTimeZoneOffset": "+07:00",
        }
        event.update(body)
        return event

    def add(self, facility: Facility, label: str, time: str, **body: Any) -> None:
        event = self._event(label, time, body)
        event.setdefault("readPoint", _place(facility))
        event.setdefault("bizLocation", _place(facility))
        org = facility.organization
        if self.batches and self.batches[-1][0].pk == org.pk:
            self.batches[-1][1].append(event)
        else:
            self.batches.append((org, [event]))


def _qty(epc_class: str, quantity: float, uom: str = "KGM") -> dict[str, Any]:
    return {"epcClass": epc_class, "quantity": quantity, "uom": uom}


def _ship(chain: _Chain, src: Facility, dst: Facility, label: str, time: str, items: list[dict[str, Any]]) -> None:
    parties = {"sourceList": [{"type": "location", "source": _place(src)["id"]}]}
    parties["destinationList"] = [{"type": "location", "destination": _place(dst)["id"]}]  # type: ignore[list-item]
    chain.add(
        src,
        f"{label}/ship",
        time,
        action="OBSERVE",
        bizStep="shipping",
        disposition="in_transit",
        epcList=[],
        quantityList=items,
        **parties,
    )
    chain.add(
        dst,
        f"{label}/receive",
        time.replace("T07", "T15"),
        action="OBSERVE",
        bizStep="receiving",
        disposition="in_progress",
        epcList=[],
        quantityList=items,
        **parties,
    )


def coffee() -> _Chain:
    chain = _Chain("coffee")
    farm, collect = _facility("Vùng cà phê Thôn 4"), _facility("Điểm thu gom cà phê Đăk Hà")
    roastery, shop = _facility("Xưởng rang xay Đăk Hà"), _facility("Cửa hàng Lê Hồng Phong")
    for green, roasted, day, ship_day, roast_day, sell_day in (
        ("CPN2511-01", "RX2512-01", "2025-11-12", "2025-11-20", "2025-12-10", "2025-12-15"),
        ("CPN2511-02", "RX2601-01", "2025-11-25", "2025-12-20", "2026-01-15", "2026-01-20"),
    ):
        g = _lot("Cà phê nhân Robusta Đăk Hà", green)
        r = _lot("Cà phê rang xay Đăk Hà", roasted)
        chain.add(
            farm,
            f"{green}/harvest",
            f"{day}T07:00:00+07:00",
            action="ADD",
            bizStep="commissioning",
            disposition="active",
            epcList=[],
            quantityList=[_qty(g, 18000)],
        )
        chain.add(
            collect,
            f"{green}/dry",
            f"{day}T16:00:00+07:00",
            action="OBSERVE",
            bizStep="storing",
            disposition="in_progress",
            epcList=[],
            quantityList=[_qty(g, 18000)],
        )
        _ship(chain, collect, roastery, green, f"{ship_day}T07:00:00+07:00", [_qty(g, 18000)])
        chain.add(
            roastery,
            f"{roasted}/roast",
            f"{roast_day}T09:00:00+07:00",
            type="TransformationEvent",
            bizStep="commissioning",
            disposition="active",
            inputQuantityList=[_qty(g, 3000)],
            outputQuantityList=[_qty(r, 2400, "XPK")],
        )
        _ship(chain, roastery, shop, roasted, f"{sell_day}T07:00:00+07:00", [_qty(r, 200, "XPK")])
    return chain


def pork() -> _Chain:
    chain = _Chain("pork")
    farm, plant = _facility("Chuồng trại Kon Klor"), _facility("Cơ sở giết mổ Hòa Bình")
    cold, shop = _facility("Kho lạnh Hòa Bình"), _facility("Cửa hàng Lê Hồng Phong")
    pigs = f"https://id.gs1.org/01/{PIGS_GTIN}/10/HEO2611A"
    pork_lot = _lot("Thịt lợn mảnh Kon Tum")
    chain.add(
        farm,
        "pigs/raise",
        "2026-11-18T06:00:00+07:00",
        action="ADD",
        bizStep="commissioning",
        disposition="active",
        epcList=[],
        quantityList=[_qty(pigs, 12, "H87")],
    )
    _ship(chain, farm, plant, "pigs", "2026-11-19T07:00:00+07:00", [_qty(pigs, 12, "H87")])
    chain.add(
        plant,
        "pork/slaughter",
        "2026-11-20T03:00:00+07:00",
        type="TransformationEvent",
        bizStep="commissioning",
        disposition="active",
        inputQuantityList=[_qty(pigs, 12, "H87")],
        outputQuantityList=[_qty(pork_lot, 850)],
    )
    chain.add(
        cold,
        "pork/chill",
        "2026-11-20T06:00:00+07:00",
        action="OBSERVE",
        bizStep="storing",
        disposition="in_progress",
        epcList=[],
        quantityList=[_qty(pork_lot, 850)],
    )
    _ship(chain, cold, shop, "pork", "2026-11-21T07:00:00+07:00", [_qty(pork_lot, 120)])
    return chain


def ginseng() -> _Chain:
    chain = _Chain("ginseng")
    garden, plant = _facility("Vườn sâm dưới tán rừng Ngọc Linh"), _facility("Nhà sơ chế sâm Đăk Dơn")
    shop = _facility("Cửa hàng Lê Hồng Phong")
    fresh = _lot("Sâm Ngọc Linh tươi", "SNL2509A")
    wine = _lot("Rượu sâm Ngọc Linh", "RSNL2511")
    chain.add(
        garden,
        "SNL2509A/harvest",
        "2025-09-20T07:00:00+07:00",
        action="ADD",
        bizStep="commissioning",
        disposition="active",
        epcList=[],
        quantityList=[_qty(fresh, 12.5)],
    )
    chain.add(
        plant,
        "RSNL2511/make",
        "2025-11-05T09:00:00+07:00",
        type="TransformationEvent",
        bizStep="commissioning",
        disposition="active",
        inputQuantityList=[_qty(fresh, 3)],
        outputQuantityList=[_qty(wine, 300, "H87")],
    )
    _ship(chain, plant, shop, "RSNL2511", "2025-11-20T07:00:00+07:00", [_qty(wine, 60, "H87")])
    _ship(chain, garden, shop, "SNL2509A", "2025-09-22T07:00:00+07:00", [_qty(fresh, 2)])
    return chain


def build_event_chains(log: Callable[[str], None] = print) -> dict[str, int]:
    """Capture the demo chains; events already stored (same eventID) are left alone."""
    stored = duplicates = 0
    for chain in (coffee(), pork(), ginseng()):
        for org, events in chain.batches:
            known = set(
                Event.objects.filter(event_id__in=[e["eventID"] for e in events]).values_list("event_id", flat=True)
            )
            new = [e for e in events if e["eventID"] not in known]
            duplicates += len(events) - len(new)
            if not new:
                continue
            result = capture_events(actor=SYSTEM, organization=org, events=new, context=[CONTEXT_URL], source="demo")
            stored += len(result.stored)
            log(f"  + {len(result.stored)} sự kiện EPCIS ({chain.name}, {org.name})")
    return {"stored": stored, "already": duplicates}
