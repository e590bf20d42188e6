"""Correcting and voiding diary entries (issue 15 item 4): the original stays marked, the EPCIS error declaration
and the corrective event are captured and ledgered, only the author or an owner may, and the rules re-check."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from core.models import AuditEntry
from diary import selectors
from diary.models import DiaryEntry
from diary.tests.factories import days_ago, farm
from events.models import ErrorDeclaration, Event
from ledger.models import LedgerLeaf
from rules import selectors as rules_selectors
from rules.models import RuleDecision
from workflows import chain
from workflows import chain as logistics
from workflows.chain import record_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def coffee(organization):
    return farm(organization)


def _spray(actor, organization, area, *, ago: int, phi: int) -> DiaryEntry:
    entry, _created = record_entry(
        actor=actor,
        organization=organization,
        data={
            "growing_area": area,
            "activity": "spraying",
            "product_name": "Anvil 5SC",
            "phi_days": phi,
            "occurred_at": days_ago(ago),
        },
    )
    return entry


def _harvest(actor, organization, area, product, ago=0):
    data = {"product": product, "growing_area": area, "quantity": "100", "harvested_at": days_ago(ago, 9)}
    return logistics.harvest(actor=actor, organization=organization, data=data)


def test_a_correction_keeps_the_original_declares_its_event_in_error_and_captures_the_corrective(
    producer_staff, organization, coffee
):
    area, _product = coffee
    entry = _spray(producer_staff, organization, area, ago=5, phi=14)
    original = Event.objects.get(event_id=entry.event_id)
    stored = (original.body, original.event_hash)
    new = chain.correct_entry(actor=producer_staff, entry=entry, data={"phi_days": "3"}, reason="Nhãn thuốc ghi 3 ngày")
    entry.refresh_from_db()
    assert (entry.correction, entry.correction_reason, entry.corrected_by) == (
        "corrected",
        "Nhãn thuốc ghi 3 ngày",
        producer_staff,
    )
    assert entry.correction_entry == new and entry.phi_days == 14
    assert (new.corrects, new.phi_days, new.product_name, new.occurred_at) == (entry, 3, "Anvil 5SC", entry.occurred_at)
    assert new.event_id == f"urn:uuid:{new.client_id}" and new.correction == ""
    original.refresh_from_db()
    assert (original.body, original.event_hash) == stored
    declaration = ErrorDeclaration.objects.get(event=original)
    assert (declaration.reason, declaration.corrective_event_ids) == ("incorrect_data", [new.event_id])
    assert json.loads(declaration.body)["txd:reasonText"] == "Nhãn thuốc ghi 3 ngày"
    corrective = Event.objects.get(event_id=new.event_id)
    assert json.loads(corrective.body)["txd:preHarvestIntervalDays"] == 3
    assert LedgerLeaf.objects.filter(record_type="events.errordeclaration", record_id=str(declaration.pk)).count() == 1
    assert LedgerLeaf.objects.filter(record_type="events.event", record_id=str(corrective.pk)).count() == 1
    audits = AuditEntry.objects.filter(object_type="diary.diaryentry", reason="Nhãn thuốc ghi 3 ngày")
    assert sorted(audits.values_list("action", "object_id")) == sorted(
        [("create", str(new.pk)), ("update", str(entry.pk))]
    )


def test_a_void_marks_the_entry_and_declares_its_event_did_not_occur(producer, organization, coffee):
    area, _product = coffee
    entry = _spray(producer, organization, area, ago=2, phi=7)
    chain.void_entry(actor=producer, entry=entry, reason="Ghi nhầm vùng")
    entry.refresh_from_db()
    assert (entry.correction, entry.correction_entry) == ("voided", None)
    declaration = ErrorDeclaration.objects.get(event__event_id=entry.event_id)
    assert (declaration.reason, declaration.corrective_event_ids) == ("did_not_occur", [])
    assert DiaryEntry.objects.count() == 1 and Event.objects.count() == 1
    assert selectors.waiting_periods(area) == []


@pytest.mark.parametrize("reason", ["", "   "])
def test_the_reason_is_required_and_nothing_is_written_without_it(producer, organization, coffee, reason):
    area, _product = coffee
    entry = _spray(producer, organization, area, ago=2, phi=7)
    for call in (
        lambda: chain.correct_entry(actor=producer, entry=entry, data={"phi_days": "3"}, reason=reason),
        lambda: chain.void_entry(actor=producer, entry=entry, reason=reason),
    ):
        with pytest.raises(ValidationError) as info:
            call()
        assert info.value.message_dict == {"reason": ["Cần ghi lý do sửa hoặc huỷ."]}
    entry.refresh_from_db()
    assert (entry.correction, DiaryEntry.objects.count(), ErrorDeclaration.objects.count()) == ("", 1, 0)


def test_an_entry_is_corrected_once_and_bad_values_are_refused(producer, organization, coffee):
    area, _product = coffee
    entry = _spray(producer, organization, area, ago=2, phi=7)
    with pytest.raises(ValidationError) as info:
        chain.correct_entry(actor=producer, entry=entry, data={"phi_days": "900"}, reason="x")
    assert list(info.value.message_dict) == ["phi_days"]
    chain.void_entry(actor=producer, entry=entry, reason="không phun")
    with pytest.raises(ValidationError):
        chain.correct_entry(actor=producer, entry=entry, data={"phi_days": "3"}, reason="x")
    assert ErrorDeclaration.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("author", True), ("owner", True), ("other_member", False), ("other_org", False), ("officer", False)],
)
def test_permission_matrix(who, allowed, organization, producer, producer_staff, other_producer, officer, coffee):
    """The author or an owner of the organisation; not another member, another organisation, nor an officer."""
    area, _product = coffee
    entry = _spray(producer_staff, organization, area, ago=2, phi=7)
    other_member = UserFactory(username="staff2")
    Membership.objects.create(user=other_member, organization=organization, role="staff")
    actor = {
        "author": producer_staff,
        "owner": producer,
        "other_member": other_member,
        "other_org": other_producer,
        "officer": officer,
    }[who]
    for call in (
        lambda: chain.correct_entry(actor=actor, entry=entry, data={"phi_days": "3"}, reason="sai"),
        lambda: chain.void_entry(actor=actor, entry=entry, reason="sai"),
    ):
        if allowed:
            call()
            break
        with pytest.raises(PermissionDenied):
            call()
    entry.refresh_from_db()
    assert entry.correction == ("corrected" if allowed else "")
    assert ErrorDeclaration.objects.count() == (1 if allowed else 0)


def test_a_corrected_pre_harvest_interval_unblocks_the_lot_at_once(producer, organization, coffee):
    area, product = coffee
    entry = _spray(producer, organization, area, ago=5, phi=14)
    lot = _harvest(producer, organization, area, product)
    assert [v.rule.code for v in rules_selectors.current_blockers(lot)] == ["pre_harvest_interval"]
    chain.correct_entry(actor=producer, entry=entry, data={"phi_days": "3"}, reason="Nhãn ghi 3 ngày")
    assert rules_selectors.current_blockers(lot) == []
    latest = RuleDecision.objects.filter(lot=lot, rule="pre_harvest_interval").latest("id")
    assert (latest.outcome, latest.trigger) == ("pass", "diary")


def test_a_corrected_date_blocks_a_lot_that_passed(producer, organization, coffee):
    area, product = coffee
    entry = _spray(producer, organization, area, ago=20, phi=14)
    lot = _harvest(producer, organization, area, product)
    assert rules_selectors.current_blockers(lot) == []
    chain.correct_entry(
        actor=producer, entry=entry, data={"occurred_at": days_ago(5).isoformat()}, reason="Phun ngày khác"
    )
    decision = RuleDecision.objects.get(lot=lot, rule="pre_harvest_interval")
    assert decision.outcome == "block"
    assert decision.allowed_from == timezone.localdate() - dt.timedelta(days=5) + dt.timedelta(days=14)


def test_a_voided_spraying_unblocks_the_lot(producer, organization, coffee):
    area, product = coffee
    entry = _spray(producer, organization, area, ago=5, phi=14)
    lot = _harvest(producer, organization, area, product)
    chain.void_entry(actor=producer, entry=entry, reason="Không phun lần này")
    assert rules_selectors.current_blockers(lot) == []
    assert RuleDecision.objects.filter(lot=lot).latest("id").outcome == "pass"


def test_harvest_entries_are_corrected_on_the_lot_not_here(producer, organization, coffee):
    area, product = coffee
    lot = _harvest(producer, organization, area, product)
    entry = DiaryEntry.objects.get(lot=lot)
    with pytest.raises(ValidationError):
        chain.correct_entry(actor=producer, entry=entry, data={"quantity": "90"}, reason="cân lại")
