"""The projections' references to events and identifiers stop being foreign-key constraints on PostgreSQL.

PostgreSQL checked each reference a capture wrote at COMMIT, with a query of its own (~10 an event): a quarter of
its time on a batched capture (bench/README.md, "Stop 34"). The capture path writes these rows in the transaction
that writes what they point at (`events.models`; `events.integrity.dangling_references` checks it).

SQLite keeps the REFERENCES its tables were made with: removing one rebuilds the table (minutes at 10M events, and
the table's size again on disk), and SQLite checks a reference with one primary-key probe. The models say
``db_constraint=False`` on both engines (Django cascades and protects on the ORM's deletes either way).
"""

import django.db.models.deletion
from django.db import migrations, models

REFERENCES = [
    ("events_eventepc", "event_id", "events_event"),
    ("events_eventepc", "key_id", "events_epckey"),
    ("events_eventvalue", "event_id", "events_event"),
    ("events_lotedge", "src_id", "events_epckey"),
    ("events_lotedge", "dst_id", "events_epckey"),
    ("events_lotedge", "event_id", "events_event"),
    ("events_shipment", "key_id", "events_epckey"),
    ("events_shipment", "ship_event_id", "events_event"),
    ("events_shipment", "receive_event_id", "events_event"),
]

FIND = (
    "SELECT c.conname FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) "
    "WHERE c.contype = 'f' AND c.conrelid = %s::regclass AND a.attname = %s AND c.confrelid = %s::regclass"
)


def drop_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    qn = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        for table, column, target in REFERENCES:
            cursor.execute(FIND, [table, column, target])
            for (name,) in cursor.fetchall():
                schema_editor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")


def add_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    qn = schema_editor.quote_name
    for table, column, target in REFERENCES:
        name = f"{table}_{column}_fk_{target}_id"
        schema_editor.execute(
            f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} FOREIGN KEY ({qn(column)}) "
            f"REFERENCES {qn(target)} (id) DEFERRABLE INITIALLY DEFERRED"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0012_value_indexes_partial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_constraints, add_constraints)],
            state_operations=[
                migrations.AlterField(
                    model_name="eventepc",
                    name="event",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="epcs",
                        to="events.event",
                    ),
                ),
                migrations.AlterField(
                    model_name="eventepc",
                    name="key",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="events.epckey",
                    ),
                ),
                migrations.AlterField(
                    model_name="eventvalue",
                    name="event",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="events.event",
                    ),
                ),
                migrations.AlterField(
                    model_name="lotedge",
                    name="dst",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="events.epckey",
                    ),
                ),
                migrations.AlterField(
                    model_name="lotedge",
                    name="event",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="events.event",
                    ),
                ),
                migrations.AlterField(
                    model_name="lotedge",
                    name="src",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="events.epckey",
                    ),
                ),
                migrations.AlterField(
                    model_name="shipment",
                    name="key",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="events.epckey",
                    ),
                ),
                migrations.AlterField(
                    model_name="shipment",
                    name="receive_event",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="events.event",
                    ),
                ),
                migrations.AlterField(
                    model_name="shipment",
                    name="ship_event",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="events.event",
                    ),
                ),
            ],
        ),
    ]
