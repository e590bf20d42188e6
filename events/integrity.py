"""References of the event projections that point at no row: what their foreign keys would have refused.

`EventEpc`, `LotEdge`, `Shipment` and `EventValue` hold references to events and identifiers without constraints
in the database (`events.models`): the capture path writes them in the transaction that writes what they point
at. `dangling_references` checks that it did, one anti-join a reference (a full read of the tables: for tests and
audits, not for requests).
"""

from __future__ import annotations

from django.db import connection

from events.models import EpcKey, Event, EventEpc, EventValue, LotEdge, Shipment

REFERENCES = [
    (EventEpc, "event_id", Event),
    (EventEpc, "key_id", EpcKey),
    (LotEdge, "src_id", EpcKey),
    (LotEdge, "dst_id", EpcKey),
    (LotEdge, "event_id", Event),
    (Shipment, "key_id", EpcKey),
    (Shipment, "ship_event_id", Event),
    (Shipment, "receive_event_id", Event),
    (EventValue, "event_id", Event),
]


def dangling_references() -> dict[str, int]:
    """{"table.column": rows whose reference names no row} for each reference that has any; {} when all hold."""
    found: dict[str, int] = {}
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, column, target in REFERENCES:
            table, other = model._meta.db_table, target._meta.db_table
            cursor.execute(
                f"SELECT count(*) FROM {qn(table)} r WHERE r.{qn(column)} IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM {qn(other)} t WHERE t.id = r.{qn(column)})"
            )
            (count,) = cursor.fetchone()
            if count:
                found[f"{table}.{column}"] = count
    return found
