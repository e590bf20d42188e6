"""Correcting and voiding a harvest share and a shipment line (issue 15 item 4): the original stays marked, the
event is declared in error with its corrective event, the lot and the shipment follow the corrected figures."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from catalog.tests.factories import GrowingAreaFactory
from diary.models import DiaryEntry
from diary.tests.factories import days_ago, farm
from events.models import ErrorDeclaration, Event
from events.models import Shipment as EventShipment
from logistics import selectors, services
from logistics.models import ShipmentLine
from logistics.services.corrections import correct_harvest, correct_shipment_line, void_harvest, void_shipment_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def harvested(producer, organization):
    area, product = farm(organization)
    second = GrowingAreaFactory(organization=organization, crop="Cà phê vối")
    data = {
        "product": product,
        "areas": [{"growing_area": area, "quantity": "100"}, {"growing_area": second, "quantity": "50"}],
        "harvested_at": days_ago(3, 9),
    }
    lot = services.harvest(actor=producer, organization=organization, data=data)
    return lot, DiaryEntry.objects.get(lot=lot, growing_area=area), DiaryEntry.objects.get(lot=lot, growing_area=second)


def test_a_corrected_harvest_changes_the_lot_and_declares_the_commissioning_event(producer, harvested):
    lot, first, _second = harvested
    new = correct_harvest(actor=producer, entry=first, data={"quantity": "120"}, reason="Cân lại")
    lot.refresh_from_db()
    first.refresh_from_db()
    assert lot.quantity == Decimal("170.000")
    assert (first.correction, new.corrects, new.quantity, new.lot) == ("corrected", first, Decimal("120"), lot)
    declaration = ErrorDeclaration.objects.get(event__event_id=first.event_id)
    assert declaration.corrective_event_ids == [new.event_id]
    corrective = json.loads(Event.objects.get(event_id=new.event_id).body)
    assert corrective["quantityList"][0]["quantity"] == 120.0 and corrective["bizStep"] == "commissioning"


def test_voiding_a_harvest_share_keeps_another_and_the_last_one_is_refused(producer, harvested):
    lot, first, second = harvested
    void_harvest(actor=producer, entry=second, reason="Vùng này chưa thu")
    lot.refresh_from_db()
    assert lot.quantity == Decimal("100.000")
    with pytest.raises(ValidationError):
        void_harvest(actor=producer, entry=first, reason="x")
    assert ErrorDeclaration.objects.count() == 1


def test_a_submitted_lot_is_not_corrected_here(producer, harvested):
    lot, first, _second = harvested
    lot.status = "submitted"
    lot.save(update_fields=["status"])
    with pytest.raises(ValidationError):
        correct_harvest(actor=producer, entry=first, data={"quantity": "90"}, reason="x")


@pytest.fixture
def shipped(producer, organization, other_organization, harvested):
    lot = harvested[0]
    shipment = services.create_shipment(
        actor=producer,
        organization=organization,
        data={"receiver": other_organization, "lines": [{"lot": lot, "quantity": "30"}]},
    )
    return lot, shipment


def test_a_corrected_shipment_line_reships_with_the_right_quantity(producer, other_producer, shipped):
    lot, shipment = shipped
    old_event = shipment.ship_event_id
    line = shipment.lines.get()
    new = correct_shipment_line(actor=producer, line=line, quantity="20", reason="Cân nhầm")
    shipment.refresh_from_db()
    assert [(ln.pk, ln.quantity) for ln in shipment.lines.all()] == [(new.pk, Decimal("20"))]
    assert ShipmentLine.all_lines.get(pk=line.pk).correction == "corrected"
    assert selectors.available(shipment.sender, lot) == Decimal("130")
    assert shipment.ship_event_id != old_event
    assert ErrorDeclaration.objects.get(event__event_id=old_event).corrective_event_ids == [shipment.ship_event_id]
    assert list(EventShipment.objects.values_list("ship_event__event_id", flat=True)) == [shipment.ship_event_id]
    services.confirm_receipt(actor=other_producer, shipment=shipment)
    assert shipment.lines.get().received_quantity == Decimal("20")


def test_the_last_line_is_not_voided_and_others_may_not_correct(producer, organization, shipped):
    _lot, shipment = shipped
    line = shipment.lines.get()
    with pytest.raises(ValidationError):
        void_shipment_line(actor=producer, line=line, reason="x")
    staff = UserFactory(username="staff2")
    Membership.objects.create(user=staff, organization=organization, role="staff")
    with pytest.raises(PermissionDenied):
        correct_shipment_line(actor=staff, line=line, quantity="10", reason="x")
    assert ErrorDeclaration.objects.count() == 0
