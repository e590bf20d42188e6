"""This node's federation keys: a cosignature/v1 witness key and an Ed25519 key for signed requests (RFC 9421).

Both live in one file outside the database (``settings.TRUYXUAT_FEDERATION_KEY_FILE``, mode 0600), one per line:
the witness signer key in the note format (``PRIVATE+KEY+<origin>+<id>+<base64(0x04 || seed)>``) and
``http-ed25519 <base64 seed>``. Made on first use (O_EXCL, so concurrent workers agree) or by
``truyxuat federation init``. The ledger's own signing key (``ledger.checkpoints``) signs the node's identity.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from ledger import checkpoints, note

HTTP_PREFIX = "http-ed25519 "


@dataclass(frozen=True)
class NodeKeys:
    witness: note.Signer
    http: Ed25519PrivateKey

    @property
    def witness_key(self) -> str:
        return self.witness.verifier.key

    @property
    def http_public(self) -> str:
        return base64.b64encode(self.http.public_key().public_bytes_raw()).decode()


def key_file() -> Path:
    return Path(settings.TRUYXUAT_FEDERATION_KEY_FILE)


def write_keys(path: Path) -> None:
    """Create the key file (never overwrites one)."""
    witness, _verifier = note.generate_witness_key(checkpoints.origin())
    seed = Ed25519PrivateKey.generate().private_bytes_raw()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f"{witness}\n{HTTP_PREFIX}{base64.b64encode(seed).decode()}\n")


@lru_cache(maxsize=4)
def _read(path: str, mtime: float) -> NodeKeys:
    lines = Path(path).read_text().split()
    witness = note.parse_signer_key(lines[0])
    if witness.alg != note.ALG_COSIGNATURE_V1:
        raise note.MalformedKeyError(f"{path}: the first key is not a cosignature/v1 key")
    seed = base64.b64decode(lines[2], validate=True)
    return NodeKeys(witness=witness, http=Ed25519PrivateKey.from_private_bytes(seed))


def node_keys() -> NodeKeys:
    path = key_file()
    if not path.exists():
        with contextlib.suppress(FileExistsError):  # another worker made it first
            write_keys(path)
    return _read(str(path), path.stat().st_mtime)


def fingerprint(verifier_key: str) -> str:
    """What two admins read to each other on the phone: SHA-256 of the ledger key, 8 groups of 4 hex digits."""
    digest = hashlib.sha256(verifier_key.strip().encode()).hexdigest()[:32].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))
