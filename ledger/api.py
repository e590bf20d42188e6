"""Proof API: inclusion and consistency proofs, and a lot's offline proof bundle."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema

from core.errors import NotFound
from core.problems import Problem, problem
from ledger import checkpoints, selectors

router = Router(tags=["ledger"])


class InclusionOut(Schema):
    leaf_index: int
    tree_size: int
    leaf_hash: str
    hashes: list[str]


class BundleRecordOut(Schema):
    kind: str
    leaf_index: int
    canonical: str
    leaf_hash: str
    inclusion_proof: list[str]


class BundleSubjectOut(Schema):
    gtin: str
    lot: str
    digital_link: str


class ProofBundleOut(Schema):
    origin: str
    checkpoint: str
    verifier_key: str
    records: list[BundleRecordOut]
    subject: BundleSubjectOut


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


def lot_refs(lot: Any) -> list[selectors.Ref]:
    """Catalogue records that speak for a lot: the lot, its product, organisation and certificates."""
    from catalog.selectors import certificates_for_lot

    product = lot.product
    refs: list[selectors.Ref] = [
        ("catalog.lot", str(lot.pk)),
        ("catalog.product", str(product.pk)),
        ("catalog.organization", str(product.organization_id)),
    ]
    refs += [("catalog.certificate", str(pk)) for pk in certificates_for_lot(lot).values_list("pk", flat=True)]
    return refs


def event_refs(lot: Any) -> list[selectors.Ref]:
    """The EPCIS events of the lot's trace, if the events app offers them."""
    try:
        from events import selectors as events_selectors
    except ImportError:  # pragma: no cover
        return []
    fn = getattr(events_selectors, "ledger_refs_for_lot", None)
    if fn is None:
        return []
    return [(str(t), str(i)) for t, i in fn(lot)]


@router.get(
    "/lots/{gtin}/{lot}/proof-bundle",
    summary="Offline proof bundle of a published lot",
    response={200: ProofBundleOut, 404: Problem},
)
def lot_proof_bundle(request: HttpRequest, gtin: str, lot: str) -> Any:
    """Every ledger record about the lot and its trace (lot versions, product, organisation,
    certificates, EPCIS events), each with its leaf index and inclusion proof, plus the signed
    checkpoint (with witness cosignatures) and the log's key: verify it with
    ``truyxuat ledger verify`` or ``/static/ledger/verify.js``."""
    from catalog.selectors import digital_link, public_lot

    obj = public_lot(gtin, lot)
    if obj is None:
        raise NotFound("Không có lô công bố này. / No such published lot.")
    refs = lot_refs(obj) + event_refs(obj)
    subject = {"gtin": gtin, "lot": obj.lot_code, "digital_link": digital_link(gtin, obj.lot_code)}
    data = selectors.proof_bundle(refs, subject=subject)
    resp = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    resp["Cache-Control"] = "public, max-age=30"
    resp["Access-Control-Allow-Origin"] = "*"
    return resp
