"""Pausing Python's cyclic garbage collector around short, allocation-heavy work (an EPCIS capture).

A 1,000-event document allocates a few hundred thousand containers (parsed JSON, index rows, prepared
events) that reference counting frees when the capture returns; none of them form cycles worth
collecting mid-way. Left running, the collector walks every tracked object of the process each time
its thresholds trip (a tenth of a document's capture: bench/README.md, "Capture"). Paused, it runs
at its next threshold after the capture, over what is still alive then.

`gc.disable()` is process-wide, so the pause counts its holders: with several threads capturing at
once, the collector resumes when the last one leaves, and only if it was running before the first.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off (reference counting still frees everything)."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
