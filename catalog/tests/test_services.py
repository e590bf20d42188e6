"""Business rules of the catalogue services: what is refused, what is recorded."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from biip.gtin import Gtin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from catalog import services
from catalog.models import Certificate, GrowingArea, Lot, Organization, Product
from catalog.tests.factories import GrowingAreaFactory, LotFactory, ProductFactory
from core.models import AuditEntry
from demo.catalog import plot_polygon
from ledger.models import LedgerLeaf
from ledger.records import record_bytes

# the smallest PDF that parses (core.uploads refuses one whose objects cannot be read)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\nstartxref\n0\n%%EOF\n"
)


def _org_data(**extra):
    data = {
        "name": "HTX Mới",
        "kind": "cooperative",
        "tax_code": "0314409058",
        "ward_code": 23425,
        "street_address": "Thôn 1",
    }
    data.update(extra)
    return data


def test_self_registration_is_pending_and_makes_owner(consumer):
    org = services.register_organization(actor=consumer, data=_org_data())
    assert org.status == "pending"
    assert Membership.objects.get(user=consumer, organization=org).role == "owner"
    entry = AuditEntry.objects.get(object_type="catalog.organization", object_id=str(org.pk))
    assert entry.actor == consumer
    assert entry.action == "create"
    assert entry.after["tax_code"] == "0314409058"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"tax_code": "0314409059"}, "tax_code"),
        ({"gln": "8930000000018"}, "gln"),
        ({"ward_code": 1}, "ward_code"),
        ({"kind": "agency"}, "kind"),
        ({"name": "  "}, "name"),
    ],
)
def test_registration_refuses_bad_input_and_stores_nothing(consumer, data, field):
    with pytest.raises(ValidationError) as info:
        services.register_organization(actor=consumer, data=_org_data(**data))
    assert field in info.value.message_dict
    assert Organization.objects.count() == 0
    assert Membership.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_duplicate_tax_code_refused(consumer, organization):
    with pytest.raises(ValidationError) as info:
        services.register_organization(actor=consumer, data=_org_data(tax_code=organization.tax_code))
    assert info.value.message_dict == {"tax_code": ["Mã số thuế này đã được đăng ký."]}


def test_approval_allocates_gln_and_appends_ledger_leaf(officer):
    org = services.register_organization(actor=UserFactory(), data=_org_data())
    assert org.gln is None
    services.approve_organization(actor=officer, organization=org, reason="Hồ sơ đầy đủ")
    org.refresh_from_db()
    assert org.status == "approved"
    assert org.gln is not None and org.gln.startswith("8930000")
    leaf = LedgerLeaf.objects.get(record_type="catalog.organization", record_id=str(org.pk))
    assert bytes(leaf.data) == record_bytes(org)
    # RFC 9162 leaf over the record's digest (ARCHITECTURE §4): SHA-256(0x00 || SHA-256(canonical JSON))
    assert bytes(leaf.leaf_hash) == hashlib.sha256(b"\x00" + hashlib.sha256(record_bytes(org)).digest()).digest()
    audit = AuditEntry.objects.get(action="approve")
    assert audit.before["status"] == "pending"
    assert audit.after["status"] == "approved"
    assert audit.reason == "Hồ sơ đầy đủ"


def test_product_without_gtin_gets_valid_provincial_gtin(producer, organization):
    organization.gs1_company_prefix = ""
    organization.save()
    first = services.create_product(actor=producer, organization=organization, data={"name": "A", "category": "rice"})
    second = services.create_product(actor=producer, organization=organization, data={"name": "B", "category": "rice"})
    assert first.gtin == "0" + "893000000001" + str(Gtin.parse(first.gtin).check_digit)
    assert Gtin.parse(second.gtin).payload.endswith("00002")
    assert first.priority_group == "UT1"
    assert first.risk_class == "medium"


def test_product_gtin_check_digit_and_duplicates(producer, organization):
    with pytest.raises(ValidationError) as info:
        services.create_product(
            actor=producer, organization=organization, data={"name": "A", "category": "rice", "gtin": "8934567000018"}
        )
    assert "gtin" in info.value.message_dict
    services.create_product(
        actor=producer, organization=organization, data={"name": "A", "category": "rice", "gtin": "8934567000017"}
    )
    with pytest.raises(ValidationError) as info:
        services.create_product(
            actor=producer, organization=organization, data={"name": "B", "category": "rice", "gtin": "08934567000017"}
        )
    assert info.value.message_dict == {"gtin": ["GTIN này đã được đăng ký cho sản phẩm khác."]}
    assert Product.objects.count() == 1


def test_product_image_type_checked_by_content(producer, organization):
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png")
    with pytest.raises(ValidationError) as info:
        services.create_product(
            actor=producer, organization=organization, data={"name": "A", "category": "rice"}, image=fake
        )
    assert "image" in info.value.message_dict
    assert Product.objects.count() == 0


def test_growing_area_area_compared_with_declared(producer, organization):
    boundary = plot_polygon(14.5, 108.0, 2.0)
    with pytest.raises(ValidationError) as info:
        services.create_growing_area(
            actor=producer,
            organization=organization,
            data={"code": "VT-1", "name": "V", "crop": "Cà phê", "declared_area_ha": "5", "boundary": boundary},
        )
    assert "lệch" in info.value.message_dict["declared_area_ha"][0]
    area = services.create_growing_area(
        actor=producer,
        organization=organization,
        data={"code": "VT-1", "name": "V", "crop": "Cà phê", "declared_area_ha": "2", "boundary": boundary},
    )
    assert float(area.computed_area_ha) == pytest.approx(2.0, rel=0.08)
    assert GrowingArea.objects.count() == 1


def test_self_intersecting_growing_area_refused(producer, organization):
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[108, 14.5], [108.01, 14.51], [108.01, 14.5], [108, 14.51], [108, 14.5]]],
    }
    with pytest.raises(ValidationError) as info:
        services.create_growing_area(
            actor=producer,
            organization=organization,
            data={"code": "VT-1", "name": "V", "crop": "x", "declared_area_ha": "1", "boundary": bowtie},
        )
    assert list(info.value.message_dict) == ["boundary"]
    assert GrowingArea.objects.count() == 0


def _cert(**extra):
    data = {
        "kind": "vietgap",
        "number": "VG-1",
        "issuer": "QUACERT",
        "valid_from": dt.date(2026, 1, 1),
        "valid_to": dt.date(2028, 1, 1),
        "scope": "organization",
    }
    data.update(extra)
    return data


def test_certificate_dates_and_overlap(producer, organization):
    with pytest.raises(ValidationError) as info:
        services.create_certificate(actor=producer, organization=organization, data=_cert(valid_to=dt.date(2025, 1, 1)))
    assert "valid_to" in info.value.message_dict
    services.create_certificate(actor=producer, organization=organization, data=_cert())
    with pytest.raises(ValidationError) as info:
        services.create_certificate(
            actor=producer,
            organization=organization,
            data=_cert(valid_from=dt.date(2027, 6, 1), valid_to=dt.date(2030, 1, 1)),
        )
    assert "chồng lấn" in info.value.message_dict["valid_from"][0]
    services.create_certificate(
        actor=producer,
        organization=organization,
        data=_cert(valid_from=dt.date(2028, 1, 2), valid_to=dt.date(2031, 1, 1)),
    )
    assert Certificate.objects.count() == 2


def test_certificate_upload_size_and_type(producer, organization, settings):
    settings.TRUYXUAT_MAX_UPLOAD_BYTES = 1000
    big = SimpleUploadedFile("c.pdf", PDF + b"0" * 2000, content_type="application/pdf")
    with pytest.raises(ValidationError) as info:
        services.create_certificate(actor=producer, organization=organization, data=_cert(), document=big)
    assert "quá lớn" in info.value.message_dict["document"][0]
    exe = SimpleUploadedFile("c.pdf", b"MZ" + b"0" * 100, content_type="application/pdf")
    with pytest.raises(ValidationError) as info:
        services.create_certificate(actor=producer, organization=organization, data=_cert(), document=exe)
    assert "Loại tệp" in info.value.message_dict["document"][0]
    assert Certificate.objects.count() == 0
    ok = SimpleUploadedFile("c.pdf", PDF, content_type="application/pdf")
    cert = services.create_certificate(actor=producer, organization=organization, data=_cert(), document=ok)
    assert cert.document.read() == PDF


def test_certificate_scope_target_must_be_own(producer, organization, other_organization):
    foreign_area = GrowingAreaFactory(organization=other_organization)
    with pytest.raises(ValidationError) as info:
        services.create_certificate(
            actor=producer, organization=organization, data=_cert(scope="growing_area", growing_area=foreign_area)
        )
    assert "growing_area" in info.value.message_dict


def test_duplicate_lot_code_refused(producer, organization):
    product = ProductFactory(organization=organization)
    data = {"lot_code": "A1", "production_date": dt.date(2026, 11, 1), "quantity": "10"}
    services.create_lot(actor=producer, product=product, data=data)
    with pytest.raises(ValidationError) as info:
        services.create_lot(actor=producer, product=product, data=data)
    assert info.value.message_dict == {"lot_code": ["Số lô A1 đã có cho sản phẩm này."]}
    assert Lot.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"lot_code": "lô 1"}, "lot_code"),
        ({"lot_code": "X" * 21}, "lot_code"),
        ({"quantity": "-3"}, "quantity"),
        ({"quantity": "abc"}, "quantity"),
        ({"expiry_date": dt.date(2026, 1, 1)}, "expiry_date"),
        ({"unit": "bags"}, "unit"),
    ],
)
def test_lot_bad_input(producer, organization, data, field):
    product = ProductFactory(organization=organization)
    values = {"lot_code": "A1", "production_date": dt.date(2026, 11, 1), "quantity": "10"}
    values.update(data)
    with pytest.raises(ValidationError) as info:
        services.create_lot(actor=producer, product=product, data=values)
    assert field in info.value.message_dict
    assert Lot.objects.count() == 0


def test_expiry_defaults_from_shelf_life(producer, organization):
    product = ProductFactory(organization=organization, shelf_life_days=30)
    lot = services.create_lot(
        actor=producer,
        product=product,
        data={"lot_code": "A1", "production_date": dt.date(2026, 11, 1), "quantity": "1"},
    )
    assert lot.expiry_date == dt.date(2026, 12, 1)


def test_publication_refused_naming_what_is_missing(producer, officer, organization):
    product = ProductFactory(organization=organization, brand="", image=None)
    lot = LotFactory(product=product, expiry_date=None, status="submitted")
    with pytest.raises(ValidationError) as info:
        services.mark_published(actor=officer, lot=lot)
    assert info.value.messages == [
        "Chưa thể công bố: còn thiếu ảnh sản phẩm, vùng trồng nguồn gốc, nhãn hiệu, hạn sử dụng."
    ]
    lot.refresh_from_db()
    assert lot.status == "submitted"
    assert LedgerLeaf.objects.filter(record_type="catalog.lot").count() == 0


def test_submit_and_publish_record_ledger_leaf(producer, officer, organization):
    lot = LotFactory(
        product=ProductFactory(organization=organization), origin_areas=[GrowingAreaFactory(organization=organization)]
    )
    services.mark_submitted(actor=producer, lot=lot)
    services.mark_published(actor=officer, lot=lot)
    lot.refresh_from_db()
    assert lot.status == "published"
    assert lot.published_at is not None
    leaf = LedgerLeaf.objects.get(record_type="catalog.lot", record_id=str(lot.pk))
    assert bytes(leaf.data) == record_bytes(lot)
    assert [e.action for e in AuditEntry.objects.filter(object_type="catalog.lot").order_by("id")] == [
        "submit",
        "publish",
    ]


def test_pending_organization_cannot_submit(producer, organization):
    organization.status = "pending"
    organization.save()
    lot = LotFactory(
        product=ProductFactory(organization=organization), origin_areas=[GrowingAreaFactory(organization=organization)]
    )
    with pytest.raises(ValidationError, match="chưa được duyệt"):
        services.mark_submitted(actor=producer, lot=lot)
