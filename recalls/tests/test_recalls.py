"""Recalls: scope from the EPCIS genealogy, lots recalled, parties notified, acknowledgements, close."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.tests.factories import UserFactory
from catalog.models import Lot
from catalog.tests.factories import AgencyFactory, GrowingAreaFactory, LotFactory, ProductFactory
from core.errors import Forbidden
from core.models import AuditEntry
from core.tests.jobs import run_jobs
from events.tests.conftest import chain  # noqa: F401 — the farm → processor → shop chain fixture
from ledger.models import LedgerLeaf
from notifications.models import Notification, ProductWatch
from quality import services as quality_services
from recalls import selectors, services
from recalls.models import Recall, RecallParty

ACTORS = ["anonymous", "consumer", "other_producer", "producer", "officer"]


def _state():
    return (
        AuditEntry.objects.count(),
        LedgerLeaf.objects.count(),
        Recall.objects.count(),
        Notification.objects.count(),
        tuple(Lot.objects.order_by("pk").values_list("status", flat=True)),
    )


def test_recall_from_lot_reaches_downstream_lot_and_parties(
    officer,
    chain,  # noqa: F811
    organization,
    other_organization,
    django_capture_on_commit_callbacks,
):
    other_organization.email = "nhamay@example.vn"
    other_organization.save()
    watch = ProductWatch.objects.create(
        product=chain.lot_b.product, email="khach@example.vn", confirmed_at=dt.datetime.now(dt.UTC)
    )
    ProductWatch.objects.create(product=chain.lot_b.product, email="chua-xac-nhan@example.vn")  # never confirmed
    with django_capture_on_commit_callbacks(execute=True):
        recall = services.start_recall(actor=officer, lot=chain.lot_a, reason="Nhiễm Salmonella", hazard_class="I")
    chain.lot_a.refresh_from_db()
    chain.lot_b.refresh_from_db()
    assert chain.lot_a.status == "recalled"
    assert chain.lot_b.status == "recalled"
    assert recall.code.startswith(f"TH-{dt.date.today().year}-")
    keys = set(recall.lots.values_list("lot_id", flat=True))
    assert {chain.lot_a.pk, chain.lot_b.pk} <= keys
    party_orgs = set(recall.parties.exclude(organization=None).values_list("organization_id", flat=True))
    assert party_orgs == {organization.pk, other_organization.pk}
    assert recall.shipments.count() >= 2
    assert Notification.objects.filter(kind="recall", organization=other_organization).count() == 1
    assert recall.consumers_notified == 1
    run_jobs()  # the e-mails are jobs committed with the recall
    recipients = sorted(to for m in mail.outbox for to in m.to)
    assert "khach@example.vn" in recipients and "nhamay@example.vn" in recipients
    assert "chua-xac-nhan@example.vn" not in recipients
    (consumer_mail,) = [m for m in mail.outbox if m.to == ["khach@example.vn"]]
    assert f"http://127.0.0.1:8000/theo-doi/ngung/{watch.token}" in consumer_mail.body
    assert LedgerLeaf.objects.filter(kind="recall", record_id=str(recall.pk)).count() == 1
    assert LedgerLeaf.objects.filter(kind="lot", record_id=str(chain.lot_b.pk)).exists()
    notice = selectors.recall_notice_for_lot(chain.lot_b)
    assert notice["code"] == recall.code and "Salmonella" in notice["notice"]
    assert selectors.active_recall_for_lot(chain.lot_b) == recall


def test_lot_without_events_is_still_recalled(officer, organization):
    lot = LotFactory(product=ProductFactory(organization=organization), status="published")
    recall = services.start_recall(actor=officer, lot=lot, reason="Nhãn sai")
    lot.refresh_from_db()
    assert lot.status == "recalled"
    assert list(recall.parties.values_list("organization_id", flat=True)) == [organization.pk]


def test_recall_from_failed_lab_test(officer, organization):
    area = GrowingAreaFactory(organization=organization)
    lot = LotFactory(product=ProductFactory(organization=organization), origin_areas=[area], status="published")
    test = quality_services.record_lab_test(
        actor=officer,
        data={
            "analyte": "borax",
            "value": "3",
            "laboratory": "Test nhanh",
            "sampled_on": dt.date(2026, 11, 1),
            "kind": "rapid",
        },
        lots=[lot],  # type: ignore[list-item]
    )
    recall = services.start_recall(actor=officer, lab_test=test, reason="Hàn the")
    assert recall.origin == "lab_test"
    lot.refresh_from_db()
    assert lot.status == "recalled"
    passed = quality_services.record_lab_test(
        actor=officer,
        data={"analyte": "lead", "value": "0.01", "laboratory": "Lab", "sampled_on": dt.date(2026, 11, 1)},
        lots=[LotFactory(product=ProductFactory(organization=organization))],  # type: ignore[list-item]
    )
    with pytest.raises(ValidationError):
        services.start_recall(actor=officer, lab_test=passed, reason="x")


@pytest.mark.parametrize("name", ACTORS)
def test_start_recall_permission_matrix(actors, organization, name):
    lot = LotFactory(product=ProductFactory(organization=organization), status="published")
    before = _state()
    if name == "officer":
        services.start_recall(actor=actors[name], lot=lot, reason="x")
        assert _state() != before
    else:
        with pytest.raises(Forbidden):
            services.start_recall(actor=actors[name], lot=lot, reason="x")
        assert _state() == before


def test_officer_of_another_province_cannot_recall(organization):
    outsider = UserFactory(agency=AgencyFactory(province_code=1))
    lot = LotFactory(product=ProductFactory(organization=organization), status="published")
    before = _state()
    with pytest.raises(Forbidden):
        services.start_recall(actor=outsider, lot=lot, reason="x")
    assert _state() == before


@pytest.mark.parametrize("name", ACTORS)
def test_acknowledge_permission_matrix(actors, officer, organization, name):
    lot = LotFactory(product=ProductFactory(organization=organization), status="published")
    recall = services.start_recall(actor=officer, lot=lot, reason="x")
    party = recall.parties.get()
    if name in ("producer", "officer"):
        services.acknowledge(actor=actors[name], party=party, quantity_withdrawn="80.5", unit="KGM")
        party.refresh_from_db()
        assert party.acknowledged_at is not None and str(party.quantity_withdrawn) == "80.500"
    else:
        with pytest.raises(Forbidden):
            services.acknowledge(actor=actors[name], party=party, quantity_withdrawn="1")
        party.refresh_from_db()
        assert party.acknowledged_at is None


def test_close_needs_acknowledgements_or_a_note(officer, producer, organization):
    lot = LotFactory(product=ProductFactory(organization=organization), status="published")
    recall = services.start_recall(actor=officer, lot=lot, reason="x")
    with pytest.raises(ValidationError) as info:
        services.close_recall(actor=officer, recall=recall)
    assert "note" in info.value.message_dict
    with pytest.raises(Forbidden):
        services.close_recall(actor=producer, recall=recall, note="x")
    party = RecallParty.objects.get(recall=recall)
    services.acknowledge(actor=producer, party=party, quantity_withdrawn="100", unit="KGM")
    assert selectors.progress(recall)["percent"] == 100
    closed = services.close_recall(actor=officer, recall=recall)
    assert closed.status == "closed"
    assert LedgerLeaf.objects.filter(kind="recall", record_id=str(recall.pk)).count() == 2
    with pytest.raises(ValidationError):
        services.acknowledge(actor=producer, party=party, quantity_withdrawn="1")
    assert selectors.active_recall_for_lot(lot) is None
    assert selectors.recall_notice_for_lot(lot)["status"] == "closed"
