"""The rules: pre-harvest interval and withdrawal period block publication with the date it becomes allowed,
claimed certificates must be valid on every origin area, recalled inputs hold; every decision is a ledger leaf."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from catalog.services import recall_lot
from catalog.tests.factories import CertificateFactory, GrowingAreaFactory, ProductFactory
from diary.tests.factories import days_ago, farm, spraying
from ledger.models import LedgerLeaf
from rules import rechecks, selectors, services
from rules.models import RuleDecision
from workflows import chain as logistics
from workflows.chain import record_entry
from workflows.publication import submit_lot


@pytest.fixture
def coffee(organization):
    return farm(organization)


def _harvest(producer, organization, area, product, ago=0, **extra):
    data = {"product": product, "growing_area": area, "quantity": "100", "harvested_at": days_ago(ago, 9), **extra}
    return logistics.harvest(actor=producer, organization=organization, data=data)


def test_harvest_inside_pre_harvest_interval_blocks_with_reason_and_date(producer, organization, coffee):
    area, product = coffee
    spraying(organization, area, ago=5, phi=14, name="Anvil 5SC")
    lot = _harvest(producer, organization, area, product)
    allowed = timezone.localdate() - dt.timedelta(days=5) + dt.timedelta(days=14)
    decision = RuleDecision.objects.get(lot=lot, rule="pre_harvest_interval")
    assert decision.outcome == "block"
    assert decision.allowed_from == allowed
    assert decision.trigger == "event"
    assert decision.reason == (
        f"Thu hoạch ngày {timezone.localdate():%d/%m/%Y} tại vùng {area.code} khi chưa hết thời gian cách ly 14 ngày "
        f"sau lần phun Anvil 5SC ngày {timezone.localdate() - dt.timedelta(days=5):%d/%m/%Y}."
    )
    assert f"từ ngày {allowed:%d/%m/%Y}" in decision.remedy
    leaf = LedgerLeaf.objects.get(index=decision.ledger_index)
    payload = json.loads(bytes(leaf.data))
    assert payload["type"] == "rules.ruledecision"
    assert payload["data"]["allowed_from"] == allowed.isoformat()
    assert leaf.kind == "rule_decision"
    with pytest.raises(ValidationError) as info:
        submit_lot(actor=producer, lot=lot)
    assert f"từ ngày {allowed:%d/%m/%Y}" in " ".join(info.value.messages)
    lot.refresh_from_db()
    assert lot.status == "draft"


def test_spraying_outside_the_interval_passes_and_nothing_is_written_before_submission(producer, organization, coffee):
    area, product = coffee
    spraying(organization, area, ago=20, phi=14)
    lot = _harvest(producer, organization, area, product)
    assert RuleDecision.objects.filter(lot=lot).count() == 0
    submit_lot(actor=producer, lot=lot)
    lot.refresh_from_db()
    assert lot.status == "submitted"
    # the submission keeps every verdict as its evidence (the workspace's submission always did)
    recorded = RuleDecision.objects.filter(lot=lot).values_list("rule", "outcome", "trigger")
    assert sorted(recorded) == [
        ("certificate_claim", "pass", "submit"),
        ("condition_excursion", "pass", "submit"),
        ("pre_harvest_interval", "pass", "submit"),
        ("recalled_input", "pass", "submit"),
        ("withdrawal_period", "pass", "submit"),
    ]


def test_a_spraying_recorded_late_blocks_a_lot_already_harvested(producer, organization, coffee):
    area, product = coffee
    lot = _harvest(producer, organization, area, product, ago=1)
    assert selectors.current_blockers(lot) == []
    record_entry(
        actor=producer,
        organization=organization,
        data={
            "growing_area": area,
            "activity": "spraying",
            "product_name": "Regent",
            "phi_days": 7,
            "occurred_at": days_ago(3),
        },
    )
    decision = RuleDecision.objects.get(lot=lot)
    assert (decision.rule, decision.outcome, decision.trigger) == ("pre_harvest_interval", "block", "diary")
    assert [lot_ for lot_, _d in selectors.blocked_lots(organization)] == [lot]


def test_withdrawal_period_blocks_livestock(producer, organization):
    herd = GrowingAreaFactory(organization=organization, crop="Lợn thịt")
    pork = ProductFactory(organization=organization, name="Thịt lợn")
    record_entry(
        actor=producer,
        organization=organization,
        data={
            "growing_area": herd,
            "activity": "treating",
            "product_name": "Amoxicillin",
            "withdrawal_days": 21,
            "occurred_at": days_ago(10),
        },
    )
    lot = _harvest(producer, organization, herd, pork)
    [blocker] = selectors.current_blockers(lot)
    assert blocker.rule.code == "withdrawal_period"
    assert blocker.allowed_from == timezone.localdate() + dt.timedelta(days=11)


def test_processed_lot_inherits_the_block_of_its_input(producer, organization, coffee):
    area, product = coffee
    spraying(organization, area, ago=2, phi=10)
    green = _harvest(producer, organization, area, product)
    roasted = logistics.transform(
        actor=producer,
        organization=organization,
        data={
            "process": "roasting",
            "inputs": [{"lot": green, "quantity": "50"}],
            "outputs": [{"product": product, "quantity": "40"}],
        },
    ).outputs.get()
    [blocker] = selectors.current_blockers(roasted)
    assert blocker.facts["harvest_lot"] == green.lot_code


def test_claimed_certificate_must_cover_every_origin_area(producer, organization, coffee):
    area, product = coffee
    lot = _harvest(producer, organization, area, product, claims=["organic"])
    decision = RuleDecision.objects.get(lot=lot, rule="certificate_claim")
    assert decision.outcome == "block"
    assert area.code in decision.reason and "Hữu cơ" in decision.reason
    CertificateFactory(organization=organization, kind="organic", scope="growing_area", growing_area=area)
    verdicts = services.check_lot(actor=producer, lot=lot)
    assert [v.outcome for v in verdicts] == ["pass", "pass", "pass", "pass", "pass"]
    assert RuleDecision.objects.filter(lot=lot, rule="certificate_claim").first().outcome == "pass"
    expired = _harvest(producer, organization, area, product, claims=["vietgap"])
    CertificateFactory(
        organization=organization,
        kind="vietgap",
        scope="growing_area",
        growing_area=area,
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2021, 1, 1),
    )
    assert [v.rule.code for v in selectors.current_blockers(expired)] == ["certificate_claim"]


def test_recalled_input_holds_the_lots_made_from_it(producer, organization, coffee, officer):
    area, product = coffee
    green = _harvest(producer, organization, area, product)
    roasted = logistics.transform(
        actor=producer,
        organization=organization,
        data={
            "process": "roasting",
            "inputs": [{"lot": green, "quantity": "50"}],
            "outputs": [{"product": product, "quantity": "40"}],
        },
    ).outputs.get()
    recall_lot(actor=officer, lot=green, reason="Dư lượng vượt ngưỡng")
    rechecks.after_recall([green])  # as `recalls.services.start_recall` calls it
    decision = RuleDecision.objects.get(lot=roasted, rule="recalled_input")
    assert decision.outcome == "hold"
    assert green.lot_code in decision.reason


def test_check_lot_permissions(actors, organization, coffee, producer):
    area, product = coffee
    lot = _harvest(producer, organization, area, product)
    for name in ("anonymous", "consumer", "other_producer"):
        before = RuleDecision.objects.count()
        with pytest.raises(Exception, match="quyền"):
            services.check_lot(actor=actors[name], lot=lot)
        assert RuleDecision.objects.count() == before
    assert len(services.check_lot(actor=actors["officer"], lot=lot)) == 5
    assert RuleDecision.objects.filter(lot=lot, trigger="check").count() == 5


def _writes():
    from core.models import AuditEntry

    return RuleDecision.objects.count(), LedgerLeaf.objects.count(), AuditEntry.objects.count()


def test_checking_again_writes_nothing_unless_a_verdict_changed(producer, organization, coffee):
    area, product = coffee
    lot = _harvest(producer, organization, area, product, claims=["organic"])
    decisions, leaves, audits = _writes()
    assert [v.outcome for v in services.check_lot(actor=producer, lot=lot)] == [
        "pass",
        "pass",
        "block",
        "pass",
        "pass",
    ]
    # the first check keeps its four passing verdicts once (the blocking one was already recorded by the harvest)
    assert _writes() == (decisions + 4, leaves + 4, audits + 4)
    for _ in range(5):
        services.check_lot(actor=producer, lot=lot)
    assert _writes() == (decisions + 4, leaves + 4, audits + 4)
    CertificateFactory(organization=organization, kind="organic", scope="growing_area", growing_area=area)
    assert [v.outcome for v in services.check_lot(actor=producer, lot=lot)] == ["pass"] * 5
    assert _writes() == (decisions + 5, leaves + 5, audits + 5)  # the changed verdict, and nothing else
    assert RuleDecision.objects.filter(lot=lot, rule="certificate_claim").first().outcome == "pass"
    services.check_lot(actor=producer, lot=lot)
    assert _writes() == (decisions + 5, leaves + 5, audits + 5)


def test_repeated_checks_through_the_api_add_no_ledger_leaf(client, producer, organization, coffee):
    area, product = coffee
    lot = _harvest(producer, organization, area, product)
    client.force_login(producer)
    client.post(f"/api/v1/workspace/lots/{lot.pk}/check")
    after_first = _writes()
    for _ in range(3):
        response = client.post(f"/api/v1/workspace/lots/{lot.pk}/check")
        assert response.status_code == 200
        response = client.post(f"/workspace/lots/{lot.pk}/check/")
        assert response.status_code in (200, 302)
    assert _writes() == after_first
