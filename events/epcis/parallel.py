"""Preparing a large document on two cores: part of its events in a helper process, the rest here.

Validation, hashing, index columns and canonical JSON (:func:`.prepare.prepare`) are pure Python and
take ~0.1 ms an event, about half of a 1,000-event capture; the database half must run in the capturing
process, one transaction at a time. A process of the capturing process's own (started through a
*forkserver*, so it inherits no threads, locks or database connections) prepares the second part of a
large document while this process prepares the first; the parts are merged as if prepared at once
(:func:`.prepare.merge`).

The helper is started in the background on the first call and used once it has warmed up (compiled
the schema validator): until then, and whenever it fails, everything is prepared here, so a capture is
never slower or different because of it. Nothing here imports Django.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from .prepare import Prepared, PreparedEvent, merge, prepare

__all__ = ["PreparePool", "pool", "prepare_document"]

log = logging.getLogger(__name__)

HELPER_TIMEOUT = 120.0  # seconds; past it the part is prepared here


def _warm() -> bool:
    """Run once in a new helper: compile the schema validator and the hashing path (~1 s)."""
    event = {
        "type": "ObjectEvent",
        "eventTime": "2026-01-01T00:00:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "action": "OBSERVE",
        "epcList": ["urn:epc:id:sgtin:8930000.000001.1"],
    }
    context: list[Any] = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]
    header = {
        "@context": context,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-01-01T00:00:00Z",
    }
    prepare([event], header, context, "2026-01-01T00:00:00Z")
    return True


class PreparePool:
    """One helper process per capturing process, started on first use, forgotten in a forked child."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._warm: Future[bool] | None = None
        self._pid = 0

    def ready(self, workers: int) -> ProcessPoolExecutor | None:
        """The helper pool if it is warm; otherwise None (and it is being started). `workers` ≤ 0: never."""
        if workers <= 0:
            return None
        with self._lock:
            if self._pid != os.getpid():  # a fork of a process that had a pool: its helpers are not ours
                self._executor, self._warm, self._pid = None, None, os.getpid()
            if self._executor is None:
                try:
                    context = multiprocessing.get_context("forkserver")
                    context.set_forkserver_preload([__name__])
                    self._executor = ProcessPoolExecutor(max_workers=workers, mp_context=context)
                    self._warm = self._executor.submit(_warm)
                except (OSError, ValueError, RuntimeError):
                    log.exception("capture: cannot start the preparing helper; preparing in-process")
                    self._executor = None
                    return None
            warm = self._warm
            if warm is None or not warm.done():
                return None
            if warm.cancelled() or warm.exception() is not None:
                self._discard()
                return None
            return self._executor

    def wait(self, workers: int, timeout: float = 60.0) -> bool:
        """Start the helper if needed and wait until it is warm (benchmarks; a server just starts using it)."""
        self.ready(workers)
        warm = self._warm
        if warm is None:
            return False
        try:
            warm.result(timeout=timeout)
        except Exception:
            return False
        return self.ready(workers) is not None

    def _discard(self) -> None:
        executor, self._executor, self._warm = self._executor, None, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    def broken(self) -> None:
        """The helper failed: drop it (the next call starts a new one)."""
        with self._lock:
            self._discard()

    def shutdown(self) -> None:
        with self._lock:
            self._discard()


pool = PreparePool()
helped = {"documents": 0, "events": 0}  # what the helper prepared in this process (benchmarks, tests)


def prepare_document(
    events: Sequence[dict[str, Any]],
    header: dict[str, Any],
    context: list[Any],
    record_time: str,
    *,
    validate: bool = True,
    key_max: int = 1000,
    workers: int = 0,
    min_events: int = 200,
    helper_share: float = 0.5,
) -> list[PreparedEvent]:
    """:func:`.prepare.prepare` of a whole document, its events' problems raised as one :class:`EpcisError`.

    With `workers` > 0 and at least `min_events` events, the last `helper_share` of the events is prepared
    by the helper process while this process prepares the others (once the helper is warm).
    """
    executor = pool.ready(workers)
    split = len(events) - int(len(events) * helper_share) if len(events) >= min_events else len(events)
    if executor is None or split >= len(events):
        return merge([prepare(events, header, context, record_time, validate=validate, key_max=key_max)])
    rest = list(events[split:])
    try:
        future = executor.submit(
            prepare, rest, header, context, record_time, validate=validate, offset=split, key_max=key_max
        )
    except RuntimeError:  # shut down or broken meanwhile
        pool.broken()
        future = None
    here = prepare(events[:split], header, context, record_time, validate=validate, key_max=key_max)
    there: Prepared | None = None
    if future is not None:
        try:
            there = future.result(timeout=HELPER_TIMEOUT)
        except Exception:
            log.exception("capture: the preparing helper failed; preparing its part in-process")
            pool.broken()
    if there is None:
        there = prepare(rest, header, context, record_time, validate=validate, offset=split, key_max=key_max)
    else:
        helped["documents"] += 1
        helped["events"] += len(rest)
    return merge([here, there])
