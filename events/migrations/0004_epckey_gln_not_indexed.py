"""`EpcKey.gln` is no longer indexed: no query searches identifiers by GLN (locations are matched by key).

The index is dropped by name (`DROP INDEX`) rather than by Django's AlterField, which on SQLite rebuilds
the whole identifier table to change `db_index`.
"""

from django.db import migrations, models

OLD_INDEX = "events_epckey_gln_27ff5274"  # Django's name for gln's db_index (0001)


def drop_plain_index(apps, schema_editor):
    for name in (OLD_INDEX, f"{OLD_INDEX}_like"):  # PostgreSQL also has a varchar_pattern_ops twin
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def restore_plain_index(apps, schema_editor):
    model = apps.get_model("events", "EpcKey")
    field = model._meta.get_field("gln")
    schema_editor.execute(schema_editor._create_index_sql(model, fields=[field], name=OLD_INDEX))
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(schema_editor._create_like_index_sql(model, field))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_epckey_no_gtin_lot_code_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="epckey",
                    name="gln",
                    field=models.CharField(blank=True, max_length=13),
                ),
            ],
            database_operations=[migrations.RunPython(drop_plain_index, restore_plain_index)],
        ),
    ]
