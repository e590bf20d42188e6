"""Data for the consumer journey: a lot published through the services, EPCIS steps, a stamp batch."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from accounts.permissions import SYSTEM
from catalog import services as catalog_services
from catalog.tests.factories import (
    CertificateFactory,
    FacilityFactory,
    GrowingAreaFactory,
    OrganizationFactory,
    ProductFactory,
)
from ledger.services import append_record
from workflows import publication


def published_lot(officer: Any, lot_code: str = "CP2611-01") -> Any:
    org = OrganizationFactory(
        name="Hợp tác xã Cà phê Đăk Hà", phone="0260 3820 456", province_code=officer.agency.province_code
    )
    farm = FacilityFactory(organization=org, name="Vùng cà phê Thôn 4", kind="farm")
    shop = FacilityFactory(organization=org, name="Cửa hàng Lê Hồng Phong", kind="shop")
    area = GrowingAreaFactory(organization=org, facility=farm, name="Vùng Robusta Thôn 4", code=f"VT-51-{lot_code}")
    product = ProductFactory(organization=org, name="Cà phê nhân Robusta Đăk Hà", ocop_stars=4)
    cert = CertificateFactory(
        organization=org, kind="organic", number="HC-2024-1", scope="growing_area", growing_area=area
    )
    for obj in (org, product, cert):
        with transaction.atomic():
            append_record(obj)
    lot = catalog_services.create_lot(
        actor=SYSTEM,
        product=product,
        data={
            "lot_code": lot_code,
            "production_date": dt.date(2026, 11, 2),
            "quantity": "1800",
            "unit": "KGM",
            "expiry_date": dt.date(2027, 11, 2),
        },
        origin_areas=[area],  # type: ignore[list-item]
    )
    publication.submit_lot(actor=SYSTEM, lot=lot)
    lot = publication.publish_lot(actor=officer, lot=lot, reason="Đủ hồ sơ")
    capture_chain(lot, farm, shop)
    return lot


def capture_chain(lot: Any, farm: Any, shop: Any) -> None:
    from events.services.capture import capture_events

    epc_class = f"https://id.gs1.org/01/{lot.product.gtin}/10/{lot.lot_code}"
    events = [
        {
            "type": "ObjectEvent",
            "eventTime": "2026-11-02T08:00:00+07:00",
            "eventTimeZoneOffset": "+07:00",
            "action": "ADD",
            "bizStep": "commissioning",
            "quantityList": [{"epcClass": epc_class, "quantity": 1800, "uom": "KGM"}],
            "bizLocation": {"id": f"https://id.gs1.org/414/{farm.gln}"},
        },
        {
            "type": "ObjectEvent",
            "eventTime": "2026-11-05T09:30:00+07:00",
            "eventTimeZoneOffset": "+07:00",
            "action": "OBSERVE",
            "bizStep": "retail_selling",
            "quantityList": [{"epcClass": epc_class, "quantity": 10, "uom": "KGM"}],
            "bizLocation": {"id": f"https://id.gs1.org/414/{shop.gln}"},
        },
    ]
    capture_events(actor=SYSTEM, organization=lot.product.organization, events=events)
