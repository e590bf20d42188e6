"""PostgreSQL: how many distinct lots the genealogy edges' ends hold, told to the planner rather than sampled.

ANALYZE estimates the distinct values of a column from a sample of 30,000 rows, and the edges' ends are clustered
(a lot's edges are written together, and an additive's lot feeds a great many batches): it found 133,375 distinct
sources among 5,024,114 edges at 10M events where there are 2,808,246, and expected 63 edges a lot where there are
1.8. With that estimate the planner read a recall's next level (120,720 lots) by a merge join over the whole edge index (700 ms)
rather than by one index probe per lot (200 ms) (bench/README.md, "Stop 35").

A negative `n_distinct` is a fraction of the rows, so it holds as the province grows: a lot is the source of about
two edges and the destination of about three (0.56 and 0.37 of the rows at 1M and at 10M events in the benchmark's
province). SQLite plans these reads from the covering indexes alone: nothing to tell it.
"""

from django.db import migrations

# (column, n_distinct)
ENDS = [("src_id", -0.5), ("dst_id", -0.35)]


def tell(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    settings = ", ".join(f"ALTER COLUMN {column} SET (n_distinct = {value})" for column, value in ENDS)
    schema_editor.execute(f"ALTER TABLE events_lotedge {settings}")
    schema_editor.execute("ANALYZE events_lotedge")  # the option applies from the next ANALYZE


def forget(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    settings = ", ".join(f"ALTER COLUMN {column} RESET (n_distinct)" for column, _value in ENDS)
    schema_editor.execute(f"ALTER TABLE events_lotedge {settings}")
    schema_editor.execute("ANALYZE events_lotedge")


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0013_projection_references_unconstrained"),
    ]

    operations = [migrations.RunPython(tell, forget)]
