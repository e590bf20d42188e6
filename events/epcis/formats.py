"""The two JSON Schema formats EPCIS uses, as both validators (:mod:`.validation`, :mod:`.fastschema`) check them."""

from __future__ import annotations

import re
from datetime import datetime

__all__ = ["is_date_time", "is_uri"]

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s\"<>\\^`{|}\x00-\x1f\x7f]*$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$")


def is_uri(value: object) -> bool:
    """``format: uri`` as EPCIS uses it: an absolute URI (scheme ``:`` rest, no spaces, no control characters)."""
    return not isinstance(value, str) or bool(_URI.match(value))


def is_date_time(value: object) -> bool:
    """``format: date-time``: an RFC 3339 timestamp *with* a time zone."""
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("z", "Z").replace("t", "T", 1))
    except ValueError:
        return False
    return True
