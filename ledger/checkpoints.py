"""The node's signing key and its signed checkpoints (c2sp.org/tlog-checkpoint, Go's note format).

The signer key lives in ``settings.TRUYXUAT_LEDGER_KEY_FILE`` (outside the database, mode 0600),
in Go's ``note`` signer-key format, named after ``settings.TRUYXUAT_LEDGER_ORIGIN``. It is made
by ``truyxuat ledger init``. So that ``make run`` works on a fresh machine, the first checkpoint
creates it when it is missing *and no checkpoint was ever signed* (with a warning); once the log
has signed checkpoints, a missing key is an error (restore it, or rotate: see README "Ledger").
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.storage.walsync import sqlite_path, wal_sync
from ledger import note
from ledger.models import LedgerCheckpoint, LedgerHead, WitnessCosignature
from ledger.tree import root_hash

log = logging.getLogger(__name__)


class SigningKeyError(RuntimeError):
    """The ledger's signing key is missing or unusable."""


def origin() -> str:
    return str(settings.TRUYXUAT_LEDGER_ORIGIN)


def key_file() -> Path:
    return Path(settings.TRUYXUAT_LEDGER_KEY_FILE)


def interval() -> float:
    return float(settings.TRUYXUAT_LEDGER_CHECKPOINT_INTERVAL)


def throttle() -> float:
    """Seconds between the checkpoints signed after commits (0: after every commit); at most `interval()`.

    ``settings.TRUYXUAT_LEDGER_CHECKPOINT_THROTTLE``; the default is 1 s, and 0 under tests so that
    each test sees its own checkpoint at once (the throttle's own tests set it).
    """
    return max(0.0, min(float(settings.TRUYXUAT_LEDGER_CHECKPOINT_THROTTLE), interval()))


def write_key(path: Path, name: str, *, force: bool = False) -> str:
    """Generate a signer key for ``name`` into ``path`` (mode 0600); return the verifier key.

    Refuses to overwrite an existing file unless ``force``; creation is atomic (O_EXCL), so
    concurrent workers cannot end up with two different keys.
    """
    skey, vkey = note.generate_key(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    if force and path.exists():
        tmp = path.with_name(path.name + ".new")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(skey + "\n")
        os.replace(tmp, path)
    else:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(skey + "\n")
    os.chmod(path, 0o600)
    return vkey


_cache_lock = threading.Lock()
_cache: dict[tuple[str, float], note.Signer] = {}


def _read_signer(path: Path) -> note.Signer:
    st = path.stat()
    k = (str(path), st.st_mtime)
    with _cache_lock:
        signer = _cache.get(k)
    if signer is None:
        try:
            signer = note.parse_signer_key(path.read_text().strip())
        except note.NoteError as exc:
            raise SigningKeyError(f"ledger key file {path} is not a note signer key: {exc}") from exc
        if signer.alg != note.ALG_ED25519:
            raise SigningKeyError(f"ledger key file {path} is not an Ed25519 note key")
        if signer.name != origin():
            raise SigningKeyError(
                f"ledger key {path} is named {signer.name!r} but TRUYXUAT_LEDGER_ORIGIN is {origin()!r}; "
                "the key name must be the log's origin"
            )
        with _cache_lock:
            _cache[k] = signer
    return signer


def signer(*, create: bool = True) -> note.Signer:
    """The log's signer; creates the key on first use of a fresh node (see module docstring)."""
    path = key_file()
    if not path.exists():
        if not create or LedgerCheckpoint.objects.exists():
            raise SigningKeyError(
                f"ledger signing key {path} is missing but this log has signed checkpoints: restore the key "
                "file from backup, or rotate the key (README, 'Ledger'). / Thiếu khoá ký sổ cái."
            )
        try:
            vkey = write_key(path, origin())
            log.warning(
                "ledger: no signing key at %s; generated a new one (verifier key %s). "
                "Run `truyxuat ledger init` to create it explicitly in production.",
                path,
                vkey,
            )
        except FileExistsError:
            pass  # another worker made it first
    return _read_signer(path)


def verifier_key() -> str:
    return signer().verifier.key


def sign_checkpoint() -> LedgerCheckpoint | None:
    """Sign the current tree head if it is not signed yet; return the latest checkpoint.

    Idempotent and safe to call from several workers: checkpoint sizes are unique and Ed25519
    signatures are deterministic, so two workers signing the same head produce the same note.
    """
    path = sqlite_path(connection)
    if path is not None:  # captures commit before their fsync (core.storage.walsync): sign only what is on disk
        wal_sync.sync(path)
    with transaction.atomic():
        head = LedgerHead.objects.filter(pk=1).first()
        size = head.size if head else 0
        latest = LedgerCheckpoint.objects.order_by("-size").first()
        if latest is not None and latest.size >= size:
            return latest
        s = signer()
        root = root_hash(size)
        text = note.sign_note(note.format_checkpoint(origin(), size, root), s)
        try:
            with transaction.atomic():
                return LedgerCheckpoint.objects.create(size=size, root_hash=root, note=text, key=s.verifier.key)
        except IntegrityError:
            return LedgerCheckpoint.objects.get(size=size)


def maybe_checkpoint() -> LedgerCheckpoint | None:
    """The cheap periodic check: sign if the log grew and the latest checkpoint is older than N s."""
    latest = LedgerCheckpoint.objects.order_by("-size").first()
    head = LedgerHead.objects.filter(pk=1).first()
    size = head.size if head else 0
    if latest is not None and latest.size >= size:
        return latest
    if latest is None or latest.created_at <= timezone.now() - timedelta(seconds=interval()):
        return sign_checkpoint()
    return latest


def ensure_checkpoint() -> LedgerCheckpoint | None:
    """A checkpoint covering every committed leaf (signs one now if needed)."""
    return sign_checkpoint()


def latest() -> LedgerCheckpoint | None:
    return LedgerCheckpoint.objects.order_by("-size").first()


def with_cosignatures(cp: LedgerCheckpoint) -> str:
    """The checkpoint note with the witness cosignature lines collected for it."""
    lines = [c.line for c in WitnessCosignature.objects.filter(checkpoint=cp).order_by("witness", "key_hash")]
    return note.add_signatures(cp.note, *lines) if lines else cp.note


class _AfterCommitSigner:
    """Signs a checkpoint after commits, at most once per `throttle()` seconds in this process.

    A commit that comes less than the throttle after the previous signing does not sign: it makes sure a
    signing is due at the end of that window, which one daemon thread of the process makes, so a checkpoint
    covering every committed leaf appears at most `throttle()` seconds after the commit (and well within
    ``TRUYXUAT_LEDGER_CHECKPOINT_INTERVAL``). At interpreter exit a pending signing is done at once. Signing
    costs a root hash, an Ed25519 signature, an INSERT and a commit: after every single-event capture, that was
    a third of the request. The thread keeps its database connection between signings (a timer thread per
    signing opened and closed one every second, a PostgreSQL backend started each time) and closes it after
    `IDLE_CLOSE` seconds without one, or at `flush`.
    """

    IDLE_CLOSE = 30.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._last = float("-inf")  # time.monotonic() of the last signing started here
        self._due: float | None = None  # time.monotonic() at which a deferred signing is due
        self._close = False  # asked to close the thread's connection (flush)
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def after_commit(self) -> None:
        window = throttle()
        if window <= 0:
            _sign_logged()
            return
        with self._lock:
            now = time.monotonic()
            if self._due is None and now - self._last >= window:
                self._last = now
                sign_now = True
            else:
                sign_now = False
                if self._due is None:
                    self._due = self._last + window
                    self._start()
                    self._wake.notify()
        if sign_now:
            _sign_logged()

    def pending(self) -> bool:
        with self._lock:
            return self._due is not None

    def _start(self) -> None:
        """The signing thread of this process (under the lock; a forked worker starts its own)."""
        if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="ledger-checkpoint-signer", daemon=True)
            self._thread.start()

    def _next(self) -> bool:
        """Wait until a signing is due (True) or the connection should be closed (False). Under the lock."""
        while True:
            if self._close:
                self._close = False
                return False
            now = time.monotonic()
            if self._due is not None and self._due <= now:
                self._due = None
                self._last = now
                return True
            timeout = self.IDLE_CLOSE if self._due is None else self._due - now
            if not self._wake.wait(timeout) and self._due is None:
                return False  # idle: let the connection go

    def _run(self) -> None:
        while True:
            with self._lock:
                sign = self._next()
            if sign:
                _sign_logged()
                connection.close_if_unusable_or_obsolete()  # kept for the next signing, unless broken or too old
            else:
                connection.close()  # this thread's own connection
                self._closed.set()

    def flush(self) -> None:
        """Sign now if a deferred signing is pending, and close the thread's connection (at exit; tests)."""
        with self._lock:
            due, self._due = self._due, None
            if due is not None:
                self._last = time.monotonic()
            thread = self._thread if self._pid == os.getpid() else None
            if thread is not None and thread.is_alive():
                self._closed.clear()
                self._close = True
                self._wake.notify()
            else:
                thread = None
        if due is not None:
            _sign_logged()
        if thread is not None:
            self._closed.wait(5)


def _sign_logged() -> None:
    try:
        sign_checkpoint()
    except Exception:  # the records are committed; the next commit, GET or command signs instead
        log.exception("ledger: signing a checkpoint after commit failed")


after_commit_signer = _AfterCommitSigner()
atexit.register(after_commit_signer.flush)
