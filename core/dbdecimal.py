"""A stored decimal that does not fit its column never breaks a page (SQLite only).

SQLite keeps a DecimalField as a number of any size, and Django's converter quantizes what it reads within the
column's digits: a harvest of 999999999999 (12 digits in a 14-digit, 3-place column) stored by an older
version, or written past the forms, raised `decimal.InvalidOperation` on every page that listed it. Writes are
bounded now (`core.numbers.Limits`); this converter reads such an old row as the number it is and logs it,
so the pages render and an administrator can find and correct the row. PostgreSQL refuses the write itself.
"""

from __future__ import annotations

import logging
from decimal import InvalidOperation
from typing import Any

log = logging.getLogger("truyxuat.numbers")
_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    import django.db.backends.sqlite3.base  # noqa: F401 - import order: base imports operations
    from django.db.backends.sqlite3.operations import DatabaseOperations

    original = DatabaseOperations.get_decimalfield_converter

    def get_decimalfield_converter(self: Any, expression: Any) -> Any:
        strict = original(self, expression)
        loose = original(self, None)  # no column: the number as read, not quantized

        def converter(value: Any, expression: Any, connection: Any) -> Any:
            try:
                return strict(value, expression, connection)
            except InvalidOperation:
                log.warning("stored decimal %r does not fit %s; shown as it is", value, expression)
                return loose(value, expression, connection)

        return converter

    DatabaseOperations.get_decimalfield_converter = get_decimalfield_converter  # type: ignore[method-assign]
