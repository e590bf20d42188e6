"""Stamp batches: who may request and approve, what approval issues, and that codes are never stored in the clear."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from catalog.tests.factories import LotFactory, ProductFactory
from core.errors import Forbidden
from core.models import AuditEntry
from gs1.binary import decode_sgtin96
from ledger.models import LedgerLeaf
from stamps import secrets, services
from stamps.models import Stamp, StampBatch
from stamps.printing import batch_epcs
from stamps.tests.factories import StampBatchFactory

ACTORS = ["anonymous", "consumer", "other_producer", "producer", "officer"]


def _state():
    return (
        AuditEntry.objects.count(),
        LedgerLeaf.objects.count(),
        StampBatch.objects.count(),
        Stamp.objects.count(),
        tuple(StampBatch.objects.order_by("pk").values_list("status", flat=True)),
    )


def _check(actors, name, allowed, call):
    before = _state()
    if name in allowed:
        call(actors[name])
        assert AuditEntry.objects.count() > before[0]
    else:
        with pytest.raises(Forbidden):
            call(actors[name])
        assert _state() == before


@pytest.mark.parametrize("name", ACTORS)
def test_request_permission(actors, organization, name):
    product = ProductFactory(organization=organization)
    _check(actors, name, {"producer"}, lambda a: services.request_batch(actor=a, product=product, quantity=3))


@pytest.mark.parametrize("name", ACTORS)
def test_approve_permission(actors, organization, name):
    batch = StampBatchFactory(product=ProductFactory(organization=organization), quantity=3)
    _check(actors, name, {"officer"}, lambda a: services.approve_batch(actor=a, batch=batch))


@pytest.mark.parametrize("name", ACTORS)
def test_reject_permission(actors, organization, name):
    batch = StampBatchFactory(product=ProductFactory(organization=organization))
    _check(actors, name, {"officer"}, lambda a: services.reject_batch(actor=a, batch=batch, reason="Sai số lượng"))


@pytest.mark.parametrize("name", ACTORS)
def test_revoke_permission(actors, organization, officer, name):
    batch = services.approve_batch(
        actor=officer, batch=StampBatchFactory(product=ProductFactory(organization=organization))
    )
    _check(actors, name, {"officer"}, lambda a: services.revoke_batch(actor=a, batch=batch, reason="Mất cuộn tem"))


def test_approval_issues_serials_with_hashed_codes(producer, officer, organization):
    lot = LotFactory(product=ProductFactory(organization=organization), status="published")
    batch = services.request_batch(actor=producer, product=lot.product, lot=lot, quantity=25)
    leaves = LedgerLeaf.objects.count()
    batch = services.approve_batch(actor=officer, batch=batch, reason="Đủ hồ sơ")
    assert batch.status == "approved"
    assert batch.decided_by == officer
    stamps = list(batch.stamps.all())
    assert len(stamps) == 25
    assert len({s.serial for s in stamps}) == 25
    assert all(s.gtin == lot.product.gtin and 10 <= len(s.serial) <= 12 for s in stamps)
    codes = secrets.read_codes(batch.pk)
    assert sorted(codes) == sorted(s.serial for s in stamps)
    stored = json.dumps(list(Stamp.objects.values()))
    for stamp in stamps:
        assert codes[stamp.serial] not in stored  # only the keyed hash is in the database
        assert secrets.code_matches(stamp.check_hash, stamp.gtin, stamp.serial, codes[stamp.serial].lower())
        assert not secrets.code_matches(stamp.check_hash, stamp.gtin, stamp.serial, "AAAAAA")
    assert LedgerLeaf.objects.count() == leaves + 1
    assert secrets.codes_path(batch.pk).stat().st_mode & 0o077 == 0
    # RFID: every serial has an SGTIN-96 that decodes back to it.
    for serial, epc in batch_epcs(batch):
        item = decode_sgtin96(epc)
        assert (item.gtin, item.serial) == (lot.product.gtin, serial)


def test_printed_erases_codes(producer, officer, organization):
    batch = services.request_batch(actor=producer, product=ProductFactory(organization=organization), quantity=2)
    batch = services.approve_batch(actor=officer, batch=batch)
    services.mark_printed(actor=producer, batch=batch)
    assert secrets.read_codes(batch.pk) is None
    with pytest.raises(Forbidden):
        services.mark_printed(actor=AnonymousUserLike(), batch=batch)


class AnonymousUserLike:
    is_authenticated = False
    pk = None


@pytest.mark.parametrize(
    ("quantity", "field"),
    [(0, "quantity"), (100_001, "quantity"), ("abc", "quantity")],
)
def test_request_validation(producer, organization, quantity, field):
    product = ProductFactory(organization=organization)
    with pytest.raises(ValidationError) as info:
        services.request_batch(actor=producer, product=product, quantity=quantity)
    assert field in info.value.message_dict
    assert StampBatch.objects.count() == 0


def test_lot_of_another_product_refused(producer, organization):
    product = ProductFactory(organization=organization)
    lot = LotFactory(product=ProductFactory(organization=organization))
    with pytest.raises(ValidationError):
        services.request_batch(actor=producer, product=product, lot=lot, quantity=1)


def test_approve_twice_refused(officer, organization):
    batch = services.approve_batch(
        actor=officer, batch=StampBatchFactory(product=ProductFactory(organization=organization), quantity=1)
    )
    with pytest.raises(ValidationError):
        services.approve_batch(actor=officer, batch=batch)
    assert batch.stamps.count() == 1
