"""Downsampling and retention of readings, run by the maintenance job (`iot.tasks.maintain`).

Aggregates follow the readings that arrived since the last run (the `received` mark), whatever their time: each
(device, quantity, hour) such a reading falls in is recomputed from its raw readings into one hourly and up to
sixty per-minute aggregates (min, max, mean, count; upserted, so a late logger upload corrects them). Then raw
readings older than `TRUYXUAT_IOT_RAW_DAYS` and minute aggregates older than `TRUYXUAT_IOT_MINUTE_DAYS` are
deleted; hourly aggregates are kept. On PostgreSQL the coming months' partitions are created ahead.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.db.models.functions import TruncHour
from django.utils import timezone

from iot import conf
from iot.models import Aggregate, Mark, Reading

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _touched(since: dt.datetime, until: dt.datetime) -> set[tuple[int, int, dt.datetime]]:
    rows = (
        Reading.objects.filter(received_at__gt=since, received_at__lte=until)
        .annotate(hour=TruncHour("time"))
        .values_list("device_id", "quantity", "hour")
        .distinct()
    )
    return {(d, q, h) for d, q, h in rows}


Row = tuple[int, int, str, dt.datetime, float, float, float, int]


def _aggregate(device_id: int, quantity: int, hours: set[dt.datetime]) -> list[Row]:
    """Hourly and per-minute aggregates of `hours` of one device's quantity, from one range read of its readings."""
    first, last = min(hours), max(hours) + dt.timedelta(hours=1)
    values = (
        Reading.objects.filter(device_id=device_id, quantity=quantity, time__gte=first, time__lt=last)
        .order_by()
        .values_list("time", "value")
    )
    minutes: dict[dt.datetime, list[float]] = defaultdict(list)
    for when, value in values.iterator(chunk_size=10000):
        hour = when.replace(minute=0, second=0, microsecond=0)
        if hour in hours:
            minutes[when.replace(second=0, microsecond=0)].append(value)
    by_hour: dict[dt.datetime, list[float]] = defaultdict(list)
    out: list[Row] = []
    for start, vs in sorted(minutes.items()):
        by_hour[start.replace(minute=0)].extend(vs)
        out.append((device_id, quantity, "m", start, min(vs), max(vs), sum(vs) / len(vs), len(vs)))
    out += [
        (device_id, quantity, "h", start, min(vs), max(vs), sum(vs) / len(vs), len(vs)) for start, vs in by_hour.items()
    ]
    return out


def _upsert(rows: list[Row]) -> None:
    q = connection.ops.quote_name
    sql = (
        f"INSERT INTO iot_aggregate (device_id, quantity, bucket, start, {q('min')}, {q('max')}, mean, {q('count')}) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (device_id, quantity, bucket, start) DO UPDATE SET "
        f"{q('min')} = excluded.{q('min')}, {q('max')} = excluded.{q('max')}, mean = excluded.mean, "
        f"{q('count')} = excluded.{q('count')}"
    )
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(d, qn, b, adapt(t), lo, hi, mean, n) for d, qn, b, t, lo, hi, mean, n in rows])


def downsample(now: dt.datetime | None = None) -> int:
    """Aggregate the hours touched by readings received since the last run; returns how many hours."""
    now = now or timezone.now()
    with transaction.atomic():
        mark, _created = Mark.objects.select_for_update().get_or_create(name="received", defaults={"at": EPOCH})
        hours = _touched(mark.at, now)
        series: dict[tuple[int, int], set[dt.datetime]] = defaultdict(set)
        for d, q, h in hours:
            series[(d, q)].add(h)
        rows = [a for (d, q), hs in sorted(series.items()) for a in _aggregate(d, q, hs)]
        _upsert(rows)
        mark.at = now
        mark.save(update_fields=["at"])
    return len(hours)


def expire(now: dt.datetime | None = None) -> tuple[int, int]:
    """Delete raw readings and minute aggregates past their retention; (readings, minute aggregates) deleted."""
    now = now or timezone.now()
    raw_before = now - dt.timedelta(days=conf.raw_days())
    minute_before = now - dt.timedelta(days=conf.minute_days())
    with transaction.atomic():
        mark = Mark.objects.filter(name="received").first()
        if mark is None:
            return (0, 0)
        # only what the aggregates already cover (received before the mark)
        raw, _ = Reading.objects.filter(time__lt=raw_before, received_at__lte=mark.at).delete()
        minutes, _ = Aggregate.objects.filter(bucket="m", start__lt=minute_before).delete()
    return raw, minutes


def ensure_partitions(now: dt.datetime | None = None, months_ahead: int = 3) -> int:
    """PostgreSQL: the monthly partitions of the readings table up to `months_ahead` months from now."""
    if connection.vendor != "postgresql":
        return 0
    now = now or timezone.now()
    made = 0
    year, month = now.year, now.month
    with connection.cursor() as cursor:
        for _i in range(months_ahead + 1):
            nxt = (year + 1, 1) if month == 12 else (year, month + 1)
            name = f"iot_reading_{year}{month:02d}"
            cursor.execute("SELECT to_regclass(%s)", [name])
            if cursor.fetchone()[0] is None:
                cursor.execute(
                    f"CREATE TABLE {name} PARTITION OF iot_reading "
                    f"FOR VALUES FROM ('{year}-{month:02d}-01') TO ('{nxt[0]}-{nxt[1]:02d}-01')"
                )
                made += 1
            year, month = nxt
    return made
