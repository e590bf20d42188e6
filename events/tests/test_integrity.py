"""The projections' references (events.integrity): what capture and corrections write points at rows that exist,
and the check finds a reference that does not; on PostgreSQL they are not foreign-key constraints (migration 0013)."""

from __future__ import annotations

import pytest
from django.db import connection

from accounts.permissions import SYSTEM
from events.integrity import REFERENCES, dangling_references
from events.models import EventValue, LotEdge, Shipment, ValueField
from events.services import capture_events
from events.tests.conftest import _receiving, _shipping
from events.tests.helpers import GTIN_A, aggregation, lgtin, object_event, transformation

pytestmark = pytest.mark.django_db

FARM = "https://id.gs1.org/417/8938501000007"
PLANT = "https://id.gs1.org/417/8938502000006"
CORRECTED = "urn:uuid:4e2f1c3d-8b2a-4c73-9f90-8c5e4d3b2a33"


def _chain(organization) -> None:
    """A lot commissioned, shipped and received, made into another, packed; then its shipping declared in error
    (its edges and shipments withdrawn: deleted rows the references must not outlive)."""
    beans, roasted = lgtin(GTIN_A, "B1"), lgtin(GTIN_A, "R1")
    ship = {**_shipping([beans], time="2026-11-02T08:00:00+07:00", src=FARM, dst=PLANT), "eventID": CORRECTED}
    events = [
        object_event([beans], time="2026-11-01T08:00:00+07:00"),
        ship,
        _receiving([beans], time="2026-11-03T08:00:00+07:00", src=FARM, dst=PLANT),
        transformation([beans], [roasted]),
        aggregation("urn:epc:id:sscc:0893850100000000011", [roasted]),
    ]
    capture_events(actor=SYSTEM, organization=organization, events=events)
    declared = {
        **ship,
        "errorDeclaration": {"declarationTime": "2026-11-10T09:00:00+07:00", "reason": "incorrect_data"},
    }
    capture_events(actor=SYSTEM, organization=organization, events=[declared])


def test_capture_and_corrections_leave_no_dangling_reference(organization):
    _chain(organization)
    assert LotEdge.objects.exists() and Shipment.objects.exists() and EventValue.objects.exists()
    assert dangling_references() == {}


def test_a_reference_to_no_row_is_found(organization):
    _chain(organization)
    missing = 10**12  # no event has this primary key
    value = EventValue.objects.create(event_id=missing, field=ValueField.QUANTITY, sub="KGM", number=1.0)
    shipment = Shipment.objects.create(key_id=missing, source=FARM, destination=PLANT)
    assert dangling_references() == {"events_eventvalue.event_id": 1, "events_shipment.key_id": 1}
    value.delete()  # SQLite still has the constraints, which the test's teardown checks
    shipment.delete()
    assert dangling_references() == {}


def _foreign_keys(table: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT a.attname FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid "
                "AND a.attnum = ANY(c.conkey) WHERE c.contype = 'f' AND c.conrelid = %s::regclass",
                [table],
            )
            return {name for (name,) in cursor.fetchall()}
        cursor.execute(f"PRAGMA foreign_key_list({table})")
        return {row[3] for row in cursor.fetchall()}


def test_the_references_are_unconstrained_on_postgresql_only():
    """PostgreSQL has none of these constraints; SQLite keeps the REFERENCES its tables were made with."""
    tables = {model._meta.db_table for model, *_target in REFERENCES}
    columns = {(model._meta.db_table, column) for model, column, *_target in REFERENCES}
    constrained = {(table, column) for table in tables for column in _foreign_keys(table)}
    if connection.vendor == "postgresql":
        assert constrained == set()
    else:
        assert constrained == columns
