"""Imports from other systems: the Excel template with Vietnamese numbers, EPCIS documents, the mapping made once."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from catalog.tests.factories import FacilityFactory, LotFactory, ProductFactory
from core.tests.jobs import run_jobs
from events.models import Event
from exchange.imports import sheet
from exchange.imports.services import preview, save_mapping, start, upload

HEAD = [f"{vi} / {en}" for _k, vi, en in sheet.COLUMNS]


def workbook(*rows: list[object]) -> bytes:
    wb = Workbook()
    wb.active.append(HEAD)
    for row in rows:
        wb.active.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_template_reads_back_with_its_vietnamese_number():
    (row,) = sheet.read(sheet.template())
    assert row.errors == []
    assert (row.quantity, row.unit, row.step, row.lot) == (
        Decimal("1234.5"),
        "KGM",
        ("commissioning", "ADD"),
        "TH2611-01",
    )


def test_every_bad_row_is_named_and_nothing_starts(producer, organization):
    data = workbook(
        ["31/02/2026", "thu hoạch", "SP1", "L1", "1.234,5", "kg", "V1"],
        ["01/12/2026 08:00", "phơi", "SP1", "L1", "1,2,3", "bao", "V1"],
        ["01/12/2026 08:00", "gửi hàng", "", "", "", "kg", ""],
    )
    batch = upload(actor=producer, organization=organization, filename="x.xlsx", data=data)
    p = preview(batch)
    assert [(r.number, len(r.errors)) for r in p.row_errors] == [(2, 1), (3, 3), (4, 4)]
    assert "Ngày giờ không đọc được" in p.row_errors[0].errors[0]
    with pytest.raises(ValidationError):
        start(actor=producer, batch=batch)
    assert Event.objects.count() == 0


def test_a_sheet_is_mapped_once_imported_whole_and_again_stores_nothing_new(producer, organization):
    product = ProductFactory(organization=organization)
    farm = FacilityFactory(organization=organization)
    data = workbook(
        ["15/11/2026 07:30", "Thu hoạch", "CF-01", "TH01", "1.234,5", "kg", "VUON-A"],
        ["16/11/2026 09:00", "đóng gói", "CF-01", "TH01", 1200, "kg", "VUON-A"],
    )
    batch = upload(actor=producer, organization=organization, filename="vu-mua.xlsx", data=data)
    assert preview(batch).unmapped == {"product": ["CF-01"], "location": ["VUON-A"]}
    with pytest.raises(ValidationError):
        save_mapping(actor=producer, organization=organization, kind="product", foreign_code="CF-01", target="123")
    save_mapping(actor=producer, organization=organization, kind="product", foreign_code="CF-01", target=product.gtin)
    save_mapping(actor=producer, organization=organization, kind="location", foreign_code="VUON-A", target=farm.gln)
    assert preview(batch).ok
    start(actor=producer, batch=batch)
    assert run_jobs() == 1
    batch.refresh_from_db()
    assert (batch.status, batch.rows, batch.done, batch.stored, batch.duplicates) == ("done", 2, 2, 2, 0)
    event = Event.objects.order_by("id").first()
    body = json.loads(event.body) if isinstance(event.body, str) else event.body
    assert body["quantityList"][0]["quantity"] == 1234.5
    assert body["quantityList"][0]["epcClass"] == f"https://id.gs1.org/01/{product.gtin}/10/TH01"
    again = upload(actor=producer, organization=organization, filename="lai.xlsx", data=data)
    assert preview(again).unmapped == {"product": [], "location": []}
    start(actor=producer, batch=again)
    run_jobs()
    again.refresh_from_db()
    assert (again.status, again.stored, again.duplicates) == ("done", 0, 2)
    assert Event.objects.count() == 2


def test_an_epcis_document_with_foreign_identifiers(producer, organization, other_producer):
    product = ProductFactory(organization=organization)
    LotFactory(product=product, lot_code="L-77")
    plant = FacilityFactory(organization=organization)
    doc = {
        "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-11-20T08:00:00+07:00",
        "epcisBody": {
            "eventList": [
                {
                    "type": "ObjectEvent",
                    "eventTime": "2026-11-20T07:00:00+07:00",
                    "eventTimeZoneOffset": "+07:00",
                    "action": "OBSERVE",
                    "bizStep": "shipping",
                    "quantityList": [{"epcClass": "https://erp.example/lot/42", "quantity": 10, "uom": "KGM"}],
                    "readPoint": {"id": "urn:acme:loc:7"},
                }
            ]
        },
    }
    data = json.dumps(doc).encode()
    batch = upload(actor=producer, organization=organization, filename="erp.jsonld", data=data)
    assert preview(batch).unmapped == {"lot": ["https://erp.example/lot/42"], "location": ["urn:acme:loc:7"]}
    save_mapping(
        actor=producer,
        organization=organization,
        kind="lot",
        foreign_code="https://erp.example/lot/42",
        target=f"{product.gtin}/L-77",
    )
    save_mapping(
        actor=producer, organization=organization, kind="location", foreign_code="urn:acme:loc:7", target=plant.gln
    )
    start(actor=producer, batch=batch)
    run_jobs()
    batch.refresh_from_db()
    assert (batch.status, batch.stored) == ("done", 1), batch.error
    with pytest.raises(PermissionDenied):
        upload(actor=other_producer, organization=organization, filename="x.json", data=data)


def test_a_cooperative_imports_its_sheet_on_the_pages(client, producer, organization):
    product = ProductFactory(organization=organization, name="Cà phê nhân")
    farm = FacilityFactory(organization=organization, name="Vườn Đắk Hà")
    client.force_login(producer)
    assert client.get("/trao-doi/nhap-du-lieu/mau.xlsx").status_code == 200
    bad = client.post("/trao-doi/nhap-du-lieu/", {"file": io.BytesIO(b"%PDF-1.7 not a sheet")})
    assert bad.status_code == 400 and "Chỉ nhận bảng Excel theo mẫu" in bad.content.decode()
    data = io.BytesIO(workbook(["15/11/2026 07:30", "thu hoạch", "CF-01", "TH01", "1.234,5", "kg", "VUON-A"]))
    data.name = "vu-mua.xlsx"
    detail = client.post("/trao-doi/nhap-du-lieu/", {"file": data})
    url = detail["Location"]
    page = client.get(url).content.decode()
    assert "Ánh xạ" in page and "CF-01" in page and f"{product.gtin} — Cà phê nhân" in page and "disabled" in page
    client.post(url, {"action": "map", "kind": "product", "code": "CF-01", "target": f"{product.gtin} — Cà phê nhân"})
    client.post(url, {"action": "map", "kind": "location", "code": "VUON-A", "target": f"{farm.gln} — Vườn Đắk Hà"})
    page = client.get(url).content.decode()
    assert "1.234,5 kg" in page and "Ánh xạ" not in page
    client.post(url, {"action": "start"})
    assert "Đang chờ nhập" in client.get(url).content.decode()
    run_jobs()
    page = client.get(url).content.decode()
    assert "Đã ghi 1 sự kiện mới" in page and 'value="1"' in page
    assert "CF-01" in client.get("/trao-doi/nhap-du-lieu/").content.decode()
