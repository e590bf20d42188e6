"""A harvest beyond what its area can plausibly give: asked back with the figures, stored only when confirmed,
then flagged for the agency of the province (issue 15, item 2)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from catalog.models import Lot
from catalog.tests.factories import GrowingAreaFactory, ProductFactory
from catalog.yields import OTHER, bound_for, in_kg
from core.models import AuditEntry
from diary.models import DiaryEntry
from diary.tests.factories import days_ago, farm
from logistics import selectors, services
from logistics.models import YieldFlag

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("crop", "name", "kg"),
    [
        ("Cà phê vối", "cà phê", 30_000),
        ("CA PHE Robusta", "cà phê", 30_000),
        ("Sâm Ngọc Linh", "sâm", 10_000),
        ("Mắc ca (macadamia)", "mắc ca", 8_000),
        ("Chanh dây", "chanh dây", 60_000),
        ("Cà chua", "rau", 150_000),
        ("Dược liệu đương quy", "", 150_000),
    ],
)
def test_bound_by_crop_words(crop, name, kg):
    bound = bound_for(crop)
    assert (bound.crop, bound.max_kg_per_ha_year) == (name, Decimal(kg))


def test_bound_needs_whole_words():
    assert bound_for("Samurai") is OTHER  # "sam" is not in "samurai"
    assert in_kg(Decimal("1.5"), "TNE") == Decimal("1500.0")
    assert in_kg(Decimal(500), "GRM") == Decimal("0.500")
    assert in_kg(Decimal(3), "XPK") is None


def _harvest(actor, organization, area, product, qty, unit="KGM", **extra):
    data = {
        "product": product,
        "growing_area": area,
        "quantity": qty,
        "unit": unit,
        "harvested_at": days_ago(2),
        **extra,
    }
    return services.harvest(actor=actor, organization=organization, data=data)


def test_within_the_plausible_needs_no_confirmation(producer, organization):
    area, product = farm(organization)  # 2 ha of coffee: up to 60 000 kg a year
    _harvest(producer, organization, area, product, "60000")
    assert YieldFlag.objects.count() == 0


def test_beyond_is_asked_back_with_the_figures_and_nothing_stored(producer, organization):
    area, product = farm(organization)
    with pytest.raises(ValidationError) as caught:
        _harvest(producer, organization, area, product, "60000.001")
    message = caught.value.message_dict["confirm_yield"][0]
    assert area.name in message
    assert "60.000,001 kg" in message
    assert "60.000 kg" in message
    assert "2 ha cà phê" in message.replace("Cà phê", "cà phê")
    assert (Lot.objects.count(), DiaryEntry.objects.count(), YieldFlag.objects.count()) == (0, 0, 0)


def test_the_year_counts_earlier_harvests_that_stand(producer, organization):
    area, product = farm(organization)
    first = _harvest(producer, organization, area, product, "40", unit="TNE")  # 40 000 kg
    with pytest.raises(ValidationError):
        _harvest(producer, organization, area, product, "25000")  # 65 000 kg in the year
    DiaryEntry.objects.filter(lot=first).update(correction="voided")  # a voided harvest no longer counts
    _harvest(producer, organization, area, product, "25000")
    assert YieldFlag.objects.count() == 0


def test_confirmed_excess_is_stored_flagged_and_audited(producer, organization, officer, agency):
    area, product = farm(organization)
    lot = _harvest(producer, organization, area, product, "999999", confirm_yield=True)
    flag = YieldFlag.objects.get()
    assert (flag.lot, flag.growing_area, flag.organization, flag.confirmed_by) == (lot, area, organization, producer)
    assert (flag.harvested_kg, flag.plausible_kg, flag.area_ha) == (
        Decimal("999999.000"),
        Decimal("60000.000"),
        Decimal("2.0000"),
    )
    assert AuditEntry.objects.filter(object_type="logistics.yieldflag", object_id=str(flag.pk)).count() == 1
    assert list(selectors.yield_flags(officer)) == [flag]


def test_officers_of_another_province_do_not_see_the_flag(producer, organization, officer):
    area, product = farm(organization)
    _harvest(producer, organization, area, product, "999999", confirm_yield=True)
    officer.agency.province_code = organization.province_code + 1
    officer.agency.save()
    assert list(selectors.yield_flags(officer)) == []


def test_counts_and_packages_are_not_weighed(producer, organization):
    area = GrowingAreaFactory(organization=organization, crop="Cà phê", declared_area_ha=Decimal("0.1"))
    product = ProductFactory(organization=organization)
    _harvest(producer, organization, area, product, "999999", unit="H87")
    assert YieldFlag.objects.count() == 0


def test_officer_page_lists_the_flag_with_its_figures(client, producer, organization, officer, other_producer):
    area, product = farm(organization)
    lot = _harvest(producer, organization, area, product, "75000", confirm_yield=True)
    client.force_login(officer)
    page = client.get("/oversight/san-luong-bat-thuong/").content.decode()
    assert lot.lot_code in page
    assert "75.000 kg" in page
    assert "60.000 kg" in page
    assert area.name in page
    client.force_login(other_producer)
    assert client.get("/oversight/san-luong-bat-thuong/").status_code == 403


def test_the_harvest_form_asks_back_then_stores_when_ticked(client, producer, organization):
    area, product = farm(organization)
    client.force_login(producer)
    data = {"product": product.pk, "area": [area.pk], f"qty_{area.pk}": "75.000", "unit": "KGM"}
    data[f"qty_{area.pk}_confirm"] = "75.000"  # "75.000" read as 75 000 once the farmer confirmed the reading
    refused = client.post("/workspace/harvest/", data)
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "vượt mức hợp lý tối đa 60.000 kg" in html
    assert 'name="confirm_yield" value="1"' in html
    assert 'value="75.000"' in html  # the quantity stays as typed
    assert Lot.objects.count() == 0
    stored = client.post("/workspace/harvest/", data | {"confirm_yield": "1"})
    assert stored.status_code == 302
    assert YieldFlag.objects.get().harvested_kg == Decimal("75000.000")
