"""Views that belong to no domain: liveness and readiness checks for load balancers."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import replica

log = logging.getLogger(__name__)
READY_PROBE = "readyz/probe"


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _database(alias: str) -> Callable[[], None]:
    def check() -> None:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    return check


def _redis() -> None:
    cache = caches["default"]
    cache.set("readyz", "1", 30)
    if cache.get("readyz") != "1":
        raise RuntimeError("cache did not keep a value")


def _object_store() -> None:
    default_storage.exists(READY_PROBE)  # a HEAD on the bucket's key: raises when the store cannot be reached


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when every server this node needs answers (the database; Redis and the object store when
    configured; a configured replica is reported but not required, as the primary serves when it is away), else
    503 with what failed. A load balancer sends traffic only to ready nodes."""
    required: dict[str, Callable[[], None]] = {"database": _database("default")}
    if settings.TRUYXUAT_REDIS_URL:
        required["redis"] = _redis
    if settings.TRUYXUAT_S3_BUCKET:
        required["object_store"] = _object_store
    optional: dict[str, Callable[[], None]] = {}
    if replica.configured():
        optional["replica"] = _database(replica.REPLICA)
    body: dict[str, str] = {}
    ready = True
    for name, check in [*required.items(), *optional.items()]:
        try:
            check()
            body[name] = "ok"
        except Exception:  # any failure of a server is "not ready", never a 500
            log.warning("readiness: %s unreachable", name, exc_info=True)
            body[name] = "unreachable"
            ready = ready and name not in required
    body["status"] = "ok" if ready else "error"
    return JsonResponse(body, status=200 if ready else 503)
