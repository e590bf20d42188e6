"""Proof API: inclusion and consistency proofs (a lot's offline proof bundle is `portal.proofs`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from core.problems import Problem, problem
from ledger import checkpoints, selectors

router = Router(tags=["ledger"])


class InclusionOut(Schema):
    leaf_index: int
    tree_size: int
    leaf_hash: str
    hashes: list[str]


class ConsistencyOut(Schema):
    first: int
    second: int
    first_root: str
    second_root: str
    hashes: list[str]


def _bad_range(detail: str) -> HttpResponse:
    return problem(400, "Phạm vi không hợp lệ / Invalid range", detail)


def _signed_size() -> int:
    cp = checkpoints.maybe_checkpoint()
    return cp.size if cp else 0


@router.get(
    "/ledger/proof",
    response={200: InclusionOut, 400: Problem},
    summary="Inclusion proof of a leaf (RFC 9162 audit path, base64)",
)
def inclusion_proof(request: HttpRequest, leaf_index: int, tree_size: int | None = None) -> Any:
    """Hashes in RFC 9162 audit-path order (nearest the leaf first). ``tree_size`` defaults to the
    latest checkpoint's size and may not exceed it."""
    signed = _signed_size()
    size = signed if tree_size is None else tree_size
    if size > signed:
        return _bad_range(f"tree_size {size} is beyond the latest checkpoint ({signed})")
    if not 0 <= leaf_index < size:
        return _bad_range(f"leaf_index must be in [0, {size}) for tree_size {size}")
    return selectors.inclusion(leaf_index, size)


@router.get(
    "/ledger/consistency",
    response={200: ConsistencyOut, 400: Problem},
    summary="Consistency proof between two tree sizes (RFC 9162, base64)",
)
def consistency_proof(request: HttpRequest, first: int, second: int | None = None) -> Any:
    """Proof that the tree of size ``first`` is a prefix of the tree of size ``second`` (default:
    the latest checkpoint's size; at most that)."""
    signed = _signed_size()
    second_ = signed if second is None else second
    if second_ > signed:
        return _bad_range(f"second {second_} is beyond the latest checkpoint ({signed})")
    if not 0 <= first <= second_:
        return _bad_range(f"need 0 <= first <= second, got first={first}, second={second_}")
    return selectors.consistency(first, second_)
