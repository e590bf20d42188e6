"""events_event's biz_step, disposition, biz_location and transformation_id indexes lose PostgreSQL's twins.

Django gives a `db_index` CharField a second index on PostgreSQL, `…_like` (varchar_pattern_ops, for
LIKE 'prefix%'); no query asks these columns for a prefix, and each twin cost index pages (WAL) per captured
event. The four become plain `Event.Meta.indexes`, which have no twin.

Done by name rather than by AlterField/AddIndex (which on SQLite rebuild the events table, and on PostgreSQL
would build every index again). PostgreSQL: the twins are dropped and the B-trees renamed. SQLite (no twins,
no ALTER INDEX … RENAME): each renamed index is built under its new name and the old one dropped; biz_step
keeps the name Django gave it in 0001, so its index is left as it is.
"""

from django.db import migrations, models

INDEXES = {  # field: (its db_index name from 0001, its Meta.indexes name)
    "biz_step": ("events_event_biz_step_0e1d3389", "events_event_biz_step_0e1d3389"),
    "disposition": ("events_event_disposition_15f9269a", "events_event_disposition"),
    "biz_location": ("events_event_biz_location_3c44bd31", "events_event_biz_location"),
    "transformation_id": ("events_event_transformation_id_152e2c33", "events_event_transformation_id"),
}


def _rename(schema_editor, model, field, old, new):
    quote = schema_editor.quote_name
    if old == new:
        return
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX {quote(old)} RENAME TO {quote(new)}")
    else:
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field], name=new))
        schema_editor.execute(f"DROP INDEX {quote(old)}")


def drop_twins(apps, schema_editor):
    model = apps.get_model("events", "Event")
    for name, (old, new) in INDEXES.items():
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(old + '_like')}")
        _rename(schema_editor, model, model._meta.get_field(name), old, new)


def restore_twins(apps, schema_editor):
    model = apps.get_model("events", "Event")
    for name, (old, new) in INDEXES.items():
        field = model._meta.get_field(name)
        _rename(schema_editor, model, field, new, old)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                schema_editor._create_index_sql(
                    model, fields=[field], name=f"{old}_like", opclasses=["varchar_pattern_ops"]
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_epckey_gln_not_indexed"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                *(
                    migrations.AlterField(
                        model_name="event", name=name, field=models.CharField(blank=True, max_length=1000)
                    )
                    for name in INDEXES
                ),
                *(
                    migrations.AddIndex(model_name="event", index=models.Index(fields=[name], name=new))
                    for name, (_, new) in INDEXES.items()
                ),
            ],
            database_operations=[migrations.RunPython(drop_twins, restore_twins)],
        ),
    ]
