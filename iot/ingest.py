"""Storing readings: one service for every way they arrive (HTTP batches, LoRaWAN webhooks, the MQTT bridge).

All or nothing per call: a sample of an unknown, revoked or other organisation's device, a quantity the device
does not measure, or a time too far in the future or the past refuses the whole call with a clear message, and
nothing is stored. Stored readings are deduplicated on (device, quantity, time) by the table's unique constraint
(`ON CONFLICT DO NOTHING`, one `executemany`), so a logger that uploads the same file twice, or an MQTT message
delivered twice, is stored once. A reading is acknowledged (HTTP answer, MQTT bridge's commit) only after the
transaction that stores it has committed.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.permissions import Actor
from core import audit
from core.choices import AuditAction
from core.storage.db import array_literal
from iot import conf
from iot.models import Credential, Device
from iot.payloads import Parsed, Sample
from iot.secrets import check_secret
from iot.units import QUANTITIES

INSERT = (
    "INSERT INTO iot_reading (device_id, quantity, time, value, received_at, skewed) "
    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (device_id, quantity, time) DO NOTHING"
)

INSERT_ARRAYS = (  # the columns as arrays; times as microseconds since the epoch, the arrival time once per call
    "INSERT INTO iot_reading (device_id, quantity, time, value, received_at, skewed) "
    "SELECT d, q, timestamptz 'epoch' + t * interval '1 microsecond', v, "
    "timestamptz 'epoch' + %s::bigint * interval '1 microsecond', s "
    "FROM unnest(%s::bigint[], %s::smallint[], %s::bigint[], %s::float8[], %s::boolean[]) AS r(d, q, t, v, s)"
)
DEDUPE = " ON CONFLICT (device_id, quantity, time) DO NOTHING"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND = dt.timedelta(microseconds=1)


@dataclass
class Stored:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    skewed: int = 0
    excursions: int = 0


class Refused(ValidationError):
    """The call stores nothing; `message` is Vietnamese / English."""


def authenticate(identifier: str, secret: str) -> Device | None:
    """The active device whose live credential matches, else None."""
    device = Device.objects.filter(identifier=identifier, status="active").select_related("organization").first()
    if device is None:
        return None
    hashes = Credential.objects.filter(device=device, revoked_at=None).values_list("secret_hash", flat=True)
    return device if any(check_secret(secret, h) for h in hashes) else None


def resolve(organization_id: int, parsed: Parsed, default: Device | None) -> dict[int, tuple[Device, list[Sample]]]:
    """Group samples by device: a sample naming a device (identifier or DevEUI) must name one of the caller's
    organisation's active devices; a device credential (`default`) may send only its own."""
    names = {s.device for s in parsed.samples if s.device is not None} | {k for k in parsed.battery if k}
    found: dict[str, Device] = {}
    if names:
        upper = {n.upper().replace(":", "").replace("-", "") for n in names}
        for device in Device.objects.filter(identifier__in=names) | Device.objects.filter(dev_eui__in=upper):
            found[device.identifier] = device
            if device.dev_eui:
                found[device.dev_eui] = device
    groups: dict[int, tuple[Device, list[Sample]]] = {}
    if default is not None and not found and all(s.device is None for s in parsed.samples):
        if default.organization_id != organization_id or default.status != "active":
            raise Refused(f"Thiết bị đã bị thu hồi / device revoked: {default.identifier}")
        return {default.pk: (default, parsed.samples)}  # a device sending its own readings (the usual case)
    for sample in parsed.samples:
        key = sample.device
        named = default if key is None else found.get(key) or found.get(key.upper().replace(":", "").replace("-", ""))
        if named is None:
            raise Refused(f"Thiết bị không có trong sổ đăng ký / unknown device: {key or '(none)'}")
        if named.organization_id != organization_id or (default is not None and named.pk != default.pk):
            raise Refused(f"Thiết bị không thuộc tổ chức / device of another organisation: {key}")
        if named.status != "active":
            raise Refused(f"Thiết bị đã bị thu hồi / device revoked: {named.identifier}")
        groups.setdefault(named.pk, (named, []))[1].append(sample)
    return groups


def _check(device: Device, samples: list[Sample], now: dt.datetime, live: bool) -> list[tuple[Any, ...]]:
    """Rows for the insert: times in range, quantities the device measures; skew flagged."""
    oldest = now - dt.timedelta(days=conf.max_past_days())
    newest = now + dt.timedelta(seconds=conf.max_future_seconds())
    skew = dt.timedelta(seconds=conf.skew_seconds())
    measures = {QUANTITIES[str(q)].code for q in device.quantities if str(q) in QUANTITIES}
    adapt = _adapter()
    received = adapt(now)
    rows = []
    pk = device.pk
    ahead, behind = now + skew, now - skew
    for s in samples:
        when = s.time or now
        if when > newest:
            raise Refused(f"Thời điểm ở tương lai / time in the future: {device.identifier} {when.isoformat()}")
        if when < oldest:
            raise Refused(f"Thời điểm quá cũ / time too far in the past: {device.identifier} {when.isoformat()}")
        code = s.quantity.code
        if code not in measures:
            raise Refused(f"Thiết bị không đo {s.quantity.name} / the device does not measure {s.quantity.name}")
        skewed = when > ahead or (live and s.time is not None and when < behind)
        rows.append((pk, code, adapt(when), float(s.value), received, skewed))
    return rows


def _array_literals(rows: list[tuple[Any, ...]]) -> list[str]:
    """INSERT_ARRAYS' parameters: the arrival time (one per call: `store`'s `now`), then the rows' columns as
    PostgreSQL array literals, joined here: psycopg's list dumpers quote element by element in Python (two fifths
    of a 5,000-reading request's time; bench/README.md, "IoT"), the server parses the text in C. Integers (times
    in microseconds: exact, and three times quicker to write than ISO 8601) and booleans need no quoting; `repr`
    of a float is exact."""
    device, quantity, when, value, received, skewed = zip(*rows, strict=True)
    return [
        str(received[0]),
        array_literal(device),
        array_literal(quantity),
        array_literal(when),
        array_literal(value, repr),
        array_literal("t" if s else "f" for s in skewed),
    ]


def _adapter() -> Any:
    """Datetimes as the insert takes them: SQLite's text form of the UTC time (what Django writes); for
    PostgreSQL, microseconds since the epoch (`INSERT_ARRAYS`)."""
    if connection.vendor != "sqlite":

        def micros(value: dt.datetime) -> int:
            return (value - EPOCH) // MICROSECOND

        return micros
    utc = dt.UTC

    def sqlite(value: dt.datetime) -> str:
        if value.tzinfo is not utc:
            value = value.astimezone(utc)
        return value.replace(tzinfo=None).isoformat(" ")

    return sqlite


@transaction.atomic
def store(
    *,
    actor: Actor,
    groups: dict[int, tuple[Device, list[Sample]]],
    battery: dict[str | None, float] | None = None,
    live: bool = False,
    source: str = "http",
    now: dt.datetime | None = None,
) -> Stored:
    """Store every group's samples (see the module's docstring); then the thresholds are evaluated on them
    (`iot.conditions.evaluate`) in the same transaction. `live`: samples sent as they were measured (MQTT,
    LoRaWAN), whose device clock is flagged when it is off by more than the skew allowance."""
    from iot import conditions

    now = now or timezone.now()
    result = Stored()
    per_device: list[tuple[Device, list[Sample], int]] = []
    all_rows: list[tuple[Any, ...]] = []
    for device, samples in groups.values():
        rows = _check(device, samples, now, live)
        result.skewed += sum(1 for r in rows if r[5])
        all_rows.extend(rows)
        per_device.append((device, samples, len(rows)))
    result.received = len(all_rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and all_rows:
            # one statement whatever the batch: each column one array literal (`_array_literals`). New readings
            # (the usual upload) go in plainly: ON CONFLICT's speculative insertion cost a fifth more per batch
            # (bench/README.md, "IoT"); a batch with a reading already stored (or twice in it) fails at once and
            # is inserted again with ON CONFLICT DO NOTHING.
            literals = _array_literals(all_rows)
            try:
                with transaction.atomic():
                    cursor.execute(INSERT_ARRAYS, literals)
            except IntegrityError:
                cursor.execute(INSERT_ARRAYS + DEDUPE, literals)
            result.stored = max(cursor.rowcount, 0)
        else:
            cursor.executemany(INSERT, all_rows)
            result.stored = max(cursor.rowcount, 0) if cursor.rowcount is not None else len(all_rows)
    result.duplicates = result.received - result.stored
    battery = battery or {}
    for device, samples, count in per_device:
        level = battery.get(device.identifier, battery.get(device.dev_eui or "", battery.get(None)))
        fields: dict[str, Any] = {"last_seen_at": now, "silent_alerted_at": None}
        if level is not None:
            fields["battery"] = level
        Device.objects.filter(pk=device.pk).update(**fields)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=device,
            organization_id=device.organization_id,
            after={"readings": count, "source": source},
            reason=f"readings via {source}",
        )
        result.excursions += conditions.evaluate(device, samples, now)
    _keep_maintained()
    return result


_last_scheduled = -1e9


def _keep_maintained() -> None:
    """A maintenance run waits whenever readings arrive (looked at most every 30 s per process)."""
    global _last_scheduled
    if time.monotonic() - _last_scheduled > 30:
        from iot import tasks

        tasks.schedule()
        _last_scheduled = time.monotonic()


def group_by_quantity(samples: list[Sample]) -> dict[str, list[Sample]]:
    out: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        out[s.quantity.name].append(s)
    return out
