"""Builds the demo province through the services, so demo data passes every check real data does."""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.text import slugify
from PIL import Image, ImageDraw

from accounts.models import Membership, User
from accounts.permissions import SYSTEM
from catalog import services
from catalog.choices import LotStatus
from catalog.models import Certificate, Facility, GrowingArea, Lot, Organization, Product
from catalog.validators import tax_code_check_digit, with_check_digit
from demo.data import CERTIFICATES, FACILITIES, GROWING_AREAS, LOTS, ORGANIZATIONS, PRODUCTS, USERS
from workflows import publication


def tax_code(base: str) -> str:
    check = tax_code_check_digit(base)
    assert check is not None, base
    return f"{base}{check}"


def plot_polygon(lat: float, lon: float, hectares: float) -> dict[str, Any]:
    """An irregular pentagon of about `hectares` around (lat, lon), in GeoJSON (lon, lat) order."""
    # A regular pentagon of circumradius r has area (5/2) r² sin(72°).
    radius_m = math.sqrt(hectares * 10_000 / (2.5 * math.sin(math.radians(72))))
    metres_per_deg_lat = 111_320.0
    metres_per_deg_lon = 111_320.0 * math.cos(math.radians(lat))
    ring = []
    for i, wobble in enumerate((1.0, 0.93, 1.05, 0.97, 1.04)):
        angle = math.radians(90 + 72 * i)
        ring.append(
            [
                round(lon + radius_m * wobble * math.cos(angle) / metres_per_deg_lon, 6),
                round(lat + radius_m * wobble * math.sin(angle) / metres_per_deg_lat, 6),
            ]
        )
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def product_image(name: str, colour: str) -> SimpleUploadedFile:
    """A plain product picture (colour field with the product's initials) so demo lots carry an image."""
    image = Image.new("RGB", (480, 360), colour)
    draw = ImageDraw.Draw(image)
    initials = "".join(word[0] for word in name.split()[:3]).upper()
    draw.text((40, 150), initials, fill="white", font_size=96)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return SimpleUploadedFile(f"{slugify(name) or 'product'}.png", buffer.getvalue(), content_type="image/png")


DEMO_PASSWORDS = frozenset(password for _username, password, *_rest in USERS)


class DemoRefused(Exception):
    """The database holds organisations that are not the demo's: the demo, with its published passwords, must not
    be loaded into a real node."""


def demo_tax_codes() -> set[str]:
    return {tax_code(base) for _key, base, *_rest in ORGANIZATIONS}


def foreign_organizations() -> list[Organization]:
    """Organisations in the database other than the demo's own (by tax code)."""
    return list(Organization.objects.exclude(tax_code__in=demo_tax_codes()).order_by("id")[:5])


class DemoBuilder:
    """Creates what is missing and leaves what exists: running it twice changes nothing.

    Refuses (DemoRefused, nothing written) when the database already has organisations other than the demo's."""

    def __init__(self, log: Callable[[str], None] = print) -> None:
        self.log = log
        self.orgs: dict[str, Organization] = {}
        self.created = 0

    @transaction.atomic
    def build(self) -> dict[str, int]:
        foreign = foreign_organizations()
        if foreign:
            names = ", ".join(f"{org.name} ({org.tax_code})" for org in foreign)
            raise DemoRefused(
                "Cơ sở dữ liệu đã có tổ chức không thuộc dữ liệu demo, nên không nạp demo (tài khoản demo có mật "
                f"khẩu công khai): {names}. / The database already holds organisations that are not the demo's, "
                "so the demo (whose passwords are public) is not loaded. Use an empty database, e.g. another "
                "TRUYXUAT_DATA_DIR or TRUYXUAT_DATABASE_URL."
            )
        self._organizations()
        officer = self._users()
        self._facilities_and_areas()
        self._products()
        self._certificates()
        self._lots(officer)
        return {
            "organizations": Organization.objects.count(),
            "products": Product.objects.count(),
            "lots": Lot.objects.count(),
            "published_lots": Lot.objects.filter(status=LotStatus.PUBLISHED).count(),
            "created": self.created,
        }

    def _organizations(self) -> None:
        for key, base, name, kind, ward, district, street, prefix, phone in ORGANIZATIONS:
            code = tax_code(base)
            org = Organization.objects.filter(tax_code=code).first()
            if org is None:
                org = services.create_organization(
                    actor=SYSTEM,
                    data={
                        "name": name,
                        "kind": kind,
                        "tax_code": code,
                        "province_code": settings.TRUYXUAT_PROVINCE_CODE,
                        "ward_code": ward,
                        "legacy_district": district,
                        "street_address": street,
                        "gs1_company_prefix": prefix,
                        "gln": with_check_digit(f"{prefix}00000") if prefix else None,
                        "phone": phone,
                        "department": "Chi cục Tiêu chuẩn Đo lường Chất lượng" if kind == "agency" else "",
                    },
                )
                self.created += 1
                self.log(f"  + {org.name}")
            self.orgs[key] = org

    def _users(self) -> User:
        officer = None
        for username, password, first_name, role, org_key in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, first_name=first_name)
                user.set_password(password)
                if role == "admin":
                    user.is_superuser = user.is_staff = True
                if role == "agency":
                    user.agency = self.orgs[org_key]
                user.save()
                if role == "owner":
                    Membership.objects.create(user=user, organization=self.orgs[org_key], role="owner")
                self.created += 1
            if role == "agency":
                officer = user
        assert officer is not None
        return officer

    def _facilities_and_areas(self) -> None:
        self.facilities: dict[str, Facility] = {}
        for org_key, name, kind, lat, lon in FACILITIES:
            org = self.orgs[org_key]
            facility = Facility.objects.filter(organization=org, name=name).first()
            if facility is None:
                facility = services.create_facility(
                    actor=SYSTEM,
                    organization=org,
                    data={
                        "name": name,
                        "kind": kind,
                        "ward_code": org.ward_code,
                        "street_address": org.street_address,
                        "latitude": Decimal(str(lat)),
                        "longitude": Decimal(str(lon)),
                    },
                )
                self.created += 1
            self.facilities[name] = facility
        for org_key, facility_name, code, name, crop, ward, hectares in GROWING_AREAS:
            if GrowingArea.objects.filter(code=code).exists():
                continue
            facility = self.facilities[facility_name]
            services.create_growing_area(
                actor=SYSTEM,
                organization=self.orgs[org_key],
                data={
                    "facility": facility,
                    "code": code,
                    "name": name,
                    "crop": crop,
                    "ward_code": ward,
                    "declared_area_ha": hectares,
                    "boundary": plot_polygon(
                        float(facility.latitude or 0), float(facility.longitude or 0), float(hectares)
                    ),
                },
            )
            self.created += 1

    def _products(self) -> None:
        for org_key, name, category, brand, stars, shelf_life, standards, colour in PRODUCTS:
            org = self.orgs[org_key]
            if Product.objects.filter(organization=org, name=name).exists():
                continue
            services.create_product(
                actor=SYSTEM,
                organization=org,
                data={
                    "name": name,
                    "category": category,
                    "brand": brand,
                    "ocop_stars": stars,
                    "shelf_life_days": shelf_life,
                    "standards": standards,
                },
                image=product_image(name, colour),
            )
            self.created += 1

    def _certificates(self) -> None:
        for org_key, kind, number, issuer, valid_from, valid_to, scope, target in CERTIFICATES:
            org = self.orgs[org_key]
            if Certificate.objects.filter(organization=org, number=number).exists():
                continue
            data: dict[str, Any] = {
                "kind": kind,
                "number": number,
                "issuer": issuer,
                "valid_from": dt.date.fromisoformat(valid_from),
                "valid_to": dt.date.fromisoformat(valid_to),
                "scope": scope,
            }
            if scope == "growing_area":
                data["growing_area"] = GrowingArea.objects.get(code=target)
            elif scope == "product":
                data["product"] = Product.objects.get(organization=org, name=target)
            services.create_certificate(actor=SYSTEM, organization=org, data=data)
            self.created += 1

    def _lots(self, officer: User) -> None:
        for product_name, code, produced, quantity, unit, areas, status in LOTS:
            product = Product.objects.get(name=product_name)
            if Lot.objects.filter(product=product, lot_code=code).exists():
                continue
            origin = list(GrowingArea.objects.filter(code__in=areas))
            lot = services.create_lot(
                actor=SYSTEM,
                product=product,
                data={
                    "lot_code": code,
                    "production_date": dt.date.fromisoformat(produced),
                    "quantity": quantity,
                    "unit": unit,
                },
                origin_areas=origin,
            )
            if status in ("submitted", "published"):
                lot = publication.submit_lot(actor=SYSTEM, lot=lot)
            if status == "published":
                publication.publish_lot(actor=officer, lot=lot, reason="Dữ liệu demo")
            self.created += 1
