"""Holds in the ledger and the audit log: placed by a failed result, released by an officer of the lot's province
with a reason; each version is a ledger leaf the tamper audit recomputes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory, LotFactory, ProductFactory
from core.errors import Forbidden
from core.models import AuditEntry
from ledger.audit import run_audit
from ledger.models import LedgerLeaf
from quality import selectors, services
from quality.models import LotHold

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _ledger_key(settings, tmp_path):
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"


@pytest.fixture
def held(officer, organization):
    lot = LotFactory(product=ProductFactory(organization=organization), lot_code="CP-9", status="published")
    data = {
        "analyte": "chlorpyrifos",
        "value": "0.12",
        "laboratory": "Trung tâm Kỹ thuật TĐC 3",
        "sampled_on": dt.date(2026, 11, 20),
    }
    test = services.record_lab_test(actor=officer, data=data, lots=[lot])  # type: ignore[list-item]
    return LotHold.objects.get(lot=lot, lab_test=test)


def _leaves(hold):
    rows = LedgerLeaf.objects.filter(record_type="quality.lothold", record_id=str(hold.pk)).order_by("index")
    return [(row.kind, json.loads(bytes(row.data))["data"]) for row in rows]


def test_hold_and_release_are_ledgered_and_audited(officer, held):
    lot = held.lot
    placed = {
        "lot": f"{lot.product.gtin}/CP-9",
        "lab_test": held.lab_test_id,
        "reason": "Kết quả Chlorpyrifos ethyl 0.12 mg/kg vượt giới hạn 0.05",
        "held_at": held.held_at.isoformat(),
        "released_at": None,
        "release_reason": "",
    }
    assert _leaves(held) == [("lot_hold", placed)]
    assert (
        AuditEntry.objects.filter(object_type="quality.lothold", object_id=str(held.pk), action="create").count() == 1
    )

    services.release_hold(actor=officer, hold=held, reason="  Mẫu tái kiểm đạt  ")
    held.refresh_from_db()
    assert held.released_by == officer and held.release_reason == "Mẫu tái kiểm đạt"
    released = {**placed, "released_at": held.released_at.isoformat(), "release_reason": "Mẫu tái kiểm đạt"}
    assert _leaves(held) == [("lot_hold", placed), ("lot_hold", released)]
    entry = AuditEntry.objects.get(object_type="quality.lothold", object_id=str(held.pk), action="update")
    assert entry.reason == "  Mẫu tái kiểm đạt  "
    assert selectors.active_holds(lot).count() == 0
    result = run_audit(alarm=False)
    assert (result.problems, result.ok) == ([], True)


def test_release_refused_without_reason_twice_or_from_another_province(officer, held):
    before = (LedgerLeaf.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError):
        services.release_hold(actor=officer, hold=held, reason="   ")
    outsider = UserFactory(agency=AgencyFactory(province_code=1))
    with pytest.raises(Forbidden):
        services.release_hold(actor=outsider, hold=held, reason="Tái kiểm đạt")
    assert (LedgerLeaf.objects.count(), AuditEntry.objects.count()) == before
    assert selectors.active_holds(held.lot).count() == 1
    services.release_hold(actor=officer, hold=held, reason="Tái kiểm đạt")
    after = (LedgerLeaf.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError):
        services.release_hold(actor=officer, hold=held, reason="Lần nữa")
    assert (LedgerLeaf.objects.count(), AuditEntry.objects.count()) == after


def test_a_hold_without_a_test_keeps_its_own_reason(organization):
    lot = LotFactory(product=ProductFactory(organization=organization), status="published")
    hold = LotHold.objects.create(lot=lot, reason="Cơ sở vi phạm điều kiện bảo quản")
    facts = selectors.hold_facts(hold)
    assert (facts["reason"], facts["test"], facts["released"]) == ("Cơ sở vi phạm điều kiện bảo quản", None, False)
    statuses = selectors.safety_statuses([lot])  # type: ignore[list-item]
    assert statuses == {lot.pk: ("held", hold)}
