"""References of the event projections that point at no row: what their foreign keys would have refused.

`EventEpc`, `LotEdge`, `Shipment` and `EventValue` hold references to events and identifiers without constraints
in the database (`events.models`): the capture path writes them in the transaction that writes what they point
at. `dangling_references` checks that it did, one anti-join a reference (a full read of the tables: for tests and
audits, not for requests).
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection
from django.db.models import ForeignKey, Model


def _unconstrained() -> list[tuple[type[Model], str, str, str]]:
    """(model, column, table and column pointed at) of every reference of the events app without a database
    constraint (`db_constraint=False`): read from the models, so a reference made unconstrained later is checked
    too."""
    return [
        (model, field.column, field.target_field.model._meta.db_table, field.target_field.column)
        for model in apps.get_app_config("events").get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, ForeignKey) and not field.db_constraint  # type: ignore[attr-defined]  # not in the stubs
    ]


REFERENCES = _unconstrained()


def dangling_references() -> dict[str, int]:
    """{"table.column": rows whose reference names no row} for each reference that has any; {} when all hold."""
    found: dict[str, int] = {}
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, column, other, other_column in REFERENCES:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT count(*) FROM {qn(table)} r WHERE r.{qn(column)} IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM {qn(other)} t WHERE t.{qn(other_column)} = r.{qn(column)})"
            )
            (count,) = cursor.fetchone()
            if count:
                found[f"{table}.{column}"] = count
    return found
