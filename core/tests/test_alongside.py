"""`core.storage.alongside`: reads on a helper thread's own connection on PostgreSQL, outside transactions, while a
helper is free; in the caller's thread otherwise."""

from __future__ import annotations

import contextvars
import threading

import pytest
from django.db import connection, transaction

from catalog.models import Organization
from catalog.tests.factories import OrganizationFactory
from core.storage import alongside as module
from core.storage.alongside import alongside

MARK: contextvars.ContextVar[str] = contextvars.ContextVar("alongside_test_mark", default="unset")


def _where() -> tuple[str, int | None]:
    """The thread a read ran in, and its connection's server process (None on SQLite)."""
    if connection.vendor != "postgresql":
        return threading.current_thread().name, None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return threading.current_thread().name, cursor.fetchone()[0]


@pytest.mark.django_db
def test_in_a_transaction_the_read_runs_in_the_callers_thread():
    later = alongside(_where)
    assert not later.ran_alongside
    assert later.result() == _where()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_postgresql_read_runs_on_a_helper_and_sees_what_was_committed():
    organization = OrganizationFactory()
    later = alongside(_where)
    names = alongside(lambda: list(Organization.objects.filter(pk=organization.pk).values_list("name", flat=True)))
    assert names.result() == [organization.name]
    thread, backend = later.result()
    if connection.vendor == "postgresql":
        assert later.ran_alongside and names.ran_alongside
        assert thread.startswith("truyxuat-alongside")
        assert backend != _where()[1]  # its own connection
    else:  # SQLite: in the caller's thread
        assert not later.ran_alongside
        assert (thread, backend) == _where()
    with transaction.atomic():
        assert not alongside(_where).ran_alongside


@pytest.mark.django_db(transaction=True)
def test_an_error_is_raised_to_the_caller_and_the_helper_is_free_again():
    for _ in range(module.HELPERS + 1):
        later = alongside(lambda: 1 // 0)
        with pytest.raises(ZeroDivisionError):
            later.result()
    assert alongside(lambda: 7).result() == 7


@pytest.mark.django_db(transaction=True)
def test_when_every_helper_is_busy_the_caller_reads_itself_and_keeps_its_context():
    release = threading.Event()
    started = threading.Semaphore(0)

    def busy() -> str:
        started.release()
        release.wait(timeout=30)
        return MARK.get()

    token = MARK.set("request 1")
    try:
        held = [alongside(busy) for _ in range(module.HELPERS)]
        if connection.vendor == "postgresql":
            for _ in held:
                assert started.acquire(timeout=30)
            extra = alongside(lambda: threading.current_thread().name)
            assert not extra.ran_alongside
            assert extra.result() == threading.current_thread().name
        release.set()
        assert [h.result() for h in held] == ["request 1"] * module.HELPERS  # the caller's context, in the helper
    finally:
        release.set()
        MARK.reset(token)


@pytest.mark.django_db(transaction=True)
def test_a_request_that_may_read_the_replica_still_does_alongside():
    """The helper runs in the caller's context: `core.replica.read_alias` answers there as it does in the request."""
    from core import replica

    token = replica._use_replica.set(True)
    try:
        assert alongside(replica.read_alias).result() == replica.REPLICA == replica.read_alias()
        with transaction.atomic():  # a writer reads its own writes: the primary, in its own thread
            later = alongside(replica.read_alias)
            assert not later.ran_alongside
            assert later.result() == "default"
    finally:
        replica._use_replica.reset(token)
    assert alongside(replica.read_alias).result() == "default"
