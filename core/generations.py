"""Generations of the public pages, kept in the database so that every process and every machine sees them.

One `PublicGeneration` row per lot (`lot:<gtin>/<lot code>`), per product (`product:<gtin>`) and one for the
whole site (`*`). A write that changes what a consumer sees bumps the rows it affects *in its own transaction*
(`bump`, `bump_lots`, `bump_products`, `bump_all`), so the new generation becomes visible exactly when the new
facts do, to every reader at once. A public page reads the generations of its lot, its product and the site in
one query on the primary key (`read`) and keys its caches with them (`portal.cache`): a cached copy made before
the write is then never served again, by any worker, whichever cache it lives in.

Mechanics only (no domain rules): which writes bump what is decided by the services and `portal.cache`.
Rows are never deleted, so a generation never goes back to a value an older cached page was keyed with.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from core.models import PublicGeneration

SITE = "*"
TABLE = PublicGeneration._meta.db_table
CHUNK = 500
# One statement for both SQLite (3.24+) and PostgreSQL: insert at 1, or add 1 to the row already there.
_BUMP = f"INSERT INTO {TABLE} (key, value) VALUES {{values}} ON CONFLICT (key) DO UPDATE SET value = {TABLE}.value + 1"
_READ = f"SELECT key, value FROM {TABLE} WHERE key IN (%s, %s, %s)"


def lot_key(gtin: str, lot_code: str) -> str:
    return f"lot:{gtin}/{lot_code}"


def product_key(gtin: str) -> str:
    return f"product:{gtin}"


def bump(keys: Iterable[str]) -> None:
    """Add one to each generation (creating it at 1), in the caller's transaction.

    Keys are written sorted, so that two transactions bumping some of the same rows on PostgreSQL lock them
    in the same order (the second waits for the first to commit; they do not deadlock on these rows).
    """
    ordered = sorted(set(keys))
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), CHUNK):
            part = ordered[start : start + CHUNK]
            cursor.execute(_BUMP.format(values=", ".join(["(%s, 1)"] * len(part))), part)


def bump_lots(lots: Iterable[tuple[str, str]]) -> None:
    """Bump lots given as (GTIN, lot code)."""
    bump(lot_key(gtin, code) for gtin, code in lots if gtin and code)


def bump_products(gtins: Iterable[str]) -> None:
    bump(product_key(gtin) for gtin in gtins if gtin)


def bump_all() -> None:
    """Every public page: for rare writes whose effects cannot be narrowed cheaply (an organisation renamed)."""
    bump([SITE])


def read(gtin: str, lot_code: str) -> str:
    """The generations of the site, the product and the lot, as `site.product.lot` (0 where never bumped)."""
    keys = (SITE, product_key(gtin), lot_key(gtin, lot_code))
    with connection.cursor() as cursor:
        cursor.execute(_READ, keys)
        found = dict(cursor.fetchall())
    return ".".join(str(found.get(k, 0)) for k in keys)
