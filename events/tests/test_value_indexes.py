"""The value projection's number and time indexes hold only rows with a number or a time (partial indexes), and
every comparison query on those columns can still read them, on both engines."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection

from accounts.permissions import SYSTEM
from events.models import ValueField
from events.services import capture_events
from events.tests.helpers import names_found, object_event

pytestmark = pytest.mark.django_db

LOT = "urn:epc:class:lgtin:8938501.000001.V{n}"
FARM = "https://id.gs1.org/417/8938501000007"
PLANT = "https://id.gs1.org/417/8938502000006"


def _sensor(n: int, celsius: float, at: str) -> dict[str, Any]:
    report = {"type": "gs1:Temperature", "value": celsius, "uom": "CEL", "time": at}
    return object_event(
        epcs=[f"urn:epc:id:sgtin:8938501.000001.S{n}"],
        action="OBSERVE",
        biz_step="storing",
        time=at,
        sensorElementList=[{"sensorReport": [report]}],
    )


@pytest.fixture
def valued(organization) -> dict[str, str]:
    """Events with quantities (numbers), parties (texts) and sensor readings (numbers and times)."""
    events = {
        "heavy": object_event([LOT.format(n=1)], sourceList=[{"type": "owning_party", "source": FARM}]),
        "light": {
            **object_event([LOT.format(n=2)], time="2026-11-02T08:00:00+07:00"),
            "quantityList": [{"epcClass": LOT.format(n=2), "quantity": 2.5, "uom": "KGM"}],
            "destinationList": [{"type": "owning_party", "destination": PLANT}],
        },
        "cold": _sensor(3, 4.0, "2026-11-03T08:00:00+07:00"),
        "warm": _sensor(4, 26.5, "2026-11-04T08:00:00+07:00"),
    }
    result = capture_events(actor=SYSTEM, organization=organization, events=list(events.values()))
    return dict(zip(events, result.stored, strict=True))


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"GE_quantity_KGM": "50"}, {"heavy"}),
        ({"LT_quantity": "50"}, {"light"}),
        ({"EQ_quantity_KGM": "2.5|100"}, {"heavy", "light"}),
        ({"GT_value_CEL": "10"}, {"warm"}),
        ({"GE_time": "2026-11-03T12:00:00+07:00"}, {"warm"}),
        ({"LT_time": "2026-11-03T12:00:00+07:00"}, {"cold"}),
        ({"EQ_source_owning_party": FARM}, {"heavy"}),
        ({"EQ_destination_owning_party": PLANT}, {"light"}),
    ],
)
def test_value_queries_find_the_events(valued, params, expected):
    assert names_found(valued, params) == expected


COMPARISONS = [
    ("events_value_number", "field = {m} AND sub = {m} AND number >= {m}", [ValueField.QUANTITY, "KGM", 50.0]),
    ("events_value_number", "field = {m} AND sub = {m} AND number IN ({m}, {m})", [ValueField.QUANTITY, "KGM", 1, 2]),
    ("events_value_number", "field = {m} AND sub = {m} AND number < {m}", [ValueField.VALUE, "CEL", 10.0]),
    ("events_value_time", "field = {m} AND time >= {m}", [ValueField.TIME, "2026-11-03 05:00:00"]),
]


@pytest.mark.parametrize("index, where, params", COMPARISONS)
def test_comparisons_read_the_partial_indexes(valued, index, where, params):
    """A comparison with the column implies it is not null: both engines may then read the partial index (SQLite
    refuses `INDEXED BY` an index it may not use; PostgreSQL, told to avoid scanning the table, reads it only if it
    may). The queries' shapes are `events.query_filters._compare`'s and its time filters'."""
    mark = "%s" if connection.vendor == "postgresql" else "?"
    condition = where.format(m=mark)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(f"EXPLAIN SELECT event_id FROM events_eventvalue WHERE {condition}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert f"Index Only Scan using {index}" in plan, plan
        else:
            sql = f"SELECT event_id FROM events_eventvalue INDEXED BY {index} WHERE {condition}"
            cursor.cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            steps = [str(row[-1]) for row in cursor.fetchall()]
            assert any(f"COVERING INDEX {index}" in step for step in steps), steps


def test_indexes_are_partial():
    """The number and time indexes leave out rows without a number or a time; the text index holds every row."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'events_eventvalue'")
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events_eventvalue'"
            )
        # as each engine prints them, without quotes and parentheses
        definitions = {name: re.sub(r'["()]', "", sql or "").upper() for name, sql in cursor.fetchall()}
    assert "WHERE" not in definitions["events_value_text"]
    assert definitions["events_value_number"].endswith(" WHERE NUMBER IS NOT NULL")
    assert definitions["events_value_time"].endswith(" WHERE TIME IS NOT NULL")
