"""Query schedules (EPCIS 2.0 §8.2.5.3: second, minute, hour, dayOfMonth, month, dayOfWeek) parsed and run:
pure reading of the schedule, used by the subscription service and by the delivery worker."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

SCHEDULE_FIELDS: tuple[tuple[str, int, int], ...] = (
    ("second", 0, 59),
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("dayOfMonth", 1, 31),
    ("month", 1, 12),
    ("dayOfWeek", 1, 7),  # 1 Monday … 7 Sunday
)


class SubscriptionInvalid(ValueError):
    """A subscription request the binding does not allow (answered as SubscriptionControlsException)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_schedule(raw: Any) -> dict[str, list[int]]:
    """A query schedule (EPCIS: second, minute, hour, dayOfMonth, month, dayOfWeek; each a number, `[a-b]` range,
    `a-b`, `*` or `a/step`, comma-separated) as the sorted values each field allows; an omitted field allows
    every value, except `second`, which is 0 when omitted. Raises `SubscriptionInvalid`."""
    if not isinstance(raw, dict) or not raw:
        raise SubscriptionInvalid("schedule phải là đối tượng có ít nhất một trường / schedule must name a field")
    unknown = sorted(set(raw) - {f for f, _lo, _hi in SCHEDULE_FIELDS})
    if unknown:
        raise SubscriptionInvalid(f"schedule: trường không biết / unknown field {unknown[0]!r}")
    out: dict[str, list[int]] = {}
    for field, low, high in SCHEDULE_FIELDS:
        value = raw.get(field)
        if value is None:
            out[field] = [0] if field == "second" else list(range(low, high + 1))
            continue
        allowed: set[int] = set()
        for part in str(value).replace(" ", "").split(","):
            allowed |= _schedule_part(field, part, low, high)
        out[field] = sorted(allowed)
    return out


def _schedule_part(field: str, part: str, low: int, high: int) -> set[int]:
    match = re.fullmatch(r"\[?(\*|\d{1,2})(?:-(\d{1,2}))?\]?(?:/(\d{1,2}))?", part)
    if match is None:
        raise SubscriptionInvalid(f"schedule.{field}: không đọc được / cannot read {part[:20]!r}")
    start_text, end_text, step_text = match.groups()
    start = low if start_text == "*" else int(start_text)
    end = int(end_text) if end_text else (high if start_text == "*" or step_text else start)
    step = int(step_text) if step_text else 1
    if not low <= start <= end <= high or step < 1:
        raise SubscriptionInvalid(f"schedule.{field}: ngoài khoảng / out of range {low}–{high}: {part[:20]!r}")
    return set(range(start, end + 1, step))


def next_run(schedule: dict[str, list[int]], after: datetime) -> datetime:
    """The first time after `after` (in the server's time zone) that the parsed schedule allows."""
    local = timezone.localtime(after).replace(microsecond=0)
    day = local.date()
    for _offset in range(366 * 8 + 1):  # 29 February on a Monday comes round within 28 years; 8 cover leap days
        if (
            day.day in schedule["dayOfMonth"]
            and day.month in schedule["month"]
            and day.isoweekday() in schedule["dayOfWeek"]
        ):
            for hour in schedule["hour"]:
                for minute in schedule["minute"]:
                    for second in schedule["second"]:
                        candidate = local.replace(
                            year=day.year, month=day.month, day=day.day, hour=hour, minute=minute, second=second
                        )
                        if candidate > local:
                            return candidate
        day += timedelta(days=1)
    raise SubscriptionInvalid("schedule: không bao giờ chạy / the schedule never runs")
