"""Numbers typed on the farmer's pages: read the Vietnamese way, asked back when ambiguous, shown vi-VN (issue 15)."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.db import DataError, connection, transaction
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from catalog.models import GrowingArea, Lot
from demo.catalog import plot_polygon
from diary.models import DiaryEntry
from diary.tests.factories import days_ago, farm
from logistics import services as logistics
from workspace.imports import commit, read_rows


@pytest.fixture
def setup(organization, producer):
    area, product = farm(organization)
    return organization, area, product


@pytest.fixture
def member(client, producer):
    client.force_login(producer)
    return client


def _harvest(member, area, product, text, **extra):
    data = {
        "product": product.pk,
        "area": [area.pk],
        f"qty_{area.pk}": text,
        "unit": "KGM",
        "harvested_at": days_ago(0).date().isoformat(),
        **extra,
    }
    return member.post(reverse("workspace:harvest"), data)


def test_harvest_of_1_200_is_asked_back_then_stored_as_one_thousand_two_hundred(member, setup):
    _org, area, product = setup
    response = _harvest(member, area, product, "1.200")
    page = response.content.decode()
    assert response.status_code == 400
    assert Lot.objects.count() == 0
    assert "Bạn nhập 1.200: nghĩa là 1.200 (1200)?" in page
    # the text stays as typed, with the box that confirms it
    assert f'name="qty_{area.pk}" inputmode="decimal" autocomplete="off" value="1.200"' in page
    assert f'name="qty_{area.pk}_confirm" value="1.200"' in page
    response = _harvest(member, area, product, "1.200", **{f"qty_{area.pk}_confirm": "1.200"})
    lot = Lot.objects.get()
    assert response.status_code == 302 and lot.quantity == Decimal("1200.000")
    page = member.get(reverse("workspace:lot", args=[lot.pk])).content.decode()
    assert "1.200 kg" in page
    assert "1200.000" not in page


def test_a_confirmation_of_other_text_does_not_count(member, setup):
    _org, area, product = setup
    response = _harvest(member, area, product, "2.500", **{f"qty_{area.pk}_confirm": "1.200"})
    assert response.status_code == 400 and Lot.objects.count() == 0


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [("1.200,5", "1200.500", "1.200,5 kg"), ("12,5", "12.500", "12,5 kg"), ("1 500", "1500.000", "1.500 kg")],
)
def test_harvest_reads_vietnamese_numbers(member, setup, typed, stored, shown):
    _org, area, product = setup
    assert _harvest(member, area, product, typed).status_code == 302
    lot = Lot.objects.get()
    assert lot.quantity == Decimal(stored)
    assert shown in member.get(reverse("workspace:lot", args=[lot.pk])).content.decode()


def test_english_pages_write_numbers_the_english_way(member, setup):
    _org, area, product = setup
    assert _harvest(member, area, product, "1.200,5").status_code == 302
    lot = Lot.objects.get()
    member.cookies["django_language"] = "en"
    with translation.override("en"):
        page = member.get(reverse("workspace:lot", args=[lot.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1,200.5" in page


def test_harvest_beyond_the_column_is_refused_with_a_message(member, setup):
    _org, area, product = setup
    response = _harvest(member, area, product, "999999999999")
    assert response.status_code == 400 and Lot.objects.count() == 0
    assert "Số quá lớn: tối đa 11 chữ số trước dấu phẩy." in response.content.decode()
    response = _harvest(member, area, product, "200.000.000")
    assert response.status_code == 400 and Lot.objects.count() == 0
    assert "Số quá lớn: tối đa 100.000.000." in response.content.decode()


def test_area_of_1_5_ha_is_registered(member, setup):
    boundary = plot_polygon(14.5, 107.9, 1.5)
    response = member.post(
        reverse("workspace:area_new"),
        {
            "code": "VT-TEST-1500",
            "name": "Rẫy 1,5 ha",
            "crop": "Cà phê",
            "declared_area_ha": "1,5",
            "boundary": json.dumps(boundary),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    area = GrowingArea.objects.get(code="VT-TEST-1500")
    assert area.declared_area_ha == Decimal("1.5")
    assert "khai báo 1,5 ha" in member.get(reverse("workspace:areas")).content.decode()


def test_diary_quantity_0_12_without_javascript(member, setup):
    _org, area, _product = setup
    data = {
        "growing_area": area.pk,
        "activity": "seeding",
        "product_name": "Hạt giống",
        "quantity": "0,12",
        "unit": "TNE",
    }
    response = member.post(reverse("workspace:diary"), data)
    assert response.status_code == 302, [line for line in response.content.decode().splitlines() if "err" in line]
    assert DiaryEntry.objects.get(activity="seeding").quantity == Decimal("0.12")
    assert "0,12 tấn" in member.get(reverse("workspace:diary")).content.decode()


def test_diary_api_asks_back_1_200_unless_confirmed(member, setup):
    _org, area, _product = setup
    url = "/api/v1/workspace/diary/entries"
    data = {"growing_area": area.pk, "activity": "seeding", "product_name": "Hạt giống", "quantity": "1.200"}
    response = member.post(url, data)
    assert response.status_code == 422
    assert "Bạn nhập 1.200: nghĩa là 1.200 (1200)?" in response.json()["errors"][0]["message"]
    assert DiaryEntry.objects.count() == 0
    response = member.post(url, {**data, "quantity_confirm": "1.200"})
    assert response.status_code == 201
    assert DiaryEntry.objects.get().quantity == Decimal("1200")


def test_receipt_reads_the_typed_quantity(setup, producer, other_organization, other_producer, client):
    org, area, product = setup
    lot = logistics.harvest(
        actor=producer,
        organization=org,
        data={"product": product, "growing_area": area, "quantity": Decimal("1500"), "harvested_at": days_ago(1)},
    )
    shipment = logistics.create_shipment(
        actor=producer,
        organization=org,
        data={"receiver": other_organization.pk, "lines": [{"lot": lot.pk, "quantity": Decimal("1500")}]},
    )
    line = shipment.lines.get()
    client.force_login(other_producer)
    page = client.get(reverse("workspace:shipment", args=[shipment.public_id])).content.decode()
    assert f'name="received_{line.pk}" inputmode="decimal" value="1500"' in page  # reads back as 1500, not 1.5
    url = reverse("workspace:shipment_confirm", args=[shipment.public_id])
    response = client.post(url, {f"received_{line.pk}": "1.499,5", "note": "rơi nửa ký"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.received_quantity == Decimal("1499.500")


def _xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_excel_import_reads_number_cells_and_vietnamese_text(setup, producer):
    org, area, product = setup
    header = ["product_gtin", "growing_area_code", "quantity", "harvested_at"]
    day = str(days_ago(1).date())
    content = _xlsx([header, [product.gtin, area.code, 0.12, day], [product.gtin, area.code, "1.200,5", day]])
    report = commit(actor=producer, organization=org, kind="lots", rows=read_rows("lots", "lots.xlsx", content))
    assert report.errors == [] and report.written == 2
    assert sorted(Lot.objects.values_list("quantity", flat=True)) == [Decimal("0.120"), Decimal("1200.500")]


def test_excel_import_refuses_an_ambiguous_text_and_writes_nothing(setup, producer):
    org, area, product = setup
    header = ["product_gtin", "growing_area_code", "quantity", "harvested_at"]
    day = str(days_ago(1).date())
    content = _xlsx([header, [product.gtin, area.code, "5", day], [product.gtin, area.code, "1.200", day]])
    report = commit(actor=producer, organization=org, kind="lots", rows=read_rows("lots", "lots.xlsx", content))
    assert report.errors == [(3, "quantity: Bạn nhập 1.200: là 1200 hay 1,2? Hãy viết 1200 hoặc 1,2.")]
    assert Lot.objects.count() == 0


PAGES = ["dashboard", "diary", "diary_history", "lots", "harvest", "process", "pack", "shipments", "ship", "stamps"]


def test_a_stored_figure_beyond_its_column_never_breaks_a_page(member, setup, producer):
    """An old row (written before the bounds) of 999999999999 kg: every page still renders (SQLite; PostgreSQL
    refuses to store it)."""
    org, area, product = setup
    lot = logistics.harvest(
        actor=producer,
        organization=org,
        data={"product": product, "growing_area": area, "quantity": Decimal("5"), "harvested_at": days_ago(0)},
    )
    if connection.vendor == "postgresql":
        # PostgreSQL refuses the row itself: such a value can never be stored there
        with pytest.raises(DataError), transaction.atomic():
            Lot.objects.filter(pk=lot.pk).update(quantity=Decimal("999999999999"))
        return
    Lot.objects.filter(pk=lot.pk).update(quantity=Decimal("999999999999"))  # SQLite keeps it as written
    for name in PAGES:
        assert member.get(reverse(f"workspace:{name}")).status_code == 200, name
    page = member.get(reverse("workspace:lot", args=[lot.pk]))
    assert page.status_code == 200
    assert "999.999.999.999 kg" in page.content.decode()


def test_unit_names_are_the_catalogue_names():
    from catalog.choices import QuantityUnit
    from core.templatetags.numbers import UNIT_NAMES

    assert {code: str(label) for code, label in QuantityUnit.choices} == {
        code: str(name) for code, name in UNIT_NAMES.items() if code in QuantityUnit.values
    }


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (Decimal("15000.000"), "KGM", "15.000 kg"),
        (Decimal("300.000"), "XPK", "300 gói, hộp"),
        (Decimal("0.120000"), "mg/kg", "0,12 mg/kg"),
        (Decimal("NaN"), "KGM", "— kg"),
        (Decimal("-2.5"), "TNE", "-2,5 tấn"),
        (None, "KGM", ""),
    ],
)
def test_the_display_filter_never_fails(value, unit, shown):
    from core.templatetags.numbers import qty

    assert qty(value, unit) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [("2026-11-01", "01/11/2026"), (dt.date(2026, 1, 9), "09/01/2026"), ("không rõ", "không rõ"), (None, "")],
)
def test_dates_are_shown_day_month_year(value, shown):
    from core.templatetags.numbers import day

    assert day(value) == shown
