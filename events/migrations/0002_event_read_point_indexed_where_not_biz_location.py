"""Index `Event.read_point` only where it differs from `biz_location` (events.query asks both indexes).

The plain index is dropped by name (`DROP INDEX`) rather than by Django's AlterField, which on SQLite
rebuilds the whole events table to change `db_index`.
"""

from django.db import migrations, models

OLD_INDEX = "events_event_read_point_4f86af85"  # Django's name for read_point's db_index (0001)


def drop_plain_index(apps, schema_editor):
    for name in (OLD_INDEX, f"{OLD_INDEX}_like"):  # PostgreSQL also has a varchar_pattern_ops twin
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def restore_plain_index(apps, schema_editor):
    model = apps.get_model("events", "Event")
    field = model._meta.get_field("read_point")
    schema_editor.execute(schema_editor._create_index_sql(model, fields=[field], name=OLD_INDEX))
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(schema_editor._create_like_index_sql(model, field))


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_priority_catalogue"),
        ("events", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="event",
                    name="read_point",
                    field=models.CharField(blank=True, max_length=1000),
                ),
            ],
            database_operations=[migrations.RunPython(drop_plain_index, restore_plain_index)],
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(("read_point", models.F("biz_location")), _negated=True),
                fields=["read_point"],
                name="events_event_read_point_own",
            ),
        ),
    ]
