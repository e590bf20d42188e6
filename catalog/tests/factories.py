"""Factories for the catalogue; keys carry valid check digits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from catalog.models import Certificate, Facility, GrowingArea, Lot, Organization, PriorityCategory, Product
from catalog.validators import tax_code_check_digit
from demo.catalog import plot_polygon
from gs1.keys import with_check_digit


def _tax_code(n: int) -> str:
    base = n
    while True:
        nine = f"61{base:07d}"
        check = tax_code_check_digit(nine)
        if check is not None:
            return f"{nine}{check}"
        base += 100_000


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Hợp tác xã Thử nghiệm {n}")
    kind = "cooperative"
    tax_code = factory.Sequence(lambda n: _tax_code(n + 1))
    gln = factory.Sequence(lambda n: with_check_digit(f"893999{n:06d}"))
    province_code = 51
    ward_code = 23425
    street_address = "Thôn Đăk Dơn"
    status = "approved"


class AgencyFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"Sở Thử nghiệm {n}")
    kind = "agency"


class FacilityFactory(factory.django.DjangoModelFactory[Facility]):
    class Meta:
        model = Facility

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Cơ sở {n}")
    kind = "farm"
    gln = factory.Sequence(lambda n: with_check_digit(f"893888{n:06d}"))
    province_code = 51
    latitude = Decimal("14.9")
    longitude = Decimal("107.9")


class GrowingAreaFactory(factory.django.DjangoModelFactory[GrowingArea]):
    class Meta:
        model = GrowingArea

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"VT-TEST-{n:04d}")
    name = factory.Sequence(lambda n: f"Vùng {n}")
    crop = "Cà phê"
    declared_area_ha = Decimal("2.0")
    boundary = factory.LazyFunction(lambda: plot_polygon(14.5, 107.9, 2.0))
    computed_area_ha = Decimal("2.0")


class ProductFactory(factory.django.DjangoModelFactory[Product]):
    class Meta:
        model = Product

    organization = factory.SubFactory(OrganizationFactory)
    gtin = factory.Sequence(lambda n: "0" + with_check_digit(f"893777{n:06d}"))
    name = factory.Sequence(lambda n: f"Sản phẩm {n}")
    category = factory.LazyFunction(lambda: PriorityCategory.objects.get(code="coffee"))
    priority_group = "UT1"
    risk_class = "medium"
    brand = "Nhãn thử"
    image = factory.django.ImageField(width=20, height=20, format="PNG")


class LotFactory(factory.django.DjangoModelFactory[Lot]):
    class Meta:
        model = Lot
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory)
    lot_code = factory.Sequence(lambda n: f"L{n:05d}")
    production_date = dt.date(2026, 10, 1)
    expiry_date = dt.date(2027, 10, 1)
    quantity = Decimal("100")
    unit = "KGM"
    status = "draft"

    @factory.post_generation
    def origin_areas(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.origin_areas.set(extracted)


class CertificateFactory(factory.django.DjangoModelFactory[Certificate]):
    class Meta:
        model = Certificate

    organization = factory.SubFactory(OrganizationFactory)
    kind = "vietgap"
    number = factory.Sequence(lambda n: f"VG-{n:05d}")
    issuer = "QUACERT"
    valid_from = dt.date(2025, 1, 1)
    valid_to = dt.date(2028, 1, 1)
    scope = "organization"
