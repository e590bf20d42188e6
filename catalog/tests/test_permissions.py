"""Permission matrix: each catalogue service against the five kinds of actor; a denied call changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from catalog import services
from catalog.models import Certificate, Facility, GrowingArea, Lot, Organization, Product
from catalog.tests.factories import GrowingAreaFactory, LotFactory, OrganizationFactory, ProductFactory
from core.errors import Forbidden
from core.models import AuditEntry
from demo.catalog import plot_polygon
from ledger.models import LedgerLeaf

ACTORS = ["anonymous", "consumer", "other_producer", "producer", "officer"]


def _state():
    return (
        AuditEntry.objects.count(),
        LedgerLeaf.objects.count(),
        Organization.objects.count(),
        Facility.objects.count(),
        GrowingArea.objects.count(),
        Product.objects.count(),
        Certificate.objects.count(),
        Lot.objects.count(),
        tuple(Lot.objects.order_by("pk").values_list("status", flat=True)),
        tuple(Organization.objects.order_by("pk").values_list("status", flat=True)),
    )


def _check(actors, name, allowed, call):
    before = _state()
    if name in allowed:
        call(actors[name])
        assert AuditEntry.objects.count() > before[0]
    else:
        with pytest.raises(Forbidden):
            call(actors[name])
        assert _state() == before


@pytest.mark.parametrize("name", ACTORS)
def test_create_facility(actors, organization, name):
    _check(
        actors,
        name,
        {"producer"},
        lambda actor: services.create_facility(
            actor=actor, organization=organization, data={"name": "Kho", "kind": "warehouse"}
        ),
    )


@pytest.mark.parametrize("name", ACTORS)
def test_create_growing_area(actors, organization, name):
    data = {
        "code": "VT-X-1",
        "name": "Vùng",
        "crop": "Cà phê",
        "declared_area_ha": "2",
        "boundary": plot_polygon(14.5, 108, 2),
    }
    _check(
        actors,
        name,
        {"producer"},
        lambda actor: services.create_growing_area(actor=actor, organization=organization, data=data),
    )


@pytest.mark.parametrize("name", ACTORS)
def test_create_product(actors, organization, name):
    _check(
        actors,
        name,
        {"producer"},
        lambda actor: services.create_product(
            actor=actor, organization=organization, data={"name": "Cà phê", "category": "coffee"}
        ),
    )


@pytest.mark.parametrize("name", ACTORS)
def test_create_certificate(actors, organization, name):
    data = {
        "kind": "vietgap",
        "number": "VG-1",
        "issuer": "QUACERT",
        "valid_from": dt.date(2026, 1, 1),
        "valid_to": dt.date(2028, 1, 1),
        "scope": "organization",
    }
    _check(
        actors,
        name,
        {"producer"},
        lambda actor: services.create_certificate(actor=actor, organization=organization, data=data),
    )


@pytest.mark.parametrize("name", ACTORS)
def test_create_lot(actors, organization, name):
    product = ProductFactory(organization=organization)
    data = {"lot_code": "A1", "production_date": dt.date(2026, 11, 1), "quantity": "10"}
    _check(actors, name, {"producer"}, lambda actor: services.create_lot(actor=actor, product=product, data=data))


@pytest.mark.parametrize("name", ACTORS)
def test_submit_lot(actors, organization, name):
    lot = LotFactory(
        product=ProductFactory(organization=organization), origin_areas=[GrowingAreaFactory(organization=organization)]
    )
    _check(actors, name, {"producer"}, lambda actor: services.mark_submitted(actor=actor, lot=lot))


@pytest.mark.parametrize("name", ACTORS)
def test_publish_lot(actors, organization, name):
    lot = LotFactory(
        product=ProductFactory(organization=organization),
        status="submitted",
        origin_areas=[GrowingAreaFactory(organization=organization)],
    )
    _check(actors, name, {"officer"}, lambda actor: services.mark_published(actor=actor, lot=lot))


@pytest.mark.parametrize("name", ACTORS)
def test_approve_organization(actors, name):
    pending = OrganizationFactory(status="pending", gln=None)
    _check(actors, name, {"officer"}, lambda actor: services.approve_organization(actor=actor, organization=pending))


@pytest.mark.parametrize("name", ACTORS)
def test_suspend_organization(actors, organization, name):
    _check(
        actors,
        name,
        {"officer"},
        lambda actor: services.suspend_organization(actor=actor, organization=organization, reason="Vi phạm"),
    )


def test_staff_member_may_record_but_not_manage(producer_staff, organization, consumer):
    services.create_facility(actor=producer_staff, organization=organization, data={"name": "Kho", "kind": "warehouse"})
    with pytest.raises(Forbidden):
        services.add_member(actor=producer_staff, organization=organization, user=consumer)


def test_officer_of_another_province_cannot_approve(officer, agency):
    agency.province_code = 1  # Hà Nội
    agency.save()
    pending = OrganizationFactory(status="pending")
    with pytest.raises(Forbidden):
        services.approve_organization(actor=officer, organization=pending)
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_suspended_organization_cannot_write(producer, organization):
    organization.status = "suspended"
    organization.save()
    with pytest.raises(Forbidden):
        services.create_facility(actor=producer, organization=organization, data={"name": "Kho", "kind": "warehouse"})
    assert Facility.objects.count() == 0
