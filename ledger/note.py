"""Signed notes, checkpoints and witness cosignatures (C2SP formats). Pure Python, no Django.

Formats, read from the specifications and from Go's ``golang.org/x/mod/sumdb/note``:

* **signed note** (c2sp.org/signed-note): ``text`` (ends in a newline), a blank line, then one
  or more lines ``"— <key name> <base64(4-byte key ID || signature)>\\n"``. Key ID =
  ``SHA-256(name || "\\n" || type byte || public key)[:4]``, big-endian.
* **keys**: verifier key ``"<name>+<8 hex key ID>+<base64(type || public key)>"``; signer key
  ``"PRIVATE+KEY+<name>+<8 hex key ID>+<base64(type || Ed25519 seed)>"`` (as Go's
  ``note.GenerateKey``). Type ``0x01`` is an Ed25519 note signature (the log's own key).
* **cosignature/v1** (c2sp.org/tlog-cosignature), type ``0x04``: a witness's signature line
  whose payload after the key ID is an 8-byte big-endian POSIX timestamp followed by the
  Ed25519 signature of ``"cosignature/v1\\ntime <timestamp>\\n" || checkpoint text``. Witness
  keys use the same string forms with type byte ``0x04``; :func:`open_note` verifies both types,
  so a checkpoint with log signature and cosignatures opens in one call.
* **checkpoint** (c2sp.org/tlog-checkpoint): note text ``origin\\nsize\\nbase64(root)\\n`` plus
  optional non-empty extension lines.

Errors are subclasses of :class:`NoteError` (a ``ValueError``): :class:`MalformedNoteError`,
:class:`MalformedKeyError`, :class:`UnknownKeyError` (no signature from any known key),
:class:`InvalidSignatureError` (a known key's signature does not verify) and
:class:`MalformedCheckpointError`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "ALG_COSIGNATURE_V1",
    "ALG_ED25519",
    "Checkpoint",
    "InvalidSignatureError",
    "MalformedCheckpointError",
    "MalformedKeyError",
    "MalformedNoteError",
    "NoteError",
    "Signature",
    "Signer",
    "UnknownKeyError",
    "Verifier",
    "add_signatures",
    "cosign",
    "format_checkpoint",
    "generate_key",
    "generate_witness_key",
    "key_id",
    "open_checkpoint",
    "open_note",
    "parse_checkpoint",
    "parse_note",
    "parse_signer_key",
    "parse_verifier_key",
    "sign_note",
    "verifier_key_for",
    "verify_cosignature",
]

ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
_ALGS = (ALG_ED25519, ALG_COSIGNATURE_V1)
_MAX_SIGNATURES = 100
_MAX_TIMESTAMP = 2**63 - 1
_SIG_PREFIX = "— "


class NoteError(ValueError):
    """Base class of every error raised by this module."""


class MalformedNoteError(NoteError):
    pass


class MalformedKeyError(NoteError):
    pass


class UnknownKeyError(NoteError):
    """The note carries no signature from any of the given keys."""

    def __init__(self, message: str, signatures: list[Signature]) -> None:
        super().__init__(message)
        self.signatures = signatures


class InvalidSignatureError(NoteError):
    """A signature line matches a known key (name and key ID) but does not verify."""

    def __init__(self, name: str, key_hash: int) -> None:
        super().__init__(f"invalid signature for key {name}+{key_hash:08x}")
        self.name = name
        self.key_hash = key_hash


class MalformedCheckpointError(NoteError):
    pass


# ---------------------------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------------------------


def _valid_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def _b64decode(s: str) -> bytes:
    """Strict standard base64 (padding required, canonical encoding only)."""
    try:
        raw = base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("bad base64") from exc
    if base64.b64encode(raw).decode("ascii") != s:
        raise ValueError("non-canonical base64")
    return raw


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def key_id(name: str, alg: int, public_key: bytes) -> int:
    """Key ID (key hash): first 4 bytes of SHA-256(name || "\\n" || alg || public key), big-endian."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([alg]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def _cosigned_message(text: bytes, timestamp: int) -> bytes:
    return b"cosignature/v1\ntime %d\n" % timestamp + text


@dataclass(frozen=True)
class Verifier:
    """A public key that verifies note signatures: Ed25519 (0x01) or cosignature/v1 (0x04)."""

    name: str
    key_hash: int
    alg: int
    public_key: bytes

    @classmethod
    def from_key(cls, vkey: str) -> Verifier:
        return parse_verifier_key(vkey)

    @property
    def key(self) -> str:
        """The encoded verifier key ``name+hash+base64``."""
        return f"{self.name}+{self.key_hash:08x}+{_b64(bytes([self.alg]) + self.public_key)}"

    def verify(self, msg: bytes, sig: bytes) -> bool:
        """Check ``sig`` (the signature bytes after the 4-byte key ID) over note text ``msg``."""
        pub = Ed25519PublicKey.from_public_bytes(self.public_key)
        if self.alg == ALG_COSIGNATURE_V1:
            if len(sig) != 8 + 64:
                return False
            timestamp = int.from_bytes(sig[:8], "big")
            if timestamp > _MAX_TIMESTAMP:
                return False
            msg, sig = _cosigned_message(msg, timestamp), sig[8:]
        elif len(sig) != 64:
            return False
        try:
            pub.verify(sig, msg)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """A private key that signs notes (0x01) or checkpoints as a witness (0x04)."""

    name: str
    key_hash: int
    alg: int
    seed: bytes

    @classmethod
    def from_key(cls, skey: str) -> Signer:
        return parse_signer_key(skey)

    @property
    def verifier(self) -> Verifier:
        pub = Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes_raw()
        return Verifier(self.name, self.key_hash, self.alg, pub)

    def sign(self, msg: bytes, timestamp: int | None = None) -> bytes:
        """Signature bytes (without the key ID) over note text ``msg``.

        For a cosignature/v1 key the result is ``timestamp (8 bytes BE) || signature`` and
        ``timestamp`` defaults to the current time.
        """
        priv = Ed25519PrivateKey.from_private_bytes(self.seed)
        if self.alg == ALG_COSIGNATURE_V1:
            ts = int(time.time()) if timestamp is None else timestamp
            if not 0 <= ts <= _MAX_TIMESTAMP:
                raise ValueError("cosignature timestamp out of range")
            return ts.to_bytes(8, "big") + priv.sign(_cosigned_message(msg, ts))
        return priv.sign(msg)


def parse_verifier_key(vkey: str) -> Verifier:
    """Parse ``name+hash+base64(alg || key)``; raise :class:`MalformedKeyError` if invalid."""
    parts = vkey.split("+", 2)  # base64 may itself contain "+"
    if len(parts) != 3:
        raise MalformedKeyError("malformed verifier key")
    name, hash16, key64 = parts
    if not _valid_name(name) or not re.fullmatch(r"[0-9a-f]{8}", hash16):
        raise MalformedKeyError("malformed verifier key")
    try:
        key = _b64decode(key64)
    except ValueError as exc:
        raise MalformedKeyError("malformed verifier key") from exc
    if len(key) != 33:
        raise MalformedKeyError("malformed verifier key")
    if key[0] not in _ALGS:
        raise MalformedKeyError(f"unknown verifier key algorithm {key[0]:#04x}")
    h = int(hash16, 16)
    if h != key_id(name, key[0], key[1:]):
        raise MalformedKeyError("verifier key hash does not match the key")
    return Verifier(name, h, key[0], key[1:])


def parse_signer_key(skey: str) -> Signer:
    """Parse ``PRIVATE+KEY+name+hash+base64(alg || seed)``."""
    parts = skey.split("+", 4)
    if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
        raise MalformedKeyError("malformed signer key")
    _, _, name, hash16, key64 = parts
    if not _valid_name(name) or not re.fullmatch(r"[0-9a-f]{8}", hash16):
        raise MalformedKeyError("malformed signer key")
    try:
        key = _b64decode(key64)
    except ValueError as exc:
        raise MalformedKeyError("malformed signer key") from exc
    if len(key) != 33:
        raise MalformedKeyError("malformed signer key")
    if key[0] not in _ALGS:
        raise MalformedKeyError(f"unknown signer key algorithm {key[0]:#04x}")
    h = int(hash16, 16)
    signer = Signer(name, h, key[0], key[1:])
    if key_id(name, key[0], signer.verifier.public_key) != h:
        raise MalformedKeyError("signer key hash does not match the key")
    return signer


def _encode_keys(name: str, alg: int, priv: Ed25519PrivateKey) -> tuple[str, str]:
    if not _valid_name(name):
        raise MalformedKeyError(f"invalid key name {name!r}")
    pub = priv.public_key().public_bytes_raw()
    h = key_id(name, alg, pub)
    skey = f"PRIVATE+KEY+{name}+{h:08x}+{_b64(bytes([alg]) + priv.private_bytes_raw())}"
    vkey = f"{name}+{h:08x}+{_b64(bytes([alg]) + pub)}"
    return skey, vkey


def generate_key(name: str, alg: int = ALG_ED25519) -> tuple[str, str]:
    """New Ed25519 key pair: ``(signer_key, verifier_key)``. Keep the signer key secret."""
    if alg not in _ALGS:
        raise ValueError(f"unsupported algorithm {alg}")
    return _encode_keys(name, alg, Ed25519PrivateKey.generate())


def generate_witness_key(name: str) -> tuple[str, str]:
    """New cosignature/v1 (type 0x04) witness key pair ``(signer_key, verifier_key)``."""
    return generate_key(name, ALG_COSIGNATURE_V1)


def verifier_key_for(signer_key: str) -> str:
    """The verifier key that belongs to a signer key."""
    return parse_signer_key(signer_key).verifier.key


# ---------------------------------------------------------------------------------------------
# Notes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    """One signature line of a note."""

    name: str
    key_hash: int
    base64: str

    @property
    def raw(self) -> bytes:
        """Signature bytes after the 4-byte key ID."""
        return base64.b64decode(self.base64)[4:]

    @property
    def line(self) -> str:
        return f"{_SIG_PREFIX}{self.name} {self.base64}\n"

    @property
    def timestamp(self) -> int | None:
        """The cosignature/v1 timestamp, if the payload has the cosignature shape (72 bytes)."""
        raw = self.raw
        return int.from_bytes(raw[:8], "big") if len(raw) == 72 else None


def _as_text(msg: str | bytes) -> str:
    if isinstance(msg, bytes | bytearray | memoryview):
        try:
            return bytes(msg).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedNoteError("malformed note: not UTF-8") from exc
    return msg


def _check_chars(s: str) -> None:
    for c in s:
        if c < " " and c != "\n":
            raise MalformedNoteError("malformed note: control character")
    try:
        s.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates
        raise MalformedNoteError("malformed note: not UTF-8") from exc


def _parse_signature_line(line: str) -> Signature:
    if not line.startswith(_SIG_PREFIX):
        raise MalformedNoteError("malformed note: bad signature line")
    name, sep, b64 = line[len(_SIG_PREFIX) :].partition(" ")
    if not sep or not _valid_name(name) or not b64:
        raise MalformedNoteError("malformed note: bad signature line")
    try:
        raw = _b64decode(b64)
    except ValueError as exc:
        raise MalformedNoteError("malformed note: bad signature encoding") from exc
    if len(raw) < 5:
        raise MalformedNoteError("malformed note: signature too short")
    return Signature(name, int.from_bytes(raw[:4], "big"), b64)


def parse_note(msg: str | bytes) -> tuple[str, list[Signature]]:
    """Split a signed note into its text and signature lines, verifying nothing."""
    s = _as_text(msg)
    _check_chars(s)
    split = s.rfind("\n\n")
    if split < 0:
        raise MalformedNoteError("malformed note: no signature block")
    text, block = s[: split + 1], s[split + 2 :]
    if not block or not block.endswith("\n"):
        raise MalformedNoteError("malformed note: no signature block")
    lines = block[:-1].split("\n")
    if len(lines) > _MAX_SIGNATURES:
        raise MalformedNoteError("malformed note: too many signatures")
    return text, [_parse_signature_line(line) for line in lines]


def _verifier_map(verifiers: Iterable[str | Verifier]) -> dict[tuple[str, int], Verifier]:
    known: dict[tuple[str, int], Verifier] = {}
    for v in verifiers:
        ver = parse_verifier_key(v) if isinstance(v, str) else v
        k = (ver.name, ver.key_hash)
        if k in known and known[k] != ver:
            raise NoteError(f"ambiguous key {ver.name}+{ver.key_hash:08x}")
        known[k] = ver
    return known


def open_note(msg: str | bytes, verifiers: Iterable[str | Verifier]) -> tuple[str, list[Signature]]:
    """Verify a signed note; return ``(text, verified_signatures)``.

    Like Go's ``note.Open``: signatures from unknown keys are ignored; a signature from a known
    key (same name and key ID) that does not verify raises :class:`InvalidSignatureError`;
    no verified signature at all raises :class:`UnknownKeyError`.
    """
    text, sigs = parse_note(msg)
    known = _verifier_map(verifiers)
    body = text.encode("utf-8")
    verified: list[Signature] = []
    seen: set[tuple[str, int]] = set()
    unverified: list[Signature] = []
    for sig in sigs:
        k = (sig.name, sig.key_hash)
        v = known.get(k)
        if v is None:
            if sig not in unverified:
                unverified.append(sig)
            continue
        if k in seen:
            continue
        seen.add(k)
        if not v.verify(body, sig.raw):
            raise InvalidSignatureError(sig.name, sig.key_hash)
        verified.append(sig)
    if not verified:
        names = ", ".join(f"{s.name}+{s.key_hash:08x}" for s in unverified) or "none"
        raise UnknownKeyError(f"note has no signature from a known key (signed by: {names})", unverified)
    return text, verified


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise MalformedNoteError("malformed note: text must end with a newline")
    _check_chars(text)


def sign_note(text: str, *signers: str | Signer, timestamp: int | None = None) -> str:
    """Sign ``text`` (must end in a newline) with one or more signer keys."""
    _check_text(text)
    if not signers:
        raise ValueError("no signer given")
    body = text.encode("utf-8")
    lines = []
    for s in signers:
        signer = parse_signer_key(s) if isinstance(s, str) else s
        raw = signer.key_hash.to_bytes(4, "big") + signer.sign(body, timestamp)
        lines.append(Signature(signer.name, signer.key_hash, _b64(raw)).line)
    return text + "\n" + "".join(lines)


def add_signatures(msg: str, *lines: str | Signature) -> str:
    """Append signature lines (e.g. witness cosignatures) to a signed note.

    An existing signature by the same key (name and key ID) is replaced.
    """
    text, sigs = parse_note(msg)
    new = [_parse_signature_line(x.rstrip("\n")) if isinstance(x, str) else x for x in lines]
    replaced = {(s.name, s.key_hash) for s in new}
    keep = [s for s in sigs if (s.name, s.key_hash) not in replaced]
    return text + "\n" + "".join(s.line for s in keep + new)


# ---------------------------------------------------------------------------------------------
# Cosignatures
# ---------------------------------------------------------------------------------------------


def cosign(checkpoint_body: str, witness_signer_key: str | Signer, timestamp: int) -> str:
    """A cosignature/v1 signature line ``"— name base64\\n"`` over a checkpoint body."""
    _check_text(checkpoint_body)
    parse_checkpoint(checkpoint_body)
    signer = parse_signer_key(witness_signer_key) if isinstance(witness_signer_key, str) else witness_signer_key
    if signer.alg != ALG_COSIGNATURE_V1:
        raise MalformedKeyError("not a cosignature/v1 (type 0x04) key")
    raw = signer.key_hash.to_bytes(4, "big") + signer.sign(checkpoint_body.encode("utf-8"), timestamp)
    return Signature(signer.name, signer.key_hash, _b64(raw)).line


def verify_cosignature(checkpoint_body: str, signature: str | Signature, witness_key: str | Verifier) -> int:
    """Verify one cosignature/v1 line (or :class:`Signature`); return its timestamp.

    Raises :class:`UnknownKeyError` if the line is not by this witness key and
    :class:`InvalidSignatureError` if it does not verify.
    """
    v = parse_verifier_key(witness_key) if isinstance(witness_key, str) else witness_key
    if v.alg != ALG_COSIGNATURE_V1:
        raise MalformedKeyError("not a cosignature/v1 (type 0x04) key")
    sig = _parse_signature_line(signature.rstrip("\n")) if isinstance(signature, str) else signature
    if (sig.name, sig.key_hash) != (v.name, v.key_hash):
        raise UnknownKeyError("cosignature is not by this witness key", [sig])
    raw = sig.raw
    if not v.verify(checkpoint_body.encode("utf-8"), raw):
        raise InvalidSignatureError(sig.name, sig.key_hash)
    return int.from_bytes(raw[:8], "big")


# ---------------------------------------------------------------------------------------------
# Checkpoints
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    @property
    def body(self) -> str:
        return format_checkpoint(self.origin, self.size, self.root_hash, self.extensions)


_SIZE_RE = re.compile(r"0|[1-9][0-9]*")


def format_checkpoint(origin: str, size: int, root_hash: bytes, extensions: Iterable[str] = ()) -> str:
    """Checkpoint note text: ``origin\\nsize\\nbase64(root)\\n`` plus extension lines."""
    ext = tuple(extensions)
    if not origin or "\n" in origin:
        raise MalformedCheckpointError("origin must be one non-empty line")
    if not 0 <= size < 2**63:
        raise MalformedCheckpointError("tree size out of range")
    if len(root_hash) != 32:
        raise MalformedCheckpointError("root hash must be 32 bytes")
    if any(not e or "\n" in e for e in ext):
        raise MalformedCheckpointError("extension lines must be non-empty single lines")
    text = "".join(f"{line}\n" for line in (origin, str(size), _b64(root_hash), *ext))
    _check_chars(text)
    return text


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse checkpoint note text (without signatures); raise :class:`MalformedCheckpointError`."""
    if not text.endswith("\n"):
        raise MalformedCheckpointError("checkpoint must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise MalformedCheckpointError("checkpoint needs origin, size and root hash lines")
    origin, size_s, root_s, *ext = lines
    if not origin:
        raise MalformedCheckpointError("empty origin")
    if not _SIZE_RE.fullmatch(size_s) or int(size_s) >= 2**63:
        raise MalformedCheckpointError(f"bad tree size {size_s!r}")
    try:
        root_hash = _b64decode(root_s)
    except ValueError as exc:
        raise MalformedCheckpointError("bad root hash") from exc
    if len(root_hash) != 32:
        raise MalformedCheckpointError("root hash must be 32 bytes")
    if any(not e for e in ext):
        raise MalformedCheckpointError("empty extension line")
    return Checkpoint(origin, int(size_s), root_hash, tuple(ext))


def open_checkpoint(
    msg: str | bytes, verifiers: Iterable[str | Verifier], origin: str | None = None
) -> tuple[Checkpoint, list[Signature]]:
    """Open a signed checkpoint note and parse it; optionally require its origin."""
    text, sigs = open_note(msg, verifiers)
    cp = parse_checkpoint(text)
    if origin is not None and cp.origin != origin:
        raise MalformedCheckpointError(f"checkpoint origin {cp.origin!r} is not {origin!r}")
    return cp, sigs
