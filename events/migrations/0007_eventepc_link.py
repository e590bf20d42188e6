"""`EventEpc.link`: whether the event's genealogy edges end at the mentioned identifier (`EpcLink`), in the
covering (key, role, event, link) index a trace reads.

Cheap on a loaded database (30M mentions at 10M events): the column is added in place by ALTER TABLE ADD
COLUMN with its constant database default, NONE (Django's SQLite editor would copy the whole table for a NOT
NULL column; PostgreSQL ≥ 11 stores a constant default without rewriting the table either), then `fill`
sets, in set-based SQL, the mentions at the ends of edges, as `genealogy.links` would have (one pass over
the edges, probing the old index, which does not hold the column: the fill maintains no index), and only
then is the index rebuilt with the new column. Reversible: back, the index loses the column and the column
is dropped.
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

SRC = "1, 3, 5, 6"  # EpcRole EPC, INPUT, EPC_CLASS, INPUT_CLASS: the edges' sources (choices.SRC_ROLES)
DST = "2, 4, 7"  # PARENT, OUTPUT, OUTPUT_CLASS: their destinations (choices.DST_ROLES)

# (event, key, side 0 for the edges' sources or 1 for their destinations, link): MENTIONED (1) or FOREIGN (2)
# for each key an edge of the event ends at, FOREIGN when the edge's other end is not mentioned by the event on
# the other side (probes of the (key, role, event) index); then FOREIGN on the other side of a key the event
# does not mention on the side an edge of it ends at the key. Mentions not set stay NONE (0, the default).
# Grouped by the near end first, SQLite reads the edges from their covering index (grouped by the event first,
# it walked the event index and fetched each edge's row: the whole migration took 306 s at 10M events).
ENDS = "CREATE TEMPORARY TABLE epc_link_ends (event_id bigint, key_id bigint, side smallint, link smallint)"
EDGE_ENDS = """
INSERT INTO epc_link_ends (event_id, key_id, side, link)
SELECT g.event_id, g.{near_end}, {side}, MAX(CASE WHEN EXISTS (
    SELECT 1 FROM events_eventepc y WHERE y.key_id = g.{far_end} AND y.role IN ({far}) AND y.event_id = g.event_id
) THEN 1 ELSE 2 END)
FROM events_lotedge g GROUP BY g.{near_end}, g.event_id
"""
STRAYS = """
INSERT INTO epc_link_ends (event_id, key_id, side, link)
SELECT t.event_id, t.key_id, 1 - t.side, 2 FROM epc_link_ends t WHERE t.side = {side} AND NOT EXISTS (
    SELECT 1 FROM events_eventepc y WHERE y.key_id = t.key_id AND y.role IN ({near}) AND y.event_id = t.event_id
)
"""
SET = """
UPDATE events_eventepc SET link = t.link
FROM (SELECT event_id, key_id, MAX(link) AS link FROM epc_link_ends WHERE side = {side} GROUP BY event_id, key_id) t
WHERE events_eventepc.key_id = t.key_id AND events_eventepc.role IN ({near}) AND events_eventepc.event_id = t.event_id
"""
SIDES = ((0, SRC, DST, "src_id", "dst_id"), (1, DST, SRC, "dst_id", "src_id"))


def fill(connection) -> None:
    """Set `link` on every mention from `events_lotedge` (all mentions hold NONE before)."""
    with connection.cursor() as cursor:
        cursor.execute(ENDS)
        try:
            for statement in (EDGE_ENDS, STRAYS, SET):
                for side, near, far, near_end, far_end in SIDES:
                    cursor.execute(statement.format(side=side, near=near, far=far, near_end=near_end, far_end=far_end))
        finally:
            cursor.execute("DROP TABLE epc_link_ends")


def forwards(apps, schema_editor) -> None:
    fill(schema_editor.connection)


class AddFieldInPlace(migrations.AddField):
    """AddField by ALTER TABLE ADD COLUMN on SQLite too (its editor would copy the table for NOT NULL)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            BaseDatabaseSchemaEditor.add_field(schema_editor, model, model._meta.get_field(self.name))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0006_event_unique_ids_without_like_twins"),
    ]

    operations = [
        AddFieldInPlace(
            model_name="eventepc",
            name="link",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (0, "không có cạnh phả hệ của sự kiện tại mã này"),
                    (1, "mọi cạnh tại mã này nối tới mã sự kiện cũng nêu"),
                    (2, "có cạnh tại mã này nối tới mã sự kiện không nêu"),
                ],
                db_default=0,
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
        migrations.RemoveIndex(model_name="eventepc", name="events_epc_key_role"),
        migrations.AddIndex(
            model_name="eventepc",
            index=models.Index(fields=["key", "role", "event", "link"], name="events_epc_key_role"),
        ),
    ]
