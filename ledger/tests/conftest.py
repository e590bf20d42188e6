"""Ledger test fixtures: a signing key per test, published lots with certificates, a tree built fast."""

from __future__ import annotations

import datetime as dt

import pytest

from catalog.tests.factories import CertificateFactory, GrowingAreaFactory, LotFactory, ProductFactory
from ledger import note

ORIGIN = "truyxuat.test/ledger"


@pytest.fixture(autouse=True)
def ledger_settings(settings, tmp_path):
    """Each test signs with its own key file, under a known origin, and accepts one witness."""
    settings.TRUYXUAT_LEDGER_ORIGIN = ORIGIN
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger-signer.key"
    settings.TRUYXUAT_LEDGER_CHECKPOINT_INTERVAL = 0
    wskey, wvkey = note.generate_witness_key("witness.test/w1")
    settings.TRUYXUAT_LEDGER_WITNESS_KEYS = [wvkey]
    return {"witness_skey": wskey, "witness_vkey": wvkey}


@pytest.fixture
def published_lot(db, officer):
    """A published lot with its product, organisation and two applicable certificates, via services."""
    from ledger.services import append_record
    from workflows import publication

    product = ProductFactory()
    org = product.organization
    area = GrowingAreaFactory(organization=org)
    lot = LotFactory(product=product, origin_areas=[area], status="draft")
    cert_org = CertificateFactory(organization=org, scope="organization")
    cert_area = CertificateFactory(
        organization=org, scope="growing_area", growing_area=area, valid_to=dt.date(2029, 1, 1)
    )
    for obj in (org, product, cert_org, cert_area):
        from django.db import transaction

        with transaction.atomic():
            append_record(obj)
    publication.publish_lot(actor=officer, lot=lot)
    lot.refresh_from_db()
    return lot
