"""Reads from a streaming replica (`TRUYXUAT_DATABASE_REPLICA_URL`), writes and a writer's own reads on the primary.

With the setting, `DATABASES["replica"]` is a PostgreSQL hot standby (made by `pg_basebackup -R`) and
`ReplicaMiddleware` marks a request as one the replica may serve when all of these hold:

- it is a GET or HEAD outside the signed-in areas (`PRIMARY_PREFIXES`: workspace, oversight, accounts, admin,
  sensors, private files, health checks): public pages, the resolver, traces, `/api/` and `/epcis/` queries,
  open-data exports and ledger pages;
- the browser carries no "sticky primary" cookie (`STICKY_COOKIE`): any POST, PUT, PATCH or DELETE answered by this
  node sets it for `TRUYXUAT_REPLICA_STICKY_SECONDS`, so whoever just wrote reads their own write from the primary;
- the replica is less than `TRUYXUAT_REPLICA_MAX_LAG_SECONDS` behind (asked at most once a second per process:
  when it has received WAL it has not replayed, the age of its last replayed commit) and answers at all.

`ReplicaRouter` then sends the ORM's reads to "replica"; every write goes to "default", and so does every read
inside a transaction of the request. Raw-cursor reads that want the replica (the trace graph) ask `read_alias()`.
Without the setting nothing changes: one database, no router.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
STICKY_COOKIE = "txprimary"
PRIMARY_PREFIXES = ("/workspace/", "/oversight/", "/accounts/", "/admin/", "/iot/", "/files/", "/healthz", "/readyz")
SAFE_METHODS = ("GET", "HEAD")
LAG_CHECK_SECONDS = 1.0
LAG_SQL = (
    "SELECT CASE WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() "
    "THEN 0 ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
)

_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("truyxuat_use_replica", default=False)
_lag_checked = [0.0, False]  # [monotonic time of the last check, whether the replica was fresh enough]
log = logging.getLogger(__name__)


def configured() -> bool:
    return REPLICA in connections.settings  # DATABASES as the connections read it


def read_alias() -> str:
    """The alias for reads: "replica" while a request it may serve runs (outside a transaction), else "default"."""
    if _use_replica.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return REPLICA
    return DEFAULT_DB_ALIAS


def replica_lag() -> float:
    """Seconds the replica is behind the primary (0 when it has replayed all it received)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(LAG_SQL)
        row = cursor.fetchone()
    return float(row[0] or 0)


def replica_fresh(now: float | None = None) -> bool:
    """Whether the replica answers and is within the allowed lag (cached for `LAG_CHECK_SECONDS`)."""
    now = time.monotonic() if now is None else now
    if now - _lag_checked[0] < LAG_CHECK_SECONDS:
        return bool(_lag_checked[1])
    try:
        fresh = replica_lag() <= settings.TRUYXUAT_REPLICA_MAX_LAG_SECONDS
    except DatabaseError:
        log.warning("read replica unreachable: reading from the primary", exc_info=True)
        connections[REPLICA].close()
        fresh = False
    _lag_checked[0], _lag_checked[1] = now, fresh
    return fresh


def forget_lag() -> None:
    """The next request asks the replica again (tests, and after a failover)."""
    _lag_checked[0] = 0.0


def may_use_replica(request: HttpRequest) -> bool:
    return (
        request.method in SAFE_METHODS
        and not request.path.startswith(PRIMARY_PREFIXES)
        and STICKY_COOKIE not in request.COOKIES
        and replica_fresh()
    )


class ReplicaRouter:
    """Reads of a replica-served request to "replica"; all else to "default". Only "default" is migrated."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        return read_alias()

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database and its copy

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaMiddleware:
    """Decides per request whether the replica serves its reads; sets the sticky-primary cookie after a write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not configured():
            return self.get_response(request)
        token = _use_replica.set(may_use_replica(request))
        try:
            response = self.get_response(request)
        finally:
            _use_replica.reset(token)
        if request.method not in SAFE_METHODS:
            seconds = int(settings.TRUYXUAT_REPLICA_STICKY_SECONDS)
            response.set_cookie(
                STICKY_COOKIE, "1", max_age=seconds, httponly=True, samesite="Lax", secure=request.is_secure()
            )
        return response
