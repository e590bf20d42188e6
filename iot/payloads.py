"""Reading payloads as devices and network servers send them, parsed into plain samples. Pure (no Django).

Shapes accepted:
- ours (HTTP batch, MQTT): `{"readings": [{"time", "quantity", "value", "unit"?}, …], "battery"?}` or one sample
  `{"time", "temperature": 4.2, "relative_humidity": 71, …}`, or `{"samples": [<sample>, …]}`; `device` names the
  device when an organisation's token sends for several;
- CSV from data loggers: `time,quantity,value[,unit]` or wide `time,temperature,relative_humidity,…`
  (`device` column optional);
- The Things Stack v3 uplink webhook: `end_device_ids.{device_id,dev_eui}`, `uplink_message.decoded_payload`,
  `received_at` / `uplink_message.settings.time` / `rx_metadata[].time`;
- ChirpStack v4 uplink event: `deviceInfo.{devEui,deviceName}`, `object`, `time`.
Times are ISO 8601 with an offset (or `Z`) or Unix seconds; a time without offset is refused (a logger's local
clock is ambiguous).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass, field
from typing import Any

from iot.units import ALIASES, BATTERY_KEYS, BY_ALIAS, Quantity, QuantityError, normalise, quantity

MAX_SAMPLES = 200_000  # one request


class PayloadError(ValueError):
    """A payload the platform cannot read; the message is Vietnamese / English."""


@dataclass(slots=True)
class Sample:
    device: str | None  # the device's identifier or DevEUI when the payload names it
    time: dt.datetime | None  # None: the arrival time (live uplinks without a clock)
    quantity: Quantity
    value: float


@dataclass
class Parsed:
    samples: list[Sample] = field(default_factory=list)
    battery: dict[str | None, float] = field(default_factory=dict)  # device → percent


def parse_time(value: Any, where: str) -> dt.datetime:
    if type(value) is str:  # the usual case first: ISO 8601 with an offset or Z (Python 3.11 reads both)
        try:
            quick = dt.datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if quick.tzinfo is None:
                raise PayloadError(f"{where}: thời điểm thiếu múi giờ / time without UTC offset {value!r}")
            return quick
    if isinstance(value, bool):
        raise PayloadError(f"{where}: thời điểm không hợp lệ / invalid time")
    if isinstance(value, int | float):
        if not math.isfinite(value) or not (0 < value < 4102444800):
            raise PayloadError(f"{where}: thời điểm không hợp lệ / invalid time {value!r}")
        return dt.datetime.fromtimestamp(float(value), tz=dt.UTC)
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(f"{where}: thiếu thời điểm / time missing")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    if "." in text:  # fromisoformat of 3.11 takes at most 6 fraction digits (ChirpStack sends 9)
        head, _dot, rest = text.partition(".")
        digits = len(rest) - len(rest.lstrip("0123456789"))
        text = f"{head}.{rest[: min(digits, 6)]}{rest[digits:]}"
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise PayloadError(f"{where}: thời điểm không hợp lệ / invalid time {value!r}") from None
    if when.tzinfo is None:
        raise PayloadError(f"{where}: thời điểm thiếu múi giờ / time without UTC offset {value!r}")
    return when


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PayloadError(f"{where}: giá trị không phải số / value is not a number")
    try:
        number = float(value)
    except ValueError:
        raise PayloadError(f"{where}: giá trị không phải số / value is not a number {value!r}") from None
    if not math.isfinite(number):
        raise PayloadError(f"{where}: giá trị không hợp lệ / value is not finite")
    return number


def _reading(device: str | None, when: dt.datetime | None, name: str, value: Any, uom: Any, where: str) -> Sample:
    q = BY_ALIAS.get(name)
    kind = type(value)
    if q is not None and uom is None and (kind is float or kind is int) and q.low <= value <= q.high:
        return Sample(device, when, q, float(value))  # the usual case: a known name, a plain number in range
    try:
        q = quantity(str(name))
        number = normalise(q, _number(value, where), str(uom) if uom else None)
    except QuantityError as exc:
        raise PayloadError(f"{where}: {exc} / đại lượng, đơn vị hoặc giá trị ngoài phạm vi") from None
    return Sample(device, when, q, number)


def _sample(out: Parsed, device: str | None, obj: dict[str, Any], where: str, when: dt.datetime | None) -> None:
    """A flat object of quantity names → values (decoded payloads, our one-sample form)."""
    found = False
    for key, value in obj.items():
        if key in BY_ALIAS:
            out.samples.append(_reading(device, when, key, value, None, where))
            found = True
            continue
        low = key.lower()
        if low in BATTERY_KEYS:
            out.battery[device] = max(0.0, min(100.0, _number(value, f"{where}/{key}")))
        elif low in ALIASES:
            out.samples.append(_reading(device, when, low, value, None, f"{where}/{key}"))
            found = True
    if not found:
        raise PayloadError(f"{where}: không có số đo nào / no reading in the payload")


def _ours(out: Parsed, doc: dict[str, Any]) -> None:
    device = doc.get("device")
    device = str(device) if device is not None else None
    if "readings" in doc:
        rows = doc["readings"]
        if not isinstance(rows, list) or not rows:
            raise PayloadError("readings: cần một danh sách số đo / a non-empty list is required")
        for i, row in enumerate(rows):
            where = f"readings/{i}"
            if not isinstance(row, dict):
                raise PayloadError(f"{where}: cần một đối tượng / an object is required")
            who = str(row["device"]) if row.get("device") is not None else device
            for key in ("quantity", "value"):
                if key not in row:
                    raise PayloadError(f"{where}: thiếu {key} / {key} missing")
            when = parse_time(row.get("time"), f"{where}/time")
            out.samples.append(_reading(who, when, row["quantity"], row["value"], row.get("unit"), where))
    elif "samples" in doc:
        rows = doc["samples"]
        if not isinstance(rows, list) or not rows:
            raise PayloadError("samples: cần một danh sách / a non-empty list is required")
        _samples(out, rows, device)
    else:
        at = parse_time(doc["time"], "time") if "time" in doc else None
        _sample(out, device, {k: v for k, v in doc.items() if k not in ("time", "device")}, "", at)
    if "battery" in doc and ("readings" in doc or "samples" in doc):
        out.battery[device] = max(0.0, min(100.0, _number(doc["battery"], "battery")))


def _samples(out: Parsed, rows: list[Any], device: str | None) -> None:
    """`{"samples": [{"time", <quantity>: <value>, …}, …]}`, a logger's flush: `_sample` for each row, with the
    usual row (an offset time, known names, plain numbers in range) read inline — a batch of 5,000 readings spent
    most of its parsing in building each row's copy, place names and calls (bench/README.md, "IoT")."""
    append = out.samples.append
    by_alias = BY_ALIAS.get
    fromisoformat = dt.datetime.fromisoformat
    for i, row in enumerate(rows):
        if type(row) is not dict:
            raise PayloadError(f"samples/{i}: cần một đối tượng / an object is required")
        stamp = row.get("time")
        when = None
        if type(stamp) is str:
            try:
                when = fromisoformat(stamp)
            except ValueError:
                when = None
        if when is None or when.tzinfo is None:
            when = parse_time(stamp, f"samples/{i}/time")
        who = device if row.get("device") is None else str(row["device"])
        before = len(out.samples)
        plain = True
        for key, value in row.items():
            q = by_alias(key)
            kind = type(value)
            if q is not None and (kind is float or kind is int) and q.low <= value <= q.high:
                append(Sample(who, when, q, float(value)))
            elif key != "time" and key != "device":
                plain = False
                break
        if not plain:  # anything else (units, aliases, battery, a value to check): the general reading
            del out.samples[before:]
            _sample(out, who, {k: v for k, v in row.items() if k not in ("time", "device")}, f"samples/{i}", when)
        elif len(out.samples) == before:
            raise PayloadError(f"samples/{i}: không có số đo nào / no reading in the payload")


def _things_stack(out: Parsed, doc: dict[str, Any]) -> None:
    ids = doc.get("end_device_ids") or {}
    uplink = doc.get("uplink_message")
    if not isinstance(ids, dict) or not isinstance(uplink, dict):
        raise PayloadError("end_device_ids, uplink_message: sai cấu trúc / malformed uplink")
    device = ids.get("dev_eui") or ids.get("device_id")
    decoded = uplink.get("decoded_payload")
    if not isinstance(decoded, dict):
        raise PayloadError("uplink_message.decoded_payload: thiếu dữ liệu đã giải mã / decoded payload missing")
    meta = uplink.get("rx_metadata") or [{}]
    stamp = (uplink.get("settings") or {}).get("time") or (meta[0] or {}).get("time") or doc.get("received_at")
    when = parse_time(stamp, "received_at") if stamp else None
    _sample(out, str(device) if device else None, decoded, "uplink_message/decoded_payload", when)


def _chirpstack(out: Parsed, doc: dict[str, Any]) -> None:
    info = doc.get("deviceInfo")
    decoded = doc.get("object")
    if not isinstance(info, dict) or not isinstance(decoded, dict):
        raise PayloadError("deviceInfo, object: sai cấu trúc / malformed ChirpStack uplink (decoded object missing)")
    device = info.get("devEui") or info.get("deviceName")
    when = parse_time(doc["time"], "time") if doc.get("time") else None
    _sample(out, str(device) if device else None, decoded, "object", when)


def parse_json(doc: Any) -> Parsed:
    """Samples of a decoded JSON document, whichever shape it has."""
    if not isinstance(doc, dict):
        raise PayloadError("cần một đối tượng JSON / a JSON object is required")
    out = Parsed()
    if "end_device_ids" in doc:
        _things_stack(out, doc)
    elif "deviceInfo" in doc:
        _chirpstack(out, doc)
    else:
        _ours(out, doc)
    if len(out.samples) > MAX_SAMPLES:
        raise PayloadError(f"quá {MAX_SAMPLES} số đo trong một lần gửi / more than {MAX_SAMPLES} readings")
    return out


def parse_csv(text: str) -> Parsed:
    """Samples of a data logger's CSV file (long or wide form, header required)."""
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if "time" not in header:
        raise PayloadError("CSV: thiếu cột time / a 'time' column is required")
    col = {name: i for i, name in enumerate(header)}
    long_form = "quantity" in col and "value" in col
    wide = [h for h in header if h in ALIASES]
    if not long_form and not wide:
        raise PayloadError("CSV: không có cột số đo / no reading column (quantity,value or temperature,…)")
    out = Parsed()
    for n, row in enumerate(reader, start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise PayloadError(f"CSV dòng {n}: số cột sai / line {n}: wrong number of columns")
        where = f"CSV line {n}"
        when = parse_time(row[col["time"]], where)
        device = row[col["device"]].strip() or None if "device" in col else None
        if long_form:
            uom = row[col["unit"]].strip() if "unit" in col else None
            out.samples.append(_reading(device, when, row[col["quantity"]], row[col["value"]].strip(), uom, where))
        else:
            for name in wide:
                cell = row[col[name]].strip()
                if cell:
                    out.samples.append(_reading(device, when, name, cell, None, f"{where}/{name}"))
        if len(out.samples) > MAX_SAMPLES:
            raise PayloadError(f"quá {MAX_SAMPLES} số đo trong một lần gửi / more than {MAX_SAMPLES} readings")
    if not out.samples:
        raise PayloadError("CSV: không có số đo / no readings")
    return out
