"""Checkpoints after commits are throttled: the first commit signs at once, later ones within the window
get one checkpoint at the window's end (never later than the checkpoint interval)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import transaction

from ledger.checkpoints import after_commit_signer, latest, throttle
from ledger.models import LedgerCheckpoint
from ledger.services import append
from truyxuat import settings as truyxuat_settings


def _commit(i: int) -> None:
    with transaction.atomic():
        append("lot", f'{{"i":{i}}}'.encode())


def _wait_for_size(size: int, timeout: float = 10.0) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        cp = latest()
        if cp is not None and cp.size >= size:
            return time.monotonic() - start
        time.sleep(0.02)
    raise AssertionError(f"no checkpoint of size {size} within {timeout} s")


@pytest.fixture
def throttled(settings):
    settings.TRUYXUAT_LEDGER_CHECKPOINT_INTERVAL = 10
    settings.TRUYXUAT_LEDGER_CHECKPOINT_THROTTLE = 0.5
    after_commit_signer.flush()
    after_commit_signer._last = float("-inf")
    yield
    after_commit_signer.flush()


def test_throttle_is_capped_by_the_interval_and_off_under_tests_by_default(settings):
    settings.TRUYXUAT_LEDGER_CHECKPOINT_INTERVAL = 10
    settings.TRUYXUAT_LEDGER_CHECKPOINT_THROTTLE = 30
    assert throttle() == 10
    settings.TRUYXUAT_LEDGER_CHECKPOINT_INTERVAL = 0
    assert throttle() == 0
    settings.TRUYXUAT_LEDGER_CHECKPOINT_THROTTLE = truyxuat_settings.TRUYXUAT_LEDGER_CHECKPOINT_THROTTLE
    settings.TRUYXUAT_LEDGER_CHECKPOINT_INTERVAL = 10
    assert throttle() == 0  # the settings module's default under tests (1 s otherwise)


@pytest.mark.django_db(transaction=True)
def test_commits_within_the_window_share_one_later_checkpoint(throttled):
    _commit(0)
    assert latest().size == 1  # the first commit signs at once
    assert not after_commit_signer.pending()
    for i in range(1, 4):
        _commit(i)
    assert latest().size == 1  # inside the window: nothing signed yet ...
    assert after_commit_signer.pending()  # ... but one signing is scheduled
    waited = _wait_for_size(4)  # the window's end signs a checkpoint covering every commit
    assert waited < 2
    assert LedgerCheckpoint.objects.count() == 2
    assert not after_commit_signer.pending()


@pytest.mark.django_db(transaction=True)
def test_pending_signing_is_done_at_flush(throttled):
    _commit(0)
    _commit(1)
    assert latest().size == 1
    after_commit_signer.flush()  # what runs at interpreter exit
    assert latest().size == 2
    assert not after_commit_signer.pending()


@pytest.mark.django_db(transaction=True)
def test_without_throttle_every_commit_signs(settings):
    settings.TRUYXUAT_LEDGER_CHECKPOINT_THROTTLE = 0
    for i in range(3):
        _commit(i)
        assert latest().size == i + 1


@pytest.mark.django_db(transaction=True)
def test_deferred_signings_share_one_thread_and_its_connection(throttled, monkeypatch):
    """The signing thread keeps its database connection between signings (a thread per signing opened one each
    time); `flush` closes it."""
    from django.db import connection

    from ledger import checkpoints

    used: list[tuple[int, int]] = []
    sign = checkpoints.sign_checkpoint

    def recording():  # type: ignore[no-untyped-def]
        found = sign()
        used.append((threading.get_ident(), id(connection.connection)))
        return found

    monkeypatch.setattr(checkpoints, "sign_checkpoint", recording)
    _commit(0)  # signs at once, here
    for i in (1, 2):
        _commit(i)  # within the window: signed by the thread at its end
        _wait_for_size(i + 1)
    deferred = used[1:]
    assert len(deferred) == 2 and deferred[0] == deferred[1]
    assert deferred[0][0] != threading.get_ident()
    after_commit_signer.flush()
    assert after_commit_signer._closed.is_set()
