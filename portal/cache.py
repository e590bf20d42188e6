"""Cache of public pages and lot stories, keyed by generations that every process and every machine reads.

Coherence, by design: a cached page's key carries the generations of the site, of its product and of its lot,
and the date (`versions`). The generations live in the database (`core.generations`, one row each), are bumped
*in the transaction of the write* that changes what a consumer sees, and are read fresh by every request in
one query on the primary key. So after a write commits, the very next request to any worker on any machine
computes a new key and renders the new facts; entries under old keys are never served again and expire by
themselves. The caches themselves may be local (this worker's LRU `_local`, then the machine's `portal` cache,
a FileBasedCache under the data dir): what they hold is only ever found under the generations it was made
from. The date in the key covers facts that change with time alone (a certificate or the lot expiring).

Who bumps what: model signals here (`connect()`, from PortalConfig.ready; they only invalidate caches) for the
catalogue — a lot's own changes (publication, status, origin areas) bump the lot; a product bumps itself; a
certificate, growing area or lab test bumps the products of its organisation, and a lab test's linked lots;
an organisation or facility (named in other organisations' chains) bumps the whole site. Explicit calls in
the services for what signals cannot see: `events.services.pages` after a capture (the lots named and every
lot downstream, whose chains show the new step), after a hold and its release (`quality.services`), and
`recalls.services` for every lot in a recall's scope and when it closes.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from typing import Any

from django.core.cache import caches
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from catalog.models import Certificate, Facility, GrowingArea, Lot, Organization, Product
from core import generations
from quality.models import LabTest

log = logging.getLogger(__name__)
PAGE_TIMEOUT = 60
# TRUYXUAT_PORTAL_PAGE_CACHE=0 turns the page cache off (benchmarks of uncached rendering; debugging).
ENABLED = os.environ.get("TRUYXUAT_PORTAL_PAGE_CACHE", "1") != "0"
# TRUYXUAT_PORTAL_DATA_CACHE=0 turns off the cache of lot stories (the data behind a page, per language).
DATA_ENABLED = os.environ.get("TRUYXUAT_PORTAL_DATA_CACHE", "1") != "0"


def _cache() -> Any:
    return caches["portal"]


def _safely(default: Any, func: Any, *args: Any) -> Any:
    """A cache that fails (disk full, a corrupt entry, a race) must only cost a render, never a 500."""
    try:
        return func(*args)
    except Exception:
        log.warning("portal cache: %s failed", getattr(func, "__name__", func), exc_info=True)
        return default


# Each worker keeps recent pages in memory (keyed, like the shared cache, by the generations read per request):
# a hit then touches no file, only the one-row read of the generations.
LOCAL_PAGES = 512
_local: OrderedDict[str, Any] = OrderedDict()
_lock = threading.Lock()


def versions(gtin: str, lot_code: str) -> str:
    """The generations of the site, product and lot, read now from the database, and today's date."""
    return f"{generations.read(gtin, lot_code)}:{timezone.localdate().isoformat()}"


def forget_local() -> None:
    """Drop this process's memory of pages (tests)."""
    with _lock:
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


def _on_lot(sender: Any, instance: Any, **kwargs: Any) -> None:
    generations.bump_lots([(instance.product.gtin, instance.lot_code)])


def _on_product(sender: Any, instance: Any, **kwargs: Any) -> None:
    generations.bump_products([instance.gtin])


def _on_site(sender: Any, **kwargs: Any) -> None:
    """An organisation or a facility: its name and address show in the chains of other organisations' lots."""
    generations.bump_all()


def _bump_organization(organization_id: int | None) -> None:
    """Every page of the organisation's products (its certificates, areas and lab tests show on them)."""
    if organization_id is None:
        return
    generations.bump_products(Product.objects.filter(organization_id=organization_id).values_list("gtin", flat=True))


def _on_owned(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A certificate, growing area or lab test: its organisation's pages."""
    _bump_organization(instance.organization_id)


def _bump_lots(lot_ids: Any) -> None:
    generations.bump_lots(Lot.objects.filter(pk__in=list(lot_ids)).values_list("product__gtin", "lot_code"))


def _on_lots_changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any) -> None:
    """Lots added to or removed from a growing area or a lab test (from either side of the relation)."""
    if not action.startswith("post_"):
        return
    if isinstance(instance, Lot):
        _bump_lots([instance.pk])
    elif pk_set:
        _bump_lots(pk_set)
    else:  # cleared from the other side: the lots are gone from the relation; their organisation is known
        _bump_organization(getattr(instance, "organization_id", None))


def connect() -> None:
    m2m_changed.connect(_on_lots_changed, sender=Lot.origin_areas.through, dispatch_uid="portal-lot-areas")
    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        signal.connect(_on_lot, sender=Lot, dispatch_uid=f"portal-{name}-Lot")
        signal.connect(_on_product, sender=Product, dispatch_uid=f"portal-{name}-Product")
        site: tuple[type[Any], ...] = (Organization, Facility)
        for model in site:
            signal.connect(_on_site, sender=model, dispatch_uid=f"portal-{name}-{model.__name__}")
        owned: tuple[type[Any], ...] = (Certificate, GrowingArea)
        for model in owned:
            signal.connect(_on_owned, sender=model, dispatch_uid=f"portal-{name}-{model.__name__}")
    post_save.connect(_on_owned, sender=LabTest, dispatch_uid="portal-quality-LabTest")
    m2m_changed.connect(_on_lots_changed, sender=LabTest.lots.through, dispatch_uid="portal-labtest-lots")
