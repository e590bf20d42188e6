"""Canonical JSON: the bytes every ledger leaf and every stored EPCIS event are made of (pure: no Django)."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["canonical_bytes"]


def canonical_bytes(obj: Any) -> bytes:
    """Deterministic JSON: sorted keys, no whitespace, UTF-8 (not \\u-escaped), no NaN/Infinity.

    Two objects that are equal as JSON give the same bytes, whatever their key order.
    Raises ValueError for NaN/Infinity and TypeError for values JSON cannot hold.
    """
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
