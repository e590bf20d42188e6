"""The tamper audit (``truyxuat ledger audit``): recompute leaves from records and the tree from leaves.

Two passes, both streaming (memory stays O(chunk + log n) on any log size):

1. **The tree.** Every leaf, in order: its canonical bytes must still hash to its stored leaf
   hash (``SHA-256(0x00 || SHA-256(data))``); the subtree hashes recomputed from those leaves
   must equal the stored :class:`~ledger.models.LedgerHash` rows; and the root recomputed at the
   size of every stored checkpoint must equal that checkpoint's signed root, whose signature
   must verify. This catches an edited, reordered, replaced or missing leaf or hash.
2. **The records.** For every record that has leaves (``record_type``, ``record_id``), its
   newest leaf must equal :func:`ledger.records.record_bytes` of the row as it is now in the
   database: a direct edit of a lot's quantity, a certificate's validity or an event's stored
   JSON shows up here, named. Older leaves are the record's history: pass 1 checked they still
   hash to their leaf.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db.models import Max

from ledger import merkle, note
from ledger.choices import AlarmKind
from ledger.models import LedgerAlarm, LedgerCheckpoint, LedgerHash, LedgerHead, LedgerLeaf
from ledger.records import REGISTRY, record_bytes

MAX_LISTED = 200  # problems listed one by one; the rest are counted


def _fmt(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@dataclass
class AuditResult:
    size: int = 0
    leaves_checked: int = 0
    records_checked: int = 0
    checkpoints_checked: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    mismatched_records: list[tuple[str, str]] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def problem(self, line: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(line)
        elif len(self.problems) == MAX_LISTED:
            self.problems.append("… (more problems not listed / còn nữa)")

    def summary(self) -> str:
        if self.ok:
            return (
                f"Kiểm toán sổ cái: khớp / ledger audit passed — {_fmt(self.leaves_checked)} lá/leaves, "
                f"{_fmt(self.records_checked)} bản ghi/records, {self.checkpoints_checked} điểm kiểm tra/checkpoints."
            )
        return (
            f"Kiểm toán sổ cái: PHÁT HIỆN SAI LỆCH / ledger audit FAILED — {self.problem_count} vấn đề/problems, "
            f"{len(self.mismatched_records)} bản ghi bị sửa/records altered "
            f"({_fmt(self.leaves_checked)} lá/leaves, {_fmt(self.records_checked)} bản ghi/records checked)."
        )


class _FrontierReader:
    """Reads the recomputed frontier hashes (the only old hashes an append needs)."""

    def __init__(self, known: dict[int, bytes]) -> None:
        self.known = known

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        return [self.known[i] for i in indexes]


def _fold(frontier: list[bytes]) -> bytes:
    if not frontier:
        return merkle.EMPTY_ROOT
    h = frontier[-1]
    for left in reversed(frontier[:-1]):
        h = merkle.node_hash(left, h)
    return h


def _check_tree(res: AuditResult, chunk: int, progress: Callable[[str], None] | None) -> None:
    head = LedgerHead.objects.filter(pk=1).first()
    size = head.size if head else 0
    res.size = size
    cps = list(LedgerCheckpoint.objects.order_by("size").values_list("size", "root_hash", "note", "key"))
    if cps and cps[-1][0] > size:
        res.problem(f"checkpoint {cps[-1][0]} is beyond the log's size {size} (leaves were removed?)")
    cp_sizes = [c[0] for c in cps]
    known: dict[int, bytes] = {}  # stored index -> recomputed hash, only the frontier is kept
    n = 0
    cp_pos = 0
    while cp_pos < len(cps) and cps[cp_pos][0] == 0:
        _check_checkpoint(res, cps[cp_pos], merkle.EMPTY_ROOT)
        cp_pos += 1
    while n < size:
        end = min(n + chunk, size)
        while cp_pos < len(cp_sizes) and cp_sizes[cp_pos] <= n:
            cp_pos += 1
        if cp_pos < len(cp_sizes) and cp_sizes[cp_pos] < end:
            end = cp_sizes[cp_pos]
        rows = list(
            LedgerLeaf.objects.filter(index__gte=n, index__lt=end)
            .order_by("index")
            .values_list("index", "leaf_hash", "data", "record_type", "record_id")
        )
        leaf_hashes = []
        expected = n
        for index, stored_lh, data, rtype, rid in rows:
            if index != expected:
                res.problem(f"leaves #{expected}…#{index - 1} are missing / thiếu lá")
                expected = index
            lh = hashlib.sha256(b"\x00" + hashlib.sha256(bytes(data)).digest()).digest()
            if lh != bytes(stored_lh):
                who = f" ({rtype} #{rid})" if rtype else ""
                res.problem(f"leaf #{index}{who}: its stored bytes no longer hash to its leaf hash / lá đã bị sửa")
                if rtype:
                    res.mismatched_records.append((rtype, rid))
            leaf_hashes.append(lh)
            expected += 1
        if len(rows) != end - n:
            if expected < end:
                res.problem(f"leaves #{expected}…#{end - 1} are missing / thiếu lá")
            return  # the tree cannot be recomputed past a gap
        stored = merkle.new_hashes_for_append_batch(n, leaf_hashes, _FrontierReader(known))
        first = merkle.stored_hash_index(0, n)
        db_hashes = dict(
            LedgerHash.objects.filter(index__gte=first, index__lt=first + len(stored)).values_list("index", "hash")
        )
        for k, h in enumerate(stored):
            got = db_hashes.get(first + k)
            if got is None or bytes(got) != h:
                level, pos = merkle.split_stored_hash_index(first + k)
                what = "missing" if got is None else "differs"
                res.problem(f"stored hash #{first + k} (level {level}, node {pos}) {what} / mã băm cây con sai")
        for k, h in enumerate(stored):
            known[first + k] = h
        frontier_idx = merkle.frontier_indexes(end)
        known = {i: known[i] for i in frontier_idx}
        res.leaves_checked = end
        n = end
        while cp_pos < len(cps) and cps[cp_pos][0] == n:
            _check_checkpoint(res, cps[cp_pos], _fold([known[i] for i in frontier_idx]))
            cp_pos += 1
        if progress:
            progress(f"  cây / tree: {_fmt(n)}/{_fmt(size)} lá / leaves ({100 * n // max(size, 1)}%)")
    extra = LedgerHash.objects.filter(index__gte=merkle.stored_hash_count(size)).count()
    if extra:
        res.problem(f"{extra} stored hashes beyond the tree of size {size}")


def _check_checkpoint(res: AuditResult, cp: tuple[int, bytes, str, str], root: bytes) -> None:
    size, stored_root, text, key = cp
    res.checkpoints_checked += 1
    if bytes(stored_root) != root:
        res.problem(f"checkpoint {size}: its signed root differs from the root recomputed from the leaves")
    try:
        parsed, _ = note.open_checkpoint(text, [key])
    except note.NoteError as exc:
        res.problem(f"checkpoint {size}: signature does not verify ({exc})")
        return
    if parsed.size != size or parsed.root_hash != root:
        res.problem(f"checkpoint {size}: the signed note says size {parsed.size} with another root")


def _describe(old: bytes, new: bytes) -> str:
    try:
        a = json.loads(old).get("data", {})
        b = json.loads(new).get("data", {})
    except (ValueError, AttributeError):
        return ""
    if not isinstance(a, dict) or not isinstance(b, dict):
        return ""
    diffs = []
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            was = json.dumps(a.get(k), ensure_ascii=False)[:60]
            now = json.dumps(b.get(k), ensure_ascii=False)[:60]
            diffs.append(f"{k}: ledger {was} ≠ db {now}")
    return "; ".join(diffs[:5])


def _check_records(res: AuditResult, chunk: int, progress: Callable[[str], None] | None) -> None:
    types = list(LedgerLeaf.objects.exclude(record_type="").order_by().values_list("record_type", flat=True).distinct())
    for record_type in sorted(types):
        rt = REGISTRY.get(record_type)
        latest = (
            LedgerLeaf.objects.filter(record_type=record_type)
            .order_by()
            .values("record_id")
            .annotate(last=Max("index"))
            .values_list("record_id", "last")
        )
        if rt is None:
            res.warnings.append(
                f"{latest.count()} records of type {record_type!r} cannot be recomputed: no payload is registered "
                "(ledger.records.register) / loại bản ghi chưa đăng ký"
            )
            continue
        model = rt.model
        pk_field = model._meta.pk
        pairs = list(latest.iterator(chunk_size=chunk))
        done = 0
        for start in range(0, len(pairs), 500):
            part = pairs[start : start + 500]
            data = dict(LedgerLeaf.objects.filter(index__in=[i for _, i in part]).values_list("index", "data"))
            pks = {}
            for rid, _ in part:
                try:
                    pks[rid] = pk_field.to_python(rid)
                except Exception:
                    pks[rid] = None
            rows = {
                str(o.pk): o for o in model._default_manager.filter(pk__in=[p for p in pks.values() if p is not None])
            }
            for rid, idx in part:
                leaf = bytes(data[idx])
                row = rows.get(rid)
                res.records_checked += 1
                if row is None:
                    res.problem(
                        f"{record_type} #{rid} (leaf #{idx}): the record is gone from the database / bản ghi đã bị xoá"
                    )
                    res.mismatched_records.append((record_type, rid))
                    continue
                try:
                    now = record_bytes(row)
                except Exception as exc:
                    res.problem(f"{record_type} #{rid} «{row}» (leaf #{idx}): cannot recompute its payload: {exc}")
                    res.mismatched_records.append((record_type, rid))
                    continue
                if now != leaf:
                    detail = _describe(leaf, now)
                    res.problem(
                        f"{record_type} #{rid} «{row}» (leaf #{idx}) was altered outside the ledger / "
                        f"bản ghi bị sửa ngoài sổ cái" + (f": {detail}" if detail else "")
                    )
                    res.mismatched_records.append((record_type, rid))
            done += len(part)
            if progress and (done % max(chunk, 500) < 500 or done == len(pairs)):
                progress(f"  bản ghi / records {record_type}: {_fmt(done)}/{_fmt(len(pairs))}")


def run_audit(*, chunk: int = 20000, progress: Callable[[str], None] | None = None, alarm: bool = True) -> AuditResult:
    """Run both passes; store a :class:`~ledger.models.LedgerAlarm` when something is wrong."""
    res = AuditResult()
    if progress:
        progress("Kiểm toán sổ cái / ledger audit: 1/2 cây / tree")
    _check_tree(res, max(1, chunk), progress)
    if progress:
        progress("Kiểm toán sổ cái / ledger audit: 2/2 bản ghi / records")
    _check_records(res, max(1, chunk), progress)
    if alarm and not res.ok:
        LedgerAlarm.objects.create(
            kind=AlarmKind.AUDIT,
            source="truyxuat ledger audit",
            detail=res.summary(),
            evidence={"problems": res.problems[:50], "records": [list(r) for r in res.mismatched_records[:200]]},
        )
    return res
