"""Cache of public pages: per-lot and global generation numbers, bumped when the records behind a page change.

A cached page's key carries the global generation and its lot's generation, so bumping either makes the
old entries unreachable (they expire by themselves). Catalogue, quality and recall writes bump through
model signals (`connect()`, called from PortalConfig.ready); other apps may call `invalidate_lot` or
`invalidate_all` after their writes. EPCIS captures are not signalled (bulk inserts): cached pages live at
most PAGE_TIMEOUT seconds, so a new chain step shows within that time.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

PAGE_TIMEOUT = 60
GLOBAL = "portal:gen"


def _cache() -> Any:
    return caches["portal"]


def _lot_key(gtin: str, lot_code: str) -> str:
    return f"portal:gen:{gtin}:{lot_code}"


def versions(gtin: str, lot_code: str) -> str:
    values = _cache().get_many([GLOBAL, _lot_key(gtin, lot_code)])
    return f"{values.get(GLOBAL, 0)}.{values.get(_lot_key(gtin, lot_code), 0)}"


def page_key(kind: str, gtin: str, lot_code: str, variant: str) -> str:
    # File and memcached keys must be short and plain: hash the lot code.
    import hashlib

    digest = hashlib.sha1(f"{gtin}/{lot_code}".encode()).hexdigest()[:16]
    return f"portal:{kind}:{digest}:{variant}:{versions(gtin, lot_code)}"


def get(key: str) -> Any:
    return _cache().get(key)


def put(key: str, value: Any, timeout: int = PAGE_TIMEOUT) -> None:
    _cache().set(key, value, timeout)


def _bump(key: str) -> None:
    cache = _cache()
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


def invalidate_lot(gtin: str, lot_code: str) -> None:
    transaction.on_commit(lambda: _bump(_lot_key(gtin, lot_code)))


def invalidate_all() -> None:
    transaction.on_commit(lambda: _bump(GLOBAL))


def _on_lot(sender: Any, instance: Any, **kwargs: Any) -> None:
    invalidate_lot(instance.product.gtin, instance.lot_code)


def _on_any(sender: Any, **kwargs: Any) -> None:
    invalidate_all()


def connect() -> None:
    from django.apps import apps

    from catalog.models import Certificate, Facility, GrowingArea, Lot, Organization, Product

    post_save.connect(_on_lot, sender=Lot, dispatch_uid="portal-lot")
    m2m_changed.connect(_on_any, sender=Lot.origin_areas.through, dispatch_uid="portal-lot-areas")
    for model in (Certificate, Facility, GrowingArea, Organization, Product):
        post_save.connect(_on_any, sender=model, dispatch_uid=f"portal-{model.__name__}")
        post_delete.connect(_on_any, sender=model, dispatch_uid=f"portal-del-{model.__name__}")
    for label, names in (("quality", ("LabTest",)), ("recalls", ("Recall", "RecallLot"))):
        if apps.is_installed(label):
            for name in names:
                try:
                    model = apps.get_model(label, name)
                except LookupError:
                    continue
                post_save.connect(_on_any, sender=model, dispatch_uid=f"portal-{label}-{name}")
