"""What a detector reports: one `Finding` per thing found, which the run turns into (or onto) a `Flag`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass
class Finding:
    kind: str
    fingerprint: str
    organization_id: int | None
    facts: dict[str, Any]  # fill the kind's sentence (`analysis.texts`); strings and plain numbers only
    evidence: list[tuple[str, str]]  # (label msgid, value) rows shown under the sentence
    severity: Decimal = Decimal(1)
    lots: list[tuple[int, str, str]] = field(default_factory=list)  # (lot id, product name, lot code)
    points: list[tuple[float, float, str]] = field(default_factory=list)  # (lat, lon, label) for the map
    lot_id: int | None = None
    growing_area_id: int | None = None
    gtin: str = ""
    serial: str = ""
    hold_lot_ids: list[int] = field(default_factory=list)  # lots whose publication this may hold (high risk)
    thresholds: dict[str, Any] = field(default_factory=dict)


def kg(value: Decimal) -> str:
    """A mass as plain text for facts (the page formats it the Vietnamese way)."""
    return str(value.quantize(Decimal("0.1")))


def day(value: dt.date | dt.datetime) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else str(value)
