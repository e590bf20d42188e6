"""A coffee chain with places on the map: a farm's green beans (18.000 kg) are shipped to a roaster, roasted into
2.400 packages, shipped to a shop. Captured through the real capture service; every party has a facility with a GLN
and coordinates."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from accounts.permissions import SYSTEM
from catalog.tests.factories import FacilityFactory, LotFactory, OrganizationFactory, ProductFactory
from events.services import capture_events
from events.tests.helpers import lgtin, object_event, transformation


@dataclass
class Coffee:
    farm: Any
    roaster: Any
    shop: Any
    beans: Any  # the farm's lot, 18.000 kg
    roast: Any  # the roaster's lot, 2.400 packages
    places: dict[str, Any]


def dl(gln: str) -> str:
    return f"https://id.gs1.org/414/{gln}"


def _move(objects: list[str], step: str, time: str, src: Any, dst: Any) -> dict[str, Any]:
    where = src if step == "shipping" else dst
    return object_event(
        objects,
        biz_step=step,
        action="OBSERVE",
        time=time,
        location=dl(where.gln),
        sourceList=[{"type": "owning_party", "source": dl(src.gln)}],
        destinationList=[{"type": "owning_party", "destination": dl(dst.gln)}],
    )


def capture_roast(coffee: Coffee, beans: Any, roast: Any, time: str = "2026-11-04T08:00:00+07:00") -> None:
    """The roaster turns `beans` into `roast` (a transformation event)."""
    a, b = lgtin(beans.product.gtin, beans.lot_code), lgtin(roast.product.gtin, roast.lot_code)
    capture_events(actor=SYSTEM, organization=coffee.roaster, events=[transformation([a], [b], time=time)])


def coffee_chain(farm: Any = None, roaster: Any = None) -> Coffee:
    farm = farm or OrganizationFactory(name="HTX Cà phê Đăk Hà")
    roaster = roaster or OrganizationFactory(name="Công ty Rang xay Măng Đen")
    shop = OrganizationFactory(name="Cửa hàng Nông sản Kon Tum")
    places = {
        "farm": FacilityFactory(
            organization=farm, name="Vườn cà phê thôn 3", latitude=Decimal("14.62"), longitude=Decimal("107.86")
        ),
        "plant": FacilityFactory(
            organization=roaster, name="Xưởng rang Măng Đen", latitude=Decimal("14.60"), longitude=Decimal("108.28")
        ),
        "shop": FacilityFactory(
            organization=shop, name="Quầy số 1", latitude=Decimal("14.35"), longitude=Decimal("108.00")
        ),
    }
    beans = LotFactory(
        product=ProductFactory(organization=farm, name="Cà phê nhân Robusta"),
        lot_code="CP-01",
        quantity=Decimal("18000"),
        unit="KGM",
        status="published",
    )
    roast = LotFactory(
        product=ProductFactory(organization=roaster, name="Cà phê rang xay Măng Đen"),
        lot_code="RX-01",
        quantity=Decimal("2400"),
        unit="XPK",
        status="published",
    )
    coffee = Coffee(farm=farm, roaster=roaster, shop=shop, beans=beans, roast=roast, places=places)
    a, b = lgtin(beans.product.gtin, "CP-01"), lgtin(roast.product.gtin, "RX-01")
    capture_events(
        actor=SYSTEM,
        organization=farm,
        events=[
            object_event([a], time="2026-11-01T08:00:00+07:00", location=dl(places["farm"].gln)),
            _move([a], "shipping", "2026-11-02T08:00:00+07:00", places["farm"], places["plant"]),
        ],
    )
    capture_events(
        actor=SYSTEM,
        organization=roaster,
        events=[_move([a], "receiving", "2026-11-03T08:00:00+07:00", places["farm"], places["plant"])],
    )
    capture_roast(coffee, beans, roast)
    capture_events(
        actor=SYSTEM,
        organization=roaster,
        events=[_move([b], "shipping", "2026-11-06T08:00:00+07:00", places["plant"], places["shop"])],
    )
    return coffee
