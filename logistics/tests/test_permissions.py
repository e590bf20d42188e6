"""Permission matrix: every diary, logistics and rules service against the five actors; a denied call changes
nothing (no row, no audit entry, no EPCIS event, no ledger leaf)."""

from __future__ import annotations

import pytest

from catalog.models import Lot
from core.errors import Forbidden
from core.models import AuditEntry
from diary.models import DiaryEntry
from diary.services import record_entry
from diary.tests.factories import farm
from events.models import Event
from ledger.models import LedgerLeaf
from logistics import services
from logistics.models import LogisticUnit, Shipment, Transformation
from rules.models import RuleDecision
from rules.services import check_lot
from workspace.services import create_member_account

ACTORS = ["anonymous", "consumer", "other_producer", "producer", "officer"]


def _state():
    return (
        AuditEntry.objects.count(),
        LedgerLeaf.objects.count(),
        Event.objects.count(),
        DiaryEntry.objects.count(),
        Lot.objects.count(),
        Transformation.objects.count(),
        LogisticUnit.objects.count(),
        tuple(Shipment.objects.order_by("pk").values_list("status", flat=True)),
        RuleDecision.objects.count(),
    )


def _check(actors, name, allowed, call):
    before = _state()
    if name in allowed:
        call(actors[name])
        assert _state() != before
    else:
        with pytest.raises(Forbidden):
            call(actors[name])
        assert _state() == before


@pytest.fixture
def world(organization, producer, other_organization):
    area, product = farm(organization)
    lot = services.harvest(
        actor=producer, organization=organization, data={"product": product, "growing_area": area, "quantity": "100"}
    )
    shipment = services.create_shipment(
        actor=producer,
        organization=organization,
        data={"receiver": other_organization, "lines": [{"lot": lot, "quantity": "10"}]},
    )
    return {"area": area, "product": product, "lot": lot, "shipment": shipment, "org": organization}


@pytest.mark.parametrize("name", ACTORS)
def test_record_entry(actors, world, name):
    _check(
        actors,
        name,
        {"producer"},
        lambda a: record_entry(
            actor=a, organization=world["org"], data={"growing_area": world["area"], "activity": "weeding"}
        ),
    )


@pytest.mark.parametrize("name", ACTORS)
def test_harvest(actors, world, name):
    _check(
        actors,
        name,
        {"producer"},
        lambda a: services.harvest(
            actor=a,
            organization=world["org"],
            data={"product": world["product"], "growing_area": world["area"], "quantity": "5"},
        ),
    )


@pytest.mark.parametrize("name", ACTORS)
def test_transform(actors, world, name):
    _check(
        actors,
        name,
        {"producer"},
        lambda a: services.transform(
            actor=a,
            organization=world["org"],
            data={
                "process": "drying",
                "inputs": [{"lot": world["lot"], "quantity": "5"}],
                "outputs": [{"product": world["product"], "quantity": "4"}],
            },
        ),
    )


@pytest.mark.parametrize("name", ACTORS)
def test_pack(actors, world, name):
    _check(
        actors,
        name,
        {"producer"},
        lambda a: services.pack(
            actor=a,
            organization=world["org"],
            data={"kind": "bag", "contents": [{"lot": world["lot"], "quantity": "5"}]},
        ),
    )


@pytest.mark.parametrize("name", ACTORS)
def test_create_shipment(actors, world, name):
    _check(
        actors,
        name,
        {"producer"},
        lambda a: services.create_shipment(
            actor=a,
            organization=world["org"],
            data={
                "buyer_name": "Chị Lan",
                "buyer_phone": "0905111222",
                "lines": [{"lot": world["lot"], "quantity": "1"}],
            },
        ),
    )


@pytest.mark.parametrize("name", ACTORS)
def test_confirm_receipt_only_by_the_receiver(actors, world, name):
    _check(actors, name, {"other_producer"}, lambda a: services.confirm_receipt(actor=a, shipment=world["shipment"]))


@pytest.mark.parametrize("name", ACTORS)
def test_reject_shipment_only_by_the_receiver(actors, world, name):
    _check(
        actors,
        name,
        {"other_producer"},
        lambda a: services.reject_shipment(actor=a, shipment=world["shipment"], reason="Ướt"),
    )


@pytest.mark.parametrize("name", ACTORS)
def test_cancel_shipment_only_by_the_sender(actors, world, name):
    _check(actors, name, {"producer"}, lambda a: services.cancel_shipment(actor=a, shipment=world["shipment"]))


@pytest.mark.parametrize("name", ACTORS)
def test_update_claims(actors, world, name):
    _check(actors, name, {"producer"}, lambda a: services.update_claims(actor=a, lot=world["lot"], claims=["organic"]))


@pytest.mark.parametrize("name", ACTORS)
def test_check_lot(actors, world, name):
    _check(actors, name, {"producer", "officer"}, lambda a: check_lot(actor=a, lot=world["lot"]))


@pytest.mark.parametrize("name", ACTORS)
def test_create_member_account(actors, world, name):
    _check(
        actors,
        name,
        {"producer"},
        lambda a: create_member_account(
            actor=a, organization=world["org"], data={"username": "y.nhi", "password": "Cafe-Dak-Ha-2026!"}
        ),
    )


def test_staff_cannot_add_members_but_records_the_diary(world, producer_staff):
    with pytest.raises(Forbidden):
        create_member_account(actor=producer_staff, organization=world["org"], data={"username": "x", "password": "y"})
    entry, created = record_entry(
        actor=producer_staff, organization=world["org"], data={"growing_area": world["area"], "activity": "pruning"}
    )
    assert created and entry.recorded_by == producer_staff


def test_suspended_organisation_cannot_write(world, producer):
    world["org"].status = "suspended"
    world["org"].save()
    with pytest.raises(Forbidden):
        record_entry(
            actor=producer, organization=world["org"], data={"growing_area": world["area"], "activity": "pruning"}
        )
