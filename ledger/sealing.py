"""Backups encrypted at rest: a passphrase, scrypt, then AES-256-GCM over 1 MiB chunks (cryptography's primitives).

File layout: ``MAGIC`` (8 bytes), salt (16), nonce prefix (7), then chunks, each a 4-byte big-endian length and
the chunk's ciphertext with its 16-byte tag. Chunk *i* is sealed with the nonce ``prefix ‖ i (4 bytes) ‖ last``
(``last`` is 1 on the final chunk only) and the header as associated data, so a reordered, dropped, truncated or
appended chunk, a changed header or a wrong passphrase fails authentication before anything is used.
The scrypt cost (n = 2^15, r = 8, p = 1: ~0.1 s and 32 MiB) is fixed by ``MAGIC``'s version.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"TXBACK1\n"
SALT_BYTES = 16
PREFIX_BYTES = 7
CHUNK = 1 << 20
TAG_BYTES = 16
HEADER_BYTES = len(MAGIC) + SALT_BYTES + PREFIX_BYTES


class SealError(Exception):
    """Wrong passphrase, or a file that is not a sealed backup or was altered."""


def _key(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode("utf-8"))


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", index) + (b"\x01" if last else b"\x00")


def is_sealed(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def seal(source: Path, target: Path, passphrase: str) -> None:
    """Encrypt ``source`` into ``target`` (which must exist, e.g. created 0600 by the caller)."""
    salt, prefix = os.urandom(SALT_BYTES), os.urandom(PREFIX_BYTES)
    header = MAGIC + salt + prefix
    aead = AESGCM(_key(passphrase, salt))
    with source.open("rb") as src, target.open("wb") as dst:
        dst.write(header)
        index = 0
        block = src.read(CHUNK)
        while True:
            following = src.read(CHUNK)
            sealed = aead.encrypt(_nonce(prefix, index, not following), block, header)
            dst.write(struct.pack(">I", len(sealed)) + sealed)
            if not following:
                break
            block, index = following, index + 1


def unseal(source: Path, target: Path, passphrase: str) -> None:
    """Decrypt ``source`` into ``target`` (which must exist); SealError on any failure, before the caller reads
    ``target`` (a partial ``target`` may remain: the caller's staging directory removes it)."""
    with source.open("rb") as src, target.open("wb") as dst:
        header = src.read(HEADER_BYTES)
        if len(header) != HEADER_BYTES or not header.startswith(MAGIC):
            raise SealError("not a sealed backup")
        salt, prefix = header[len(MAGIC) : len(MAGIC) + SALT_BYTES], header[len(MAGIC) + SALT_BYTES :]
        aead = AESGCM(_key(passphrase, salt))
        index = 0
        while True:
            size_bytes = src.read(4)
            if len(size_bytes) != 4:
                raise SealError("truncated")
            (size,) = struct.unpack(">I", size_bytes)
            if size > CHUNK + TAG_BYTES:
                raise SealError("altered")
            sealed = src.read(size)
            last = not src.peek(1)
            try:
                dst.write(aead.decrypt(_nonce(prefix, index, last), sealed, header))
            except InvalidTag as exc:
                raise SealError("wrong passphrase or altered file") from exc
            if last:
                return
            index += 1
