"""A lot's offline proof bundle: the ledger's proofs for the catalogue records and events that speak for a lot.

Assembled here, above the domain apps, so that `ledger` knows nothing of catalogue lots or EPCIS events; the
route and its schema are the ones the ledger API always had (`/api/v1/lots/{gtin}/{lot}/proof-bundle`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema

from catalog.selectors import certificates_for_lot, digital_link, public_lot
from core.errors import NotFound
from core.problems import Problem
from events.selectors import ledger_refs_for_lot
from ledger import selectors

router = Router(tags=["ledger"])


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


def lot_refs(lot: Any) -> list[selectors.Ref]:
    """Catalogue records that speak for a lot: the lot, its product, organisation and certificates."""
    product = lot.product
    refs: list[selectors.Ref] = [
        ("catalog.lot", str(lot.pk)),
        ("catalog.product", str(product.pk)),
        ("catalog.organization", str(product.organization_id)),
    ]
    refs += [("catalog.certificate", str(pk)) for pk in certificates_for_lot(lot).values_list("pk", flat=True)]
    return refs


def event_refs(lot: Any) -> list[selectors.Ref]:
    """The EPCIS events of the lot's trace."""
    return [(str(t), str(i)) for t, i in ledger_refs_for_lot(lot)]


@router.get(
    "/lots/{gtin}/{lot}/proof-bundle",
    summary="Offline proof bundle of a published lot",
    response={200: ProofBundleOut, 404: Problem},
    operation_id="ledger_api_lot_proof_bundle",
)
def lot_proof_bundle(request: HttpRequest, gtin: str, lot: str) -> Any:
    """Every ledger record about the lot and its trace (lot versions, product, organisation,
    certificates, EPCIS events), each with its leaf index and inclusion proof, plus the signed
    checkpoint (with witness cosignatures) and the log's key: verify it with
    ``truyxuat ledger verify`` or ``/static/ledger/verify.js``."""
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
