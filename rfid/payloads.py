"""Reader messages, as common fixed readers emit them, read into `Read`s (hex EPC, antenna, RSSI, time). No Django.

- Impinj (Speedway Connect / ItemSense style): `{"tag_reads": [{"epc", "antennaPort", "peakRssi",
  "firstSeenTimestamp" (µs since 1970)}]}`;
- Zebra (FX series IoT Connector): one `{"type": "SIMPLE", "timestamp", "data": {"idHex", "antenna",
  "peakRssi"}}` or a list of them;
- plain: `{"reads": [{"epc", "antenna", "rssi", "time"}]}` (time RFC 3339 or epoch seconds/ms/µs).

An antenna and a time are optional (the time of arrival then); a read without an EPC is malformed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

MAX_READS = 20_000


class PayloadError(ValueError):
    """The message is not one of the shapes above; the message is Vietnamese / English."""


@dataclass
class Read:
    epc: str
    antenna: int | None
    rssi: float | None
    time: dt.datetime | None


def _time(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise PayloadError("Thời điểm đọc không hợp lệ / invalid read time")
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        number = float(value)
        for scale in (1, 1e3, 1e6):  # seconds, milliseconds, microseconds since 1970
            if number / scale < 1e10:
                return dt.datetime.fromtimestamp(number / scale, tz=dt.UTC)
        raise PayloadError("Thời điểm đọc không hợp lệ / invalid read time")
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise PayloadError(f"Thời điểm đọc không hợp lệ / invalid read time: {value!r}") from None
    if moment.tzinfo is None:
        raise PayloadError("Thời điểm đọc cần múi giờ / a read time needs its offset")
    return moment


def _number(value: Any, kind: type) -> Any:
    if value in (None, ""):
        return None
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise PayloadError(f"Giá trị không phải số / not a number: {value!r}") from None


def _read(row: Any, epc: str, antenna: str, rssi: str, time: str) -> Read:
    if not isinstance(row, dict) or not isinstance(row.get(epc), str):
        raise PayloadError("Mỗi lần đọc cần mã EPC / every read needs its EPC")
    return Read(row[epc], _number(row.get(antenna), int), _number(row.get(rssi), float), _time(row.get(time)))


def parse(doc: Any) -> list[Read]:
    """The reads of a message (see the module); `PayloadError` when it is none of the shapes."""
    rows: list[Read]
    if isinstance(doc, dict) and isinstance(doc.get("tag_reads"), list):
        rows = [_read(r, "epc", "antennaPort", "peakRssi", "firstSeenTimestamp") for r in doc["tag_reads"]]
    elif isinstance(doc, dict) and isinstance(doc.get("reads"), list):
        rows = [_read(r, "epc", "antenna", "rssi", "time") for r in doc["reads"]]
    elif isinstance(doc, dict | list) and all(isinstance(m, dict) and "data" in m for m in _list(doc)):
        rows = []
        for message in _list(doc):
            read = _read(message["data"], "idHex", "antenna", "peakRssi", "eventNum")
            read.time = _time(message.get("timestamp"))
            rows.append(read)
    else:
        raise PayloadError("Không nhận ra định dạng đầu đọc / not a reader message this platform reads")
    if not rows:
        raise PayloadError("Không có lần đọc nào / no reads in the message")
    if len(rows) > MAX_READS:
        raise PayloadError(f"Quá {MAX_READS} lần đọc một lần gửi / more than {MAX_READS} reads in one message")
    return rows


def _list(doc: Any) -> list[Any]:
    return doc if isinstance(doc, list) else [doc]
