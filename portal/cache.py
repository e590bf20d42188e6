"""Cache of public pages: global, per-product and per-lot generations, bumped when the records behind a page change.

A cached page's key carries the global generation, its product's and its lot's, so bumping any of them makes
the old entries unreachable (they expire by themselves). Writes bump as narrowly as they can, through model
signals (`connect()`, called from PortalConfig.ready): a lot's own changes, lab tests and recall links bump that
lot; a product, organisation, facility, growing area or certificate bumps the products of its organisation;
a recall's notice bumps everything (rare). Other apps may call `invalidate_lot`, `invalidate_organization` or
`invalidate_all` after their writes. Not signalled: EPCIS captures (bulk inserts) and another organisation's
facility named in a chain step: cached pages live at most PAGE_TIMEOUT seconds, so those show within that time.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

log = logging.getLogger(__name__)
PAGE_TIMEOUT = 60
# TRUYXUAT_PORTAL_PAGE_CACHE=0 turns the page cache off (benchmarks of uncached rendering; debugging).
ENABLED = os.environ.get("TRUYXUAT_PORTAL_PAGE_CACHE", "1") != "0"
# TRUYXUAT_PORTAL_DATA_CACHE=0 turns off the cache of lot stories (the data behind a page, per language).
DATA_ENABLED = os.environ.get("TRUYXUAT_PORTAL_DATA_CACHE", "1") != "0"
GLOBAL = "portal:gen"


def _cache() -> Any:
    return caches["portal"]


def _safely(default: Any, func: Any, *args: Any) -> Any:
    """A cache that fails (disk full, a corrupt entry, a race) must only cost a render, never a 500."""
    try:
        return func(*args)
    except Exception:
        log.warning("portal cache: %s failed", getattr(func, "__name__", func), exc_info=True)
        return default


def _lot_key(gtin: str, lot_code: str) -> str:
    return f"portal:gen:{gtin}:{lot_code}"


def _product_key(gtin: str) -> str:
    return f"portal:gen:p:{gtin}"


# Each worker remembers generations for VERSION_TTL seconds and keeps recent pages in memory: a hit then
# touches no file at all. A write elsewhere becomes visible here within VERSION_TTL seconds.
VERSION_TTL = 1.0
LOCAL_PAGES = 512
_versions: dict[str, tuple[float, str]] = {}
_local: OrderedDict[str, Any] = OrderedDict()
_lock = threading.Lock()


def versions(gtin: str, lot_code: str) -> str:
    lot_key = _lot_key(gtin, lot_code)
    now = time.monotonic()
    memo = _versions.get(lot_key)
    if memo and now - memo[0] < VERSION_TTL:
        return memo[1]
    product_key = _product_key(gtin)
    values = _safely({}, _cache().get_many, [GLOBAL, product_key, lot_key])
    value = f"{values.get(GLOBAL, 0)}.{values.get(product_key, 0)}.{values.get(lot_key, 0)}"
    if len(_versions) > 10_000:
        _versions.clear()
    _versions[lot_key] = (now, value)
    return value


def forget_local() -> None:
    """Drop this process's memory of generations and pages (tests; after a bump in this process)."""
    with _lock:
        _versions.clear()
        _local.clear()


def page_key(kind: str, gtin: str, lot_code: str, variant: str) -> str:
    # File and memcached keys must be short and plain: hash the lot code.
    import hashlib

    digest = hashlib.sha1(f"{gtin}/{lot_code}".encode()).hexdigest()[:16]
    return f"portal:{kind}:{digest}:{variant}:{versions(gtin, lot_code)}"


def get(key: str, enabled: bool | None = None) -> Any:
    """A cached page (or, through `get_data`, a lot story): this process's memory first, then the shared cache."""
    if not (ENABLED if enabled is None else enabled):
        return None
    with _lock:
        hit = _local.get(key)
        if hit is not None and time.monotonic() < hit[0]:
            _local.move_to_end(key)
            return hit[1]
    value = _safely(None, _cache().get, key)
    if value is not None:
        _remember(key, value, PAGE_TIMEOUT)
    return value


def _remember(key: str, value: Any, timeout: int) -> None:
    with _lock:
        _local[key] = (time.monotonic() + timeout, value)
        _local.move_to_end(key)
        while len(_local) > LOCAL_PAGES:
            _local.popitem(last=False)


def put(key: str, value: Any, timeout: int = PAGE_TIMEOUT, enabled: bool | None = None) -> None:
    if ENABLED if enabled is None else enabled:
        _safely(None, _cache().set, key, value, timeout)
        _remember(key, value, timeout)


def get_data(key: str) -> Any:
    return get(key, DATA_ENABLED)


def put_data(key: str, value: Any, timeout: int = PAGE_TIMEOUT) -> None:
    put(key, value, timeout, DATA_ENABLED)


def _bump(key: str) -> None:
    _versions.clear()
    cache = _cache()
    try:
        cache.incr(key)
    except ValueError:
        _safely(None, cache.set, key, 1, None)
    except Exception:
        log.warning("portal cache: could not invalidate %s", key, exc_info=True)


def invalidate_lot(gtin: str, lot_code: str) -> None:
    transaction.on_commit(lambda: _bump(_lot_key(gtin, lot_code)))


def invalidate_lots(lot_ids: Iterable[int]) -> None:
    ids = list(lot_ids)

    def bump() -> None:
        from catalog.models import Lot

        for gtin, lot_code in Lot.objects.filter(pk__in=ids).values_list("product__gtin", "lot_code"):
            _bump(_lot_key(gtin, lot_code))

    if ids:
        transaction.on_commit(bump)


def invalidate_organization(organization_id: int | None) -> None:
    """Every page of the organisation's products (its name, address, certificates, areas show on them)."""

    if organization_id is None:
        return

    def bump() -> None:
        from catalog.models import Product

        for gtin in Product.objects.filter(organization_id=organization_id).values_list("gtin", flat=True):
            _bump(_product_key(gtin))

    transaction.on_commit(bump)


def invalidate_all() -> None:
    transaction.on_commit(lambda: _bump(GLOBAL))


def _on_lot(sender: Any, instance: Any, **kwargs: Any) -> None:
    invalidate_lot(instance.product.gtin, instance.lot_code)


def _on_product(sender: Any, instance: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: _bump(_product_key(instance.gtin)))


def _on_organization(sender: Any, instance: Any, **kwargs: Any) -> None:
    invalidate_organization(instance.pk)


def _on_owned(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A certificate, facility, growing area or lab test: its organisation's pages."""
    invalidate_organization(instance.organization_id)


def _on_lot_link(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A recall's link to a lot."""
    if instance.lot_id is not None:
        invalidate_lots([instance.lot_id])


def _on_lots_changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any) -> None:
    """Lots added to or removed from a growing area or a lab test (from either side of the relation)."""
    if not action.startswith("post_"):
        return
    from catalog.models import Lot

    if isinstance(instance, Lot):
        invalidate_lots([instance.pk])
    elif pk_set:
        invalidate_lots(pk_set)
    else:  # cleared from the other side: the lots are gone from the relation; their organisation is known
        invalidate_organization(getattr(instance, "organization_id", None))


def _on_any(sender: Any, **kwargs: Any) -> None:
    invalidate_all()


def connect() -> None:
    from django.apps import apps

    from catalog.models import Certificate, Facility, GrowingArea, Lot, Organization, Product

    post_save.connect(_on_lot, sender=Lot, dispatch_uid="portal-lot")
    m2m_changed.connect(_on_lots_changed, sender=Lot.origin_areas.through, dispatch_uid="portal-lot-areas")
    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        signal.connect(_on_product, sender=Product, dispatch_uid=f"portal-{name}-Product")
        signal.connect(_on_organization, sender=Organization, dispatch_uid=f"portal-{name}-Organization")
        for model in (Certificate, Facility, GrowingArea):
            signal.connect(_on_owned, sender=model, dispatch_uid=f"portal-{name}-{model.__name__}")
    optional: tuple[tuple[str, str, Any], ...] = (
        ("quality", "LabTest", _on_owned),
        ("recalls", "Recall", _on_any),
        ("recalls", "RecallLot", _on_lot_link),
    )
    for label, name, handler in optional:
        if not apps.is_installed(label):
            continue
        try:
            model = apps.get_model(label, name)
        except LookupError:
            continue
        post_save.connect(handler, sender=model, dispatch_uid=f"portal-{label}-{name}")
        if name == "LabTest":
            m2m_changed.connect(_on_lots_changed, sender=model.lots.through, dispatch_uid="portal-labtest-lots")
