"""events_event's eventID and event hash stay unique without PostgreSQL's `_like` twin indexes.

`unique=True` on a CharField gives PostgreSQL, beside the unique index, a varchar_pattern_ops twin for
LIKE 'prefix%'; no query asks an eventID or an event hash for a prefix, and both twins cost a random index
page (WAL) per captured event. The uniqueness becomes `Event.Meta.constraints`, named as PostgreSQL named the
column constraints (`…_key`), so only the twins are dropped there. SQLite keeps its table as it is (its
unique column constraints are what a table built from the new state would have).
"""

from django.db import migrations, models

TWINS = {"event_id": "events_event_event_id_dde76dea_like", "event_hash": "events_event_event_hash_308b1243_like"}


def drop_twins(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in TWINS.values():
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def restore_twins(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        model = apps.get_model("events", "Event")
        for field, name in TWINS.items():
            schema_editor.execute(
                schema_editor._create_index_sql(
                    model, fields=[model._meta.get_field(field)], name=name, opclasses=["varchar_pattern_ops"]
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0005_event_indexes_without_like_twins"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="event",
                    name="event_hash",
                    field=models.CharField(blank=True, max_length=100, null=True, verbose_name="mã băm sự kiện"),
                ),
                migrations.AlterField(
                    model_name="event",
                    name="event_id",
                    field=models.CharField(max_length=1000, verbose_name="eventID"),
                ),
                migrations.AddConstraint(
                    model_name="event",
                    constraint=models.UniqueConstraint(fields=("event_id",), name="events_event_event_id_key"),
                ),
                migrations.AddConstraint(
                    model_name="event",
                    constraint=models.UniqueConstraint(fields=("event_hash",), name="events_event_event_hash_key"),
                ),
            ],
            database_operations=[migrations.RunPython(drop_twins, restore_twins)],
        ),
    ]
