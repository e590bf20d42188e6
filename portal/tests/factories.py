"""A published lot with its producer, origin area and certificates, as the public pages show it."""

from __future__ import annotations

import datetime as dt

from catalog.tests.factories import (
    CertificateFactory,
    FacilityFactory,
    GrowingAreaFactory,
    LotFactory,
    OrganizationFactory,
    ProductFactory,
)


def published_lot(lot_code="CP2611-01", status="published", **product_kwargs):  # type: ignore[no-untyped-def]
    org = OrganizationFactory(name="Hợp tác xã Cà phê Đăk Hà", phone="0260 3820 456")
    facility = FacilityFactory(organization=org, name="Vùng cà phê Thôn 4")
    area = GrowingAreaFactory(organization=org, facility=facility, name="Vùng Robusta Thôn 4", code="VT-51-DHA-9001")
    product = ProductFactory(organization=org, name="Cà phê nhân Robusta Đăk Hà", ocop_stars=4, **product_kwargs)
    lot = LotFactory(product=product, lot_code=lot_code, status=status, origin_areas=[area])
    lot.published_at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    lot.save()
    CertificateFactory(organization=org, kind="organic", number="HC-2024-1", scope="growing_area", growing_area=area)
    CertificateFactory(
        organization=org,
        kind="vietgap",
        number="VG-2022-9",
        scope="organization",
        valid_from=dt.date(2022, 1, 1),
        valid_to=dt.date(2025, 1, 1),
    )
    return lot
