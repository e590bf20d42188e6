"""A demo coffee export: two cooperatives' plots, harvests shipped to a roaster, roasted, shipped to a buyer."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from catalog.models import GrowingArea, Organization, PriorityCategory
from catalog.tests.factories import GrowingAreaFactory, OrganizationFactory, ProductFactory
from diary.tests.factories import days_ago
from logistics import services


def plot_polygon(lat: float, lon: float, hectares: float) -> dict[str, Any]:
    """A square of about `hectares` with its south-west corner at (lat, lon), six decimals, GeoJSON order."""
    side = math.sqrt(hectares * 10_000)
    dlat = side / 110_574.0
    dlon = side / (111_320.0 * math.cos(math.radians(lat + dlat / 2)))
    a, b, c, d = (lon, lat), (lon + dlon, lat), (lon + dlon, lat + dlat), (lon, lat + dlat)
    ring = [[round(x, 6), round(y, 6)] for x, y in (a, b, c, d, a)]
    return {"type": "Polygon", "coordinates": [ring]}


@dataclass
class Chain:
    coops: list[Organization]
    areas: list[GrowingArea]
    roaster: Organization
    roaster_user: Any
    shipment: Any
    harvests: list[Any]
    roasted: Any


def member(org: Organization, name: str) -> Any:
    user = UserFactory(username=name)
    Membership.objects.create(user=user, organization=org, role="owner")
    return user


def coffee_export(hectares: tuple[float, float] = (3.0, 6.5), category: str = "coffee") -> Chain:
    kind = PriorityCategory.objects.get(code=category)
    roaster = OrganizationFactory(name="Công ty Rang xay Đăk Hà", kind="processor")
    roaster_user = member(roaster, "rangxay")
    coops, areas, harvests = [], [], []
    for i, ha in enumerate(hectares):
        coop = OrganizationFactory(name=f"HTX Cà phê {i + 1}")
        user = member(coop, f"htx{i + 1}")
        lat, lon = 14.53 + i * 0.02, 107.92 + i * 0.02
        area = GrowingAreaFactory(
            organization=coop,
            code=f"VT-51-DHA-{i + 1:04d}",
            name=f"Vùng cà phê {i + 1}",
            declared_area_ha=Decimal(str(ha)),
            computed_area_ha=Decimal(str(ha)),
            boundary=plot_polygon(lat, lon, ha),
        )
        product = ProductFactory(organization=coop, name=f"Cà phê nhân {i + 1}", category=kind)
        lot = services.harvest(
            actor=user,
            organization=coop,
            data={"product": product, "growing_area": area, "quantity": "1000", "harvested_at": days_ago(20 - i)},
        )
        sent = services.create_shipment(
            actor=user,
            organization=coop,
            data={"receiver": roaster.tax_code, "lines": [{"lot": lot, "quantity": "1000"}]},
        )
        services.confirm_receipt(actor=roaster_user, shipment=sent)
        coops.append(coop)
        areas.append(area)
        harvests.append(lot)
    roasted_product = ProductFactory(organization=roaster, name="Cà phê rang xay Đăk Hà", category=kind)
    made = services.transform(
        actor=roaster_user,
        organization=roaster,
        data={
            "process": "roasting",
            "inputs": [{"lot": lot.pk, "quantity": "1000"} for lot in harvests],
            "outputs": [{"product": roasted_product.pk, "quantity": "1600", "unit": "KGM"}],
            "occurred_at": days_ago(5),
        },
    )
    roasted = made.outputs.get()
    shipment = services.create_shipment(
        actor=roaster_user,
        organization=roaster,
        data={
            "buyer_name": "Kaffee Import GmbH",
            "buyer_phone": "0905 123 456",
            "lines": [{"lot": roasted, "quantity": "1500"}],
        },
    )
    return Chain(coops, areas, roaster, roaster_user, shipment, harvests, roasted)
