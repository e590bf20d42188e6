"""Offline verification of a proof bundle. Pure Python, no Django.

A *proof bundle* lets anyone check, without trusting the portal, that some records (a lot's
events, certificates, test results, ...) are in the public ledger. It is one JSON object::

    {
      "origin": "truyxuat.example/log",          # the log's checkpoint origin
      "checkpoint": "truyxuat.example/log\\n10234\\n<base64 root>\\n\\n— truyxuat.example/log <sig>\\n",
                                                 # a signed note (c2sp.org/tlog-checkpoint);
                                                 # witness cosignature lines may follow
      "verifier_key": "truyxuat.example/log+1a2b3c4d+AX...",   # the log's note verifier key
      "records": [
        {
          "kind": "event",                       # free text: event, lot, certificate, ...
          "leaf_index": 17,                      # 0-based position in the log
          "canonical": "{\\"...\\": ...}",       # the record's canonical JSON, as a string
          "leaf_hash": "<base64>",               # SHA-256(0x00 || SHA-256(UTF-8 bytes of canonical))
          "inclusion_proof": ["<base64>", ...]   # RFC 9162 audit path, nearest the leaf first
        }
      ],
      "subject": {...}                           # what the bundle is about; not verified
    }

The log's leaves are not the records themselves but their SHA-256 digests (so public tiles and
entry bundles never carry record contents): a record's leaf data is ``SHA-256(canonical)`` and
its RFC 9162 leaf hash is ``SHA-256(0x00 || SHA-256(canonical))``.

All hashes are 32 bytes, standard base64 with padding. To verify (this module, and the browser
verifier, do exactly this):

1. the verifier key parses, and equals the pinned key if one is configured;
2. the checkpoint is a signed note with a valid Ed25519 signature by that key (other signature
   lines are ignored), its text is a checkpoint, and its origin equals ``origin``;
3. for each record: ``leaf_hash`` equals SHA-256(0x00 || SHA-256(canonical UTF-8 bytes)), ``leaf_index`` is
   below the checkpoint's tree size, and the inclusion proof leads from the leaf hash to the
   checkpoint's root hash for that index and size (RFC 9162 §2.1.3.2).

:func:`verify_bundle` returns a :class:`BundleReport` with a result per record and a one-line
summary in Vietnamese and in English. It never raises on bad input.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from ledger.merkle import ReaderLike, inclusion_proof, leaf_hash, verify_inclusion
from ledger.note import (
    InvalidSignatureError,
    MalformedCheckpointError,
    NoteError,
    UnknownKeyError,
    open_note,
    parse_checkpoint,
    parse_verifier_key,
)

__all__ = ["MESSAGES", "BundleReport", "RecordResult", "build_bundle", "record_leaf_hash", "verify_bundle"]


def record_leaf_hash(canonical: bytes) -> bytes:
    """Leaf hash of a record: the leaf data is the SHA-256 digest of its canonical bytes."""
    return leaf_hash(hashlib.sha256(canonical).digest())


# code -> (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "ok": ("có trong sổ cái công khai", "is in the public ledger"),
    "malformed_bundle": ("gói bằng chứng không đúng định dạng", "the proof bundle is malformed"),
    "malformed_key": ("khóa xác minh không hợp lệ", "the verifier key is invalid"),
    "key_not_pinned": (
        "khóa xác minh không phải khóa đã được công bố của sổ cái",
        "the verifier key is not the ledger's published key",
    ),
    "signature_invalid": ("chữ ký của điểm kiểm tra không hợp lệ", "the checkpoint signature is invalid"),
    "unknown_key": (
        "điểm kiểm tra không được ký bởi khóa của sổ cái",
        "the checkpoint is not signed by the ledger's key",
    ),
    "malformed_checkpoint": ("điểm kiểm tra không đúng định dạng", "the checkpoint is malformed"),
    "origin_mismatch": (
        "điểm kiểm tra thuộc một sổ cái khác",
        "the checkpoint belongs to a different ledger",
    ),
    "checkpoint_unverified": (
        "không kiểm tra được vì điểm kiểm tra không hợp lệ",
        "not checked because the checkpoint is not valid",
    ),
    "malformed_record": ("bản ghi không đúng định dạng", "the record is malformed"),
    "leaf_hash_mismatch": (
        "nội dung bản ghi không khớp với mã băm lá (đã bị sửa)",
        "the record content does not match its leaf hash (it was altered)",
    ),
    "index_out_of_range": (
        "vị trí bản ghi nằm ngoài cây của điểm kiểm tra",
        "the record's index is outside the checkpoint's tree",
    ),
    "proof_invalid": (
        "bằng chứng bao gồm không khớp với gốc của cây",
        "the inclusion proof does not match the tree root",
    ),
}


@dataclass
class RecordResult:
    kind: str
    leaf_index: int | None
    ok: bool
    error: str | None
    message_vi: str
    message_en: str


@dataclass
class BundleReport:
    ok: bool
    checkpoint_ok: bool
    error: str | None  # bundle-level error code, None if the checkpoint verified
    origin: str | None
    tree_size: int | None
    root_hash: str | None  # base64
    verified: int
    total: int
    records: list[RecordResult] = field(default_factory=list)
    summary_vi: str = ""
    summary_en: str = ""
    subject: Any = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_bundle(
    *,
    origin: str,
    checkpoint: str,
    verifier_key: str,
    tree_size: int,
    records: Iterable[tuple[str, int, str]],
    reader: ReaderLike,
    subject: Any = None,
) -> dict[str, Any]:
    """Assemble a proof bundle for ``(kind, leaf_index, canonical_json)`` records.

    ``checkpoint`` is the signed checkpoint note for ``tree_size``; proofs are computed from the
    stored hashes in ``reader`` (see :mod:`ledger.merkle`).
    """
    out = []
    for kind, index, canonical in records:
        lh = record_leaf_hash(canonical.encode("utf-8"))
        proof = inclusion_proof(index, tree_size, reader)
        out.append(
            {
                "kind": kind,
                "leaf_index": index,
                "canonical": canonical,
                "leaf_hash": base64.b64encode(lh).decode("ascii"),
                "inclusion_proof": [base64.b64encode(p).decode("ascii") for p in proof],
            }
        )
    return {
        "origin": origin,
        "checkpoint": checkpoint,
        "verifier_key": verifier_key,
        "records": out,
        "subject": subject if subject is not None else {},
    }


def _fmt_vi(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _b64hash(s: Any) -> bytes:
    if not isinstance(s, str):
        raise ValueError("not a string")
    try:
        raw = base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("bad base64") from exc
    if len(raw) != 32:
        raise ValueError("not a 32-byte hash")
    return raw


def _failed(code: str, bundle: Any, records: list[Any]) -> BundleReport:
    vi, en = MESSAGES[code]
    results = []
    for r in records:
        kind = r.get("kind") if isinstance(r, Mapping) else None
        idx = r.get("leaf_index") if isinstance(r, Mapping) else None
        rvi, ren = MESSAGES["checkpoint_unverified"]
        results.append(
            RecordResult(
                str(kind) if kind is not None else "",
                idx if isinstance(idx, int) and not isinstance(idx, bool) else None,
                False,
                "checkpoint_unverified",
                rvi,
                ren,
            )
        )
    subject = bundle.get("subject") if isinstance(bundle, Mapping) else None
    return BundleReport(
        ok=False,
        checkpoint_ok=False,
        error=code,
        origin=None,
        tree_size=None,
        root_hash=None,
        verified=0,
        total=len(records),
        records=results,
        summary_vi=f"Không xác minh được: {vi}.",
        summary_en=f"Not verified: {en}.",
        subject=subject,
    )


def _check_record(r: Any, size: int, root: bytes) -> RecordResult:
    if not isinstance(r, Mapping):
        vi, en = MESSAGES["malformed_record"]
        return RecordResult("", None, False, "malformed_record", vi, en)
    kind = r.get("kind")
    idx = r.get("leaf_index")
    kind_s = kind if isinstance(kind, str) else ""
    idx_i = idx if isinstance(idx, int) and not isinstance(idx, bool) else None

    def result(code: str) -> RecordResult:
        vi, en = MESSAGES[code]
        return RecordResult(kind_s, idx_i, code == "ok", None if code == "ok" else code, vi, en)

    canonical = r.get("canonical")
    proof_s = r.get("inclusion_proof")
    if not isinstance(kind, str) or idx_i is None or idx_i < 0 or not isinstance(canonical, str):
        return result("malformed_record")
    if not isinstance(proof_s, list) or len(proof_s) > 64:
        return result("malformed_record")
    try:
        claimed = _b64hash(r.get("leaf_hash"))
        proof = [_b64hash(p) for p in proof_s]
        data = canonical.encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        return result("malformed_record")
    lh = record_leaf_hash(data)
    if lh != claimed:
        return result("leaf_hash_mismatch")
    if idx_i >= size:
        return result("index_out_of_range")
    if not verify_inclusion(lh, idx_i, size, proof, root):
        return result("proof_invalid")
    return result("ok")


def verify_bundle(bundle: Mapping[str, Any] | str | bytes, pinned_key: str | None = None) -> BundleReport:
    """Verify a proof bundle (a dict, or its JSON text) offline; see the module docstring.

    ``pinned_key``: the ledger's verifier key as configured by the verifying party; when given,
    the bundle's own ``verifier_key`` must be that key.
    """
    if isinstance(bundle, str | bytes):
        try:
            bundle = json.loads(bundle)
        except (ValueError, UnicodeDecodeError):
            return _failed("malformed_bundle", None, [])
    if not isinstance(bundle, Mapping):
        return _failed("malformed_bundle", None, [])
    records = bundle.get("records")
    if not isinstance(records, list):
        return _failed("malformed_bundle", bundle, [])
    origin = bundle.get("origin")
    checkpoint = bundle.get("checkpoint")
    vkey = bundle.get("verifier_key")
    if not isinstance(origin, str) or not isinstance(checkpoint, str) or not isinstance(vkey, str):
        return _failed("malformed_bundle", bundle, records)

    try:
        verifier = parse_verifier_key(vkey)
    except NoteError:
        return _failed("malformed_key", bundle, records)
    if pinned_key is not None:
        try:
            pinned = parse_verifier_key(pinned_key)
        except NoteError:
            return _failed("malformed_key", bundle, records)
        if pinned != verifier:
            return _failed("key_not_pinned", bundle, records)
    if verifier.alg != 0x01:
        return _failed("malformed_key", bundle, records)

    try:
        text, _sigs = open_note(checkpoint, [verifier])
        cp = parse_checkpoint(text)
    except InvalidSignatureError:
        return _failed("signature_invalid", bundle, records)
    except UnknownKeyError:
        return _failed("unknown_key", bundle, records)
    except MalformedCheckpointError:
        return _failed("malformed_checkpoint", bundle, records)
    except NoteError:
        return _failed("malformed_checkpoint", bundle, records)
    if cp.origin != origin:
        return _failed("origin_mismatch", bundle, records)

    results = [_check_record(r, cp.size, cp.root_hash) for r in records]
    verified = sum(1 for r in results if r.ok)
    total = len(results)
    root_hex = cp.root_hash.hex()[:16] + "…"
    all_ok = verified == total
    if all_ok:
        summary_vi = (
            f"Đã xác minh {verified}/{total} bản ghi có trong sổ cái công khai "
            f"{cp.origin}, kích thước cây {_fmt_vi(cp.size)}, gốc {root_hex}"
        )
        summary_en = (
            f"Verified {verified} of {total} records are in the public ledger "
            f"{cp.origin}, tree size {cp.size:,}, root {root_hex}"
        )
    else:
        bad = [r for r in results if not r.ok]
        first = bad[0]
        where_vi = f"bản ghi {first.kind or '?'} #{first.leaf_index if first.leaf_index is not None else '?'}"
        where_en = f"record {first.kind or '?'} #{first.leaf_index if first.leaf_index is not None else '?'}"
        summary_vi = (
            f"CẢNH BÁO: chỉ xác minh được {verified}/{total} bản ghi trong sổ cái công khai "
            f"{cp.origin} (kích thước cây {_fmt_vi(cp.size)}, gốc {root_hex}); "
            f"{len(bad)} bản ghi không hợp lệ, ví dụ {where_vi}: {first.message_vi}"
        )
        summary_en = (
            f"WARNING: only {verified} of {total} records verified in the public ledger "
            f"{cp.origin} (tree size {cp.size:,}, root {root_hex}); "
            f"{len(bad)} failed, e.g. {where_en}: {first.message_en}"
        )
    return BundleReport(
        ok=all_ok,
        checkpoint_ok=True,
        error=None,
        origin=cp.origin,
        tree_size=cp.size,
        root_hash=base64.b64encode(cp.root_hash).decode("ascii"),
        verified=verified,
        total=total,
        records=results,
        summary_vi=summary_vi,
        summary_en=summary_en,
        subject=bundle.get("subject"),
    )
