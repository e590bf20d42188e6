"""Preparing a large document on two cores: part of its events in a helper process, the rest here.

Validation, hashing, index columns and canonical JSON (:func:`.prepare.prepare`) are pure Python and
about half of a large capture's time (bench/README.md, "Capture"); the database half must run in the capturing
process, one transaction at a time. A helper process of the capturing process's own prepares most of
a large document, in parts, while this process prepares the first events and then stores each part as
it comes (:func:`prepare_parts`); the parts together are what one call would give (:func:`.prepare.merge`).

The helper is a fresh interpreter running ``python -m events.epcis.parallel`` (not a fork, and not
:mod:`multiprocessing`, which would import the caller's main script in the helper): it imports this
pure package only, reads pickled requests on stdin and writes pickled results on stdout, and exits when
its parent goes. It is started in the background when the first large document arrives and used once it
has warmed up (compiled the schema validator); until then, while another thread of the process is using
it, and whenever it fails, everything is prepared here: a capture is never different, nor much slower,
because of it. Nothing here imports Django.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import logging
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any

from .prepare import Prepared, prepare

__all__ = ["Helper", "helped", "pool", "prepare_parts"]

log = logging.getLogger(__name__)

HELPER_TIMEOUT = 120.0  # seconds to wait for the helper's part; past it the part is prepared here
RETRY_AFTER = 60.0  # seconds before starting a helper again after one failed
READY = b"R"
PIPE_BYTES = 1 << 20  # the helper's answer pipe (64 KiB by default): the parent reads a part only when it
# has stored the one before, and a full pipe would stop the helper until then (1 MiB: Linux's limit for users)
_FRAME = struct.Struct("!Q")


def _warm() -> None:
    """Compile the schema validator and the hashing path (~1 s), as the first capture would."""
    context: list[Any] = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]
    header = {
        "@context": context,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-01-01T00:00:00Z",
    }
    event = {
        "type": "ObjectEvent",
        "eventTime": "2026-01-01T00:00:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "action": "OBSERVE",
        "epcList": ["urn:epc:id:sgtin:8930000.000001.1"],
    }
    prepare([event], header, context, "2026-01-01T00:00:00Z")


def _read_exactly(fd: int, n: int) -> bytes:
    chunks = []
    while n:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            raise EOFError("pipe closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _send(fd: int, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    _write_all(fd, _FRAME.pack(len(data)) + data)


def _receive(fd: int) -> Any:
    (size,) = _FRAME.unpack(_read_exactly(fd, _FRAME.size))
    return pickle.loads(_read_exactly(fd, size))  # our own helper process, over a private pipe


class Helper:
    """The helper process of this process: started on demand, forgotten in a forked child."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # held while starting it and for the duration of a request
        self._proc: subprocess.Popen[bytes] | None = None
        self._ready = False
        self._pid = 0
        self._failed_at = float("-inf")

    def _start(self) -> None:
        root = str(Path(__file__).resolve().parents[2])  # the directory holding the `events` package
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        self._proc = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            cwd=root,
            bufsize=0,
            close_fds=True,
        )
        with contextlib.suppress(OSError, AttributeError):  # Linux: room for the answers the parent reads later
            fcntl.fcntl(self._proc.stdout.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)  # type: ignore[union-attr]
        self._ready = False

    def _check_ready(self, timeout: float) -> bool:
        proc = self._proc
        if proc is None or proc.stdout is None:
            return False
        if not self._ready:
            readable, _w, _x = select.select([proc.stdout], [], [], timeout)
            if not readable:
                return False
            if os.read(proc.stdout.fileno(), 1) != READY:
                raise EOFError("the helper did not start")
            self._ready = True
        return True

    def _acquire(self, start: bool, timeout: float = 0.0) -> bool:
        """Take the helper for one request if it is warm and free (starting it if `start`)."""
        if not self._lock.acquire(blocking=False):
            return False
        try:
            if self._pid != os.getpid():  # a fork of a process that had a helper: that one is not ours
                self._proc, self._ready, self._pid = None, False, os.getpid()
            if self._proc is None or self._proc.poll() is not None:
                if not start or time.monotonic() - self._failed_at < RETRY_AFTER:
                    self._lock.release()
                    return False
                self._start()
            if self._check_ready(timeout):
                return True
        except (OSError, EOFError, ValueError):
            log.exception("capture: the preparing helper could not start; preparing in-process")
            self._fail()
        self._lock.release()
        return False

    def _fail(self) -> None:
        self._failed_at = time.monotonic()
        proc, self._proc, self._ready = self._proc, None, False
        if proc is not None:
            proc.kill()
            proc.wait()

    def wait(self, timeout: float = 60.0) -> bool:
        """Start the helper if needed and wait until it is warm (benchmarks, tests; a server just starts it)."""
        if self._acquire(start=True, timeout=timeout):
            self._lock.release()
            return True
        return False

    def request(self, calls: list[tuple[tuple[Any, ...], dict[str, Any]]]) -> _Pending | None:
        """Send `prepare` calls (args, kwargs) if the helper is warm and free: it answers each in turn, as soon as
        it is done (None: nothing was sent; prepare here)."""
        if not self._acquire(start=True):
            return None
        return _Pending(self, calls)

    def shutdown(self) -> None:
        with self._lock:
            proc, self._proc, self._ready = self._proc, None, False
            if proc is not None and proc.stdin is not None:
                proc.stdin.close()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


class _Pending:
    """Calls sent to the helper, whose answers are read in order (the helper stays taken until `close`)."""

    def __init__(self, helper: Helper, calls: list[tuple[tuple[Any, ...], dict[str, Any]]]) -> None:
        self.helper = helper
        self.waiting = len(calls)  # answers not read yet
        proc = helper._proc
        assert proc is not None and proc.stdin is not None and proc.stdout is not None
        self.stdout = proc.stdout.fileno()
        try:
            _send(proc.stdin.fileno(), calls)
        except OSError:
            log.exception("capture: the preparing helper failed; preparing in-process")
            self._give_up()

    def next_result(self, timeout: float = HELPER_TIMEOUT) -> Prepared | None:
        """The helper's answer to the next call, or None (it failed or took too long: it is then stopped and
        restarted later, and every call not answered yet is the caller's to prepare)."""
        if not self.waiting:
            return None
        out: Any = None
        try:
            readable, _w, _x = select.select([self.stdout], [], [], timeout)
            if readable:
                out = _receive(self.stdout)
            else:
                log.error("capture: the preparing helper gave no answer in %s s; preparing in-process", timeout)
        except (OSError, EOFError, pickle.UnpicklingError):
            log.exception("capture: the preparing helper failed; preparing in-process")
        if not isinstance(out, Prepared):
            self._give_up()
            return None
        self.waiting -= 1
        if not self.waiting:
            self.helper._lock.release()
        return out

    def close(self) -> None:
        """Read (and drop) the answers still due, so the helper is free for the next document."""
        while self.waiting:
            self.next_result()

    def _give_up(self) -> None:
        if self.waiting:
            self.waiting = 0
            self.helper._fail()
            self.helper._lock.release()


pool = Helper()
helped = {"documents": 0, "events": 0}  # what the helper prepared in this process (benchmarks, tests)


HELPER_SHARE = 0.8  # of a large document's events, prepared by the helper (the rest here, then all stored here)
HELPER_PARTS = 6  # the helper's share comes back in this many parts, each stored while it prepares the next


def prepare_parts(
    events: Sequence[dict[str, Any]],
    header: dict[str, Any],
    context: list[Any],
    record_time: str,
    *,
    validate: bool = True,
    key_max: int = 1000,
    workers: int = 0,
    min_events: int = 200,
    helper_share: float = HELPER_SHARE,
    helper_parts: int = HELPER_PARTS,
) -> Generator[tuple[Prepared, bool], None, None]:
    """:func:`.prepare.prepare` of a whole document in consecutive parts, in order: (part, whether it is the last).

    With `workers` > 0, at least `min_events` events and the helper warm and free, the last `helper_share` of
    the events goes to the helper in `helper_parts` parts while this process prepares the first ones, which
    come first: the caller stores each part while the helper prepares the next (a 1,000-event document's
    database half then overlaps the helper's preparing instead of following it). Otherwise the whole document
    is one part. Whatever the split, :func:`.prepare.merge` of the parts is what one call would give. Close the
    iterator when leaving it early (``contextlib.closing``): the helper's answers still due are then read.
    """
    n = len(events)
    split = n - int(n * helper_share)
    pending = bounds = None
    if workers > 0 and n >= min_events and split < n:
        step = -(-(n - split) // max(1, helper_parts))
        bounds = [(a, min(n, a + step)) for a in range(split, n, step)]
        calls = [
            (
                (list(events[a:b]), header, context, record_time),
                {"validate": validate, "offset": a, "key_max": key_max},
            )
            for a, b in bounds
        ]
        pending = pool.request(calls)
    if pending is None or bounds is None:
        yield prepare(events, header, context, record_time, validate=validate, key_max=key_max), True
        return
    try:
        yield prepare(events[:split], header, context, record_time, validate=validate, key_max=key_max), False
        for i, (a, b) in enumerate(bounds):
            part = pending.next_result()
            if part is None:  # the helper failed: this part and the next ones are prepared here
                part = prepare(events[a:b], header, context, record_time, validate=validate, offset=a, key_max=key_max)
            else:
                helped["documents"] += i == 0
                helped["events"] += b - a
            yield part, i == len(bounds) - 1  # (the caller stops after the last: nothing runs after it)
    finally:  # read the answers still due (the caller left early), freeing the helper for the next document
        pending.close()


def _serve() -> None:
    """The helper's loop: warm up, say ready, then answer `prepare` calls until stdin closes."""
    stdin, stdout = sys.stdin.buffer.fileno(), os.dup(sys.stdout.buffer.fileno())
    os.dup2(sys.stderr.fileno(), sys.stdout.buffer.fileno())  # whatever prints goes to stderr, not into the pipe
    _warm()
    gc.freeze()  # what start-up allocated is never scanned again
    _write_all(stdout, READY)
    while True:
        try:
            calls = _receive(stdin)
        except EOFError:
            return
        for args, kwargs in calls:  # each answer sent as soon as it is ready: the parent stores it meanwhile
            gc.disable()  # a part allocates much and frees it by reference counting: collect once, afterwards
            try:
                answer = prepare(*args, **kwargs)
            finally:
                gc.enable()
            _send(stdout, answer)


if __name__ == "__main__":
    _serve()
