"""Keys and hashes of the stamps domain: check codes and network addresses are never stored in the clear.

- A check code is stored as HMAC-SHA256(stamp key, "gtin/serial/CODE"); the stamp key is
  ``TRUYXUAT_STAMP_KEY`` or, by default, derived from ``SECRET_KEY`` (rotating it invalidates codes).
- A consumer's network address is stored as a truncated HMAC with a separate derived key, enough to
  count distinct scanners and apply limits, not to recover the address.
- Plain check codes exist only in a batch's print file (``TRUYXUAT_STAMP_CODES_DIR``, outside the
  database and the web root, mode 0600) between approval and printing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from django.conf import settings

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: easy to read off a small label
CODE_LENGTH = 6


def _key(purpose: str) -> bytes:
    base = settings.TRUYXUAT_STAMP_KEY or settings.SECRET_KEY
    return hashlib.sha256(f"truyxuat/{purpose}/{base}".encode()).digest()


def new_check_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def check_hash(gtin: str, serial: str, code: str) -> str:
    message = f"{gtin}/{serial}/{normalise_code(code)}".encode()
    return hmac.new(_key("stamp-check"), message, hashlib.sha256).hexdigest()


def code_matches(stored_hash: str, gtin: str, serial: str, code: str) -> bool:
    return hmac.compare_digest(stored_hash, check_hash(gtin, serial, code))


def address_hash(address: str) -> str:
    return hmac.new(_key("scan-address"), address.encode(), hashlib.sha256).hexdigest()[:32]


def codes_dir() -> Path:
    return Path(settings.TRUYXUAT_STAMP_CODES_DIR)


def codes_path(batch_id: int) -> Path:
    return codes_dir() / f"batch-{batch_id}.json"


def write_codes(batch_id: int, codes: dict[str, str]) -> None:
    """Write the plain codes of a batch (serial → code) atomically, readable by the server user only."""
    directory = codes_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = codes_path(batch_id)
    tmp = target.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(codes, handle)
    os.replace(tmp, target)


def read_codes(batch_id: int) -> dict[str, str] | None:
    try:
        return json.loads(codes_path(batch_id).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def delete_codes(batch_id: int) -> None:
    codes_path(batch_id).unlink(missing_ok=True)
