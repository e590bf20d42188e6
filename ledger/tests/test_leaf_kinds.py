"""A stamp batch has a leaf kind of its own; the leaves appended before it (kind `review`) still audit and verify."""

from __future__ import annotations

import pytest

from catalog.tests.factories import LotFactory, ProductFactory
from ledger.audit import run_audit
from ledger.bundle import verify_bundle
from ledger.choices import LeafKind
from ledger.models import LedgerLeaf
from ledger.records import record_bytes
from ledger.selectors import proof_bundle
from ledger.services import append
from stamps import services as stamp_services


@pytest.mark.django_db
def test_stamp_batch_leaf_kind_new_and_old(producer, officer, organization):
    lot = LotFactory(product=ProductFactory(organization=organization), status="published")
    batch = stamp_services.request_batch(actor=producer, product=lot.product, lot=lot, quantity=2)
    batch = stamp_services.approve_batch(actor=officer, batch=batch, reason="Đủ hồ sơ")
    # A leaf as the code before issue 17 wrote it for the same record.
    append(LeafKind.REVIEW, record_bytes(batch), record_type="stamps.stampbatch", record_id=str(batch.pk))

    leaves = LedgerLeaf.objects.filter(record_type="stamps.stampbatch", record_id=str(batch.pk)).order_by("index")
    assert [leaf.kind for leaf in leaves] == ["stamp_batch", "review"]
    assert [leaf.get_kind_display() for leaf in leaves] == ["Lô tem", "Quyết định phê duyệt"]
    result = run_audit(alarm=False)
    assert result.ok, result.problems
    report = verify_bundle(proof_bundle([("stamps.stampbatch", str(batch.pk))]))
    assert report.ok
    assert [(r.kind, r.ok) for r in report.records] == [("stamp_batch", True), ("review", True)]
