"""A capture's commit on PostgreSQL: made without waiting for the log's flush (it holds the ledger head's row lock
until COMMIT), then the flush waited for before anything acts on the commit; off with TRUYXUAT_PG_GROUP_COMMIT=0.
On SQLite the same capture runs neither statement (its group commit is `core.storage.walsync`'s)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction

from accounts.permissions import SYSTEM
from events.services import capture_events
from events.tests.helpers import object_event

pytestmark = pytest.mark.django_db(transaction=True)

NO_FLUSH = "SET LOCAL synchronous_commit TO OFF"
FLUSH = "SELECT pg_current_xact_id()"


def _level() -> str:
    if connection.vendor != "postgresql":
        return "n/a"
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return str(cursor.fetchone()[0])


def _capture(organization: Any) -> tuple[list[str], list[list[str]], tuple[str, str]]:
    """Capture one event, recording every statement and, in a hook the capture's step registers on commit, the
    statements run by then; and the session's synchronous_commit before and after."""
    if connection.vendor == "postgresql":  # the suite's server runs with it off: on for this session, as in production
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO on")
    before = _level()
    statements: list[str] = []
    seen_by_hook: list[list[str]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    def step(actor: Any, organization: Any, result: Any) -> None:
        transaction.on_commit(lambda: seen_by_hook.append(list(statements)))

    with connection.execute_wrapper(record):
        result = capture_events(actor=SYSTEM, organization=organization, events=[object_event()], after=[step])
    assert len(result.stored) == 1
    after = _level()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
    return statements, seen_by_hook, (before, after)


def test_commit_without_flush_then_flush_before_the_commit_hooks(organization):
    statements, seen_by_hook, level = _capture(organization)
    if connection.vendor != "postgresql":
        assert NO_FLUSH not in statements and FLUSH not in statements
        return
    assert statements.count(NO_FLUSH) == 1 and statements.count(FLUSH) == 1
    assert statements.index(NO_FLUSH) < statements.index(FLUSH)
    assert len(seen_by_hook) == 1 and FLUSH in seen_by_hook[0]  # nothing acted on the commit before the flush
    assert level == ("on", "on")  # SET LOCAL: the session's own level again after the capture


def test_group_commit_off_commits_with_the_flush(settings, organization):
    settings.TRUYXUAT_PG_GROUP_COMMIT = False
    statements, seen_by_hook, _level = _capture(organization)
    assert NO_FLUSH not in statements and FLUSH not in statements
    assert len(seen_by_hook) == 1


def test_inside_a_callers_transaction_the_caller_commits(organization):
    statements: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record), transaction.atomic():
        capture_events(actor=SYSTEM, organization=organization, events=[object_event()])
    assert NO_FLUSH not in statements and FLUSH not in statements


def test_a_refused_capture_flushes_nothing(organization):
    from core.storage import writelock

    statements: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record), pytest.raises(ValueError), writelock.capture_transaction():
        raise ValueError("refused half-way")
    assert FLUSH not in statements
