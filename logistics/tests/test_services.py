"""Harvest, processing, packing and shipments: lots, lineage, SSCCs, custody on confirmation, EPCIS events."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from biip.checksums import gs1_standard_check_digit
from django.core.exceptions import ValidationError

from catalog.tests.factories import ProductFactory
from diary.models import DiaryEntry
from diary.tests.factories import days_ago, farm
from events.models import Event
from logistics import selectors, services
from logistics.models import LotClaim


@pytest.fixture
def coffee(organization):
    return farm(organization)


def _harvest(producer, organization, area, product, qty="500", **extra):
    data = {"product": product, "growing_area": area, "quantity": qty, "harvested_at": days_ago(2), **extra}
    return services.harvest(actor=producer, organization=organization, data=data)


def test_harvest_makes_a_draft_lot_with_diary_entry_and_commissioning_event(producer, organization, coffee):
    area, product = coffee
    lot = _harvest(producer, organization, area, product, claims=["organic"])
    assert lot.status == "draft"
    assert lot.quantity == Decimal("500.000")
    assert lot.lot_code == f"TH{days_ago(2):%y%m%d}-1"
    assert list(lot.origin_areas.all()) == [area]
    assert list(LotClaim.objects.filter(lot=lot).values_list("kind", flat=True)) == ["organic"]
    entry = DiaryEntry.objects.get(lot=lot)
    assert (entry.activity, entry.quantity, entry.growing_area) == ("harvesting", Decimal("500.000"), area)
    event = Event.objects.get(event_id=entry.event_id)
    body = json.loads(event.body)
    assert (event.biz_step, event.action) == ("commissioning", "ADD")
    assert body["quantityList"] == [
        {"epcClass": f"https://id.gs1.org/01/{product.gtin}/10/{lot.lot_code}", "quantity": 500.0, "uom": "KGM"}
    ]


def test_harvest_from_two_areas_and_offline_retry_returns_the_same_lot(producer, organization, coffee):
    area, product = coffee
    from catalog.tests.factories import GrowingAreaFactory

    second = GrowingAreaFactory(organization=organization)
    data = {
        "product": product.pk,
        "areas": [{"growing_area": area.pk, "quantity": "300"}, {"growing_area": second.pk, "quantity": "200"}],
        "harvested_at": days_ago(1).isoformat(),
        "client_id": "6f1c5c7e-9d1b-4a52-8d8e-0a5b0d2f0e11",
    }
    lot = services.harvest(actor=producer, organization=organization, data=data)
    again = services.harvest(actor=producer, organization=organization, data=data)
    assert again.pk == lot.pk
    assert lot.quantity == Decimal("500")
    assert sorted(a.code for a in lot.origin_areas.all()) == sorted([area.code, second.code])
    assert DiaryEntry.objects.filter(lot=lot).count() == 2
    assert Event.objects.filter(biz_step="commissioning").count() == 2


def test_roasting_makes_output_lots_from_inputs_and_keeps_origin(producer, organization, coffee):
    area, product = coffee
    green = _harvest(producer, organization, area, product, "1000")
    roasted_product = ProductFactory(organization=organization, name="Cà phê rang")
    t = services.transform(
        actor=producer,
        organization=organization,
        data={
            "process": "roasting",
            "inputs": [{"lot": green.pk, "quantity": "600"}],
            "outputs": [{"product": roasted_product.pk, "quantity": "480", "unit": "KGM"}],
            "occurred_at": days_ago(1),
        },
    )
    out = t.outputs.get()
    assert list(out.origin_areas.all()) == [area]
    assert selectors.upstream_lots(out) == [green]
    assert selectors.downstream_lots(green) == [out]
    assert selectors.available(organization, green) == Decimal("400")
    event = Event.objects.get(event_id=t.event_id)
    assert event.type == "TransformationEvent"
    with pytest.raises(ValidationError) as info:
        services.transform(
            actor=producer,
            organization=organization,
            data={
                "process": "roasting",
                "inputs": [{"lot": green.pk, "quantity": "401"}],
                "outputs": [{"product": roasted_product.pk, "quantity": "1"}],
            },
        )
    assert "chỉ còn 400" in str(info.value)


def test_split_and_merge_shapes(producer, organization, coffee):
    area, product = coffee
    a = _harvest(producer, organization, area, product, "100")
    b = _harvest(producer, organization, area, product, "100")
    split = services.transform(
        actor=producer,
        organization=organization,
        data={
            "process": "split",
            "inputs": [{"lot": a, "quantity": "100"}],
            "outputs": [{"product": product, "quantity": "60"}, {"product": product, "quantity": "40"}],
        },
    )
    assert split.outputs.count() == 2
    merged = services.transform(
        actor=producer,
        organization=organization,
        data={
            "process": "merge",
            "inputs": [{"lot": b, "quantity": "100"}, {"lot": split.outputs.first(), "quantity": "10"}],
            "outputs": [{"product": product, "quantity": "110"}],
        },
    )
    assert sorted(x.lot_code for x in selectors.upstream_lots(merged.outputs.get())) == sorted(
        [a.lot_code, b.lot_code, split.outputs.first().lot_code]
    )
    with pytest.raises(ValidationError):
        services.transform(
            actor=producer,
            organization=organization,
            data={
                "process": "merge",
                "inputs": [{"lot": b, "quantity": "1"}],
                "outputs": [{"product": product, "quantity": "1"}],
            },
        )


def test_packing_allocates_valid_ssccs_and_aggregation_events(producer, organization, coffee):
    area, product = coffee
    lot = _harvest(producer, organization, area, product, "100")
    cartons = services.pack(
        actor=producer,
        organization=organization,
        data={"kind": "carton", "contents": [{"lot": lot, "quantity": "20"}], "count": 3},
    )
    assert len(cartons) == 3
    for carton in cartons:
        assert len(carton.sscc) == 18
        assert int(carton.sscc[-1]) == gs1_standard_check_digit(carton.sscc[:-1])
        assert carton.sscc[1:8] == "8930000"
    assert len({c.sscc for c in cartons}) == 3
    pallet = services.pack(
        actor=producer, organization=organization, data={"kind": "pallet", "children": [c.sscc for c in cartons]}
    )[0]
    event = Event.objects.get(event_id=pallet.event_id)
    body = json.loads(event.body)
    assert body["parentID"] == f"https://id.gs1.org/00/{pallet.sscc}"
    assert body["childEPCs"] == [f"https://id.gs1.org/00/{c.sscc}" for c in cartons]
    with pytest.raises(ValidationError):
        services.pack(
            actor=producer,
            organization=organization,
            data={"kind": "carton", "contents": [{"lot": lot, "quantity": "40"}], "count": 3},
        )


def test_shipment_is_pending_until_the_receiver_confirms(
    producer, other_producer, organization, other_organization, coffee
):
    area, product = coffee
    lot = _harvest(producer, organization, area, product, "1000")
    shipment = services.create_shipment(
        actor=producer,
        organization=organization,
        data={"receiver": other_organization.tax_code, "lines": [{"lot": lot, "quantity": "700"}]},
    )
    assert shipment.status == "pending"
    assert selectors.available(organization, lot) == Decimal("300")
    assert selectors.available(other_organization, lot) == Decimal("0")
    assert list(selectors.pending_receipts(other_organization)) == [shipment]
    ship_event = json.loads(Event.objects.get(event_id=shipment.ship_event_id).body)
    assert ship_event["bizStep"] == "shipping" and ship_event["disposition"] == "in_transit"
    assert ship_event["destinationList"] == [
        {"type": "owning_party", "destination": f"https://id.gs1.org/417/{other_organization.gln}"}
    ]
    with pytest.raises(ValidationError) as info:
        services.confirm_receipt(
            actor=other_producer, shipment=shipment, data={"received": {shipment.lines.get().pk: "690"}}
        )
    assert "note" in info.value.message_dict
    shipment = services.confirm_receipt(
        actor=other_producer,
        shipment=shipment,
        data={"received": {shipment.lines.get().pk: "690"}, "note": "Hao hụt 10 kg do ẩm"},
    )
    assert shipment.status == "discrepancy"
    assert selectors.available(other_organization, lot) == Decimal("690")
    receive = Event.objects.get(event_id=shipment.receive_event_id)
    assert receive.organization_id == other_organization.pk and receive.biz_step == "receiving"
    assert list(selectors.held_lots(other_organization)) == [lot]
    with pytest.raises(ValidationError):
        services.confirm_receipt(actor=other_producer, shipment=shipment)


def test_unregistered_buyer_is_recorded_and_handed_over(producer, organization, coffee):
    area, product = coffee
    lot = _harvest(producer, organization, area, product, "100")
    with pytest.raises(ValidationError) as info:
        services.create_shipment(
            actor=producer,
            organization=organization,
            data={"buyer_name": "Bà Hoa", "buyer_phone": "abc", "lines": [{"lot": lot, "quantity": "5"}]},
        )
    assert "buyer_phone" in info.value.message_dict
    shipment = services.create_shipment(
        actor=producer,
        organization=organization,
        data={"buyer_name": "Bà Hoa", "buyer_phone": "0905 123 456", "lines": [{"lot": lot, "quantity": "5"}]},
    )
    assert shipment.status == "handed_over"
    body = json.loads(Event.objects.get(event_id=shipment.ship_event_id).body)
    assert body["destinationList"] == [{"type": "owning_party", "destination": f"urn:uuid:{shipment.public_id}"}]
    assert "0905" not in Event.objects.get(event_id=shipment.ship_event_id).body


def test_reject_and_cancel_give_the_goods_back(producer, other_producer, organization, other_organization, coffee):
    area, product = coffee
    lot = _harvest(producer, organization, area, product, "100")
    data = {"receiver": other_organization, "lines": [{"lot": lot, "quantity": "60"}]}
    first = services.create_shipment(actor=producer, organization=organization, data=data)
    services.reject_shipment(actor=other_producer, shipment=first, reason="Hàng ướt")
    assert selectors.available(organization, lot) == Decimal("100")
    second = services.create_shipment(actor=producer, organization=organization, data=data)
    services.cancel_shipment(actor=producer, shipment=second, reason="Nhầm xe")
    assert selectors.available(organization, lot) == Decimal("100")
    assert Event.objects.filter(biz_step="void_shipping").count() == 1


def test_receiver_registered_by_an_admin_receives_and_processes(producer, organization, coffee):
    """An organisation an admin registered (approved at once, no GLN given) gets a GLN, so a shipment names it
    as destination and its receipt and processing pass the capture's chain check (events.services.authority)."""
    from accounts.permissions import SYSTEM
    from accounts.tests.factories import UserFactory
    from catalog.services import create_organization

    shop = create_organization(
        actor=SYSTEM,
        data={"name": "Cửa hàng Đặc sản", "kind": "enterprise", "tax_code": "6109012357", "ward_code": 23425},
    )
    assert shop.gln and shop.gln.startswith("8930000")
    keeper = UserFactory(username="shopkeeper")
    keeper.memberships.create(organization=shop, role="owner")
    area, product = coffee
    lot = _harvest(producer, organization, area, product, "100")
    shipment = services.create_shipment(
        actor=producer,
        organization=organization,
        data={"receiver": shop.tax_code, "lines": [{"lot": lot, "quantity": "100"}]},
    )
    shipment = services.confirm_receipt(actor=keeper, shipment=shipment)
    assert shipment.status == "received"
    assert Event.objects.filter(event_id=shipment.receive_event_id, organization=shop).exists()
