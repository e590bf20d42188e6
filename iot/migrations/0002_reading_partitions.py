"""PostgreSQL: the readings table partitioned by month of `time` (declarative range partitioning), so time-range
queries touch only their months and retention drops whole months. SQLite keeps the plain table.

A partitioned table's unique constraints must include the partition key: the primary key becomes (id, time) in the
database (Django still addresses rows by id, which stays unique through its sequence) and the dedupe constraint
(device, quantity, time) already includes it. Partitions from 2024 to 2030 are made here plus a default one;
`iot.retention.ensure_partitions` adds later months ahead of time.
"""

from django.db import migrations

CREATE = """
DROP TABLE iot_reading;
CREATE SEQUENCE iot_reading_id_seq;
CREATE TABLE iot_reading (
    id bigint NOT NULL DEFAULT nextval('iot_reading_id_seq'),
    device_id bigint NOT NULL REFERENCES iot_device (id) DEFERRABLE INITIALLY DEFERRED,
    quantity smallint NOT NULL CHECK (quantity >= 0),
    time timestamp with time zone NOT NULL,
    value double precision NOT NULL,
    received_at timestamp with time zone NOT NULL,
    skewed boolean NOT NULL,
    PRIMARY KEY (id, time),
    CONSTRAINT iot_reading_once UNIQUE (device_id, quantity, time)
) PARTITION BY RANGE (time);
ALTER SEQUENCE iot_reading_id_seq OWNED BY iot_reading.id;
CREATE TABLE iot_reading_default PARTITION OF iot_reading DEFAULT;
"""


def months(first_year: int, last_year: int) -> list[tuple[str, str, str]]:
    out = []
    for year in range(first_year, last_year + 1):
        for month in range(1, 13):
            nxt = (year + 1, 1) if month == 12 else (year, month + 1)
            out.append((f"{year}{month:02d}", f"{year}-{month:02d}-01", f"{nxt[0]}-{nxt[1]:02d}-01"))
    return out


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE)
    for name, start, end in months(2024, 2030):
        schema_editor.execute(
            f"CREATE TABLE iot_reading_{name} PARTITION OF iot_reading FOR VALUES FROM ('{start}') TO ('{end}')"
        )


class Migration(migrations.Migration):
    dependencies = [("iot", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
