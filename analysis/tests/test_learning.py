"""Yields learned from the synthetic province's own history: the range holds every honest area's yield and not the
planted 3× seller, whether or not the seller was flagged first; nothing is applied until an officer of the province
accepts (audited, ledgered, a new table version marked learned, named on the flag's evidence); the thresholds are
a versioned table; the acceptance's permission matrix."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Membership
from accounts.permissions import SYSTEM
from accounts.tests.factories import UserFactory
from analysis import learning, learning_services, services
from analysis.choices import FlagKind, ProposalStatus, YieldSource
from analysis.models import Flag, LearningSettings, ReferenceYield, YieldProposal
from analysis.references import References
from analysis.tests.province import NOW, add_history, build
from catalog.tests.factories import AgencyFactory
from core.errors import Forbidden
from core.models import AuditEntry
from diary.models import DiaryEntry
from ledger.models import LedgerLeaf

pytestmark = pytest.mark.django_db

HONEST_PER_HA = [Decimal(12000 + 500 * n) for n in range(7)]  # what `build` and `add_history` give honest areas


@pytest.fixture
def province(db):
    planted = build(honest=12)
    add_history(planted)
    return planted


def test_the_learned_range_holds_the_honest_areas_and_not_the_planted_seller(province):
    # before any run (the seller not yet flagged): the robust statistics alone leave it out
    [found] = learning.learn(NOW)
    assert (found.crop_key, found.crop_label, found.province_code) == ("ca phe", "Cà phê", 51)
    assert (found.min_kg, found.max_kg) == (Decimal(8300), Decimal(18700))
    assert all(found.min_kg <= y <= found.max_kg for y in HONEST_PER_HA)
    assert found.max_kg < Decimal(45000) / 2  # the seller's 45 t/ha is beyond even half again
    assert found.stats["samples"] == 56 and found.stats["areas"] == 14 and found.stats["outside_areas"] == 1
    assert found.stats["seasons"] == ["2022–2023", "2023–2024", "2024–2025", "2025–2026"]
    assert (found.stats["median"], found.stats["mad"], found.stats["highest"]) == (13500.0, 1482.6, 45000.0)
    assert found.settings.version == "catalog" and found.stats["left_out"] == {}


def test_flagged_and_corrected_areas_and_the_running_season_are_left_out(province):
    services.run_analysis(actor=SYSTEM, now=NOW)  # flags the seller's area under the entered table (v1)
    assert Flag.objects.filter(kind=FlagKind.AREA_YIELD, organization=province.seller).count() == 4
    honest_area = DiaryEntry.objects.filter(organization_id=province.honest[0]).first().growing_area
    first = DiaryEntry.objects.filter(growing_area=honest_area, activity="harvesting").order_by("pk").first()
    DiaryEntry.objects.filter(pk=first.pk).update(correction="corrected")
    later = DiaryEntry.objects.filter(organization_id=province.honest[1], activity="harvesting").first()
    DiaryEntry.objects.create(
        organization=later.organization,
        growing_area=later.growing_area,
        activity="harvesting",
        occurred_at=NOW,
        quantity=Decimal(100),
        unit="KGM",
        client_id="00000000-0000-4000-8000-000000000001",
    )
    [found] = learning.learn(NOW)
    assert found.stats["left_out"] == {"corrected": 1, "current_season": 1, "flagged": 2}
    assert found.stats["areas"] == 11 and found.stats["samples"] == 44 and found.stats["outside_areas"] == 0
    assert found.stats["highest"] == 15000.0
    assert all(found.min_kg <= y <= found.max_kg for y in HONEST_PER_HA)


def test_thresholds_are_a_versioned_table(province, officer):
    assert learning.learn(NOW) != []
    row = learning_services.set_learning_settings(actor=officer, min_seasons=5, min_areas=10, mad_k=Decimal("3.5"))
    assert (row.version, row.province_code) == (1, 51)
    assert learning.learn(NOW) == []  # four seasons are not five
    learning_services.set_learning_settings(actor=officer, min_seasons=4, min_areas=15, mad_k=Decimal("3.5"))
    assert learning.learn(NOW) == []  # fourteen areas are not fifteen
    learning_services.set_learning_settings(actor=officer, min_seasons=4, min_areas=14, mad_k=Decimal(2))
    [found] = learning.learn(NOW)
    assert found.settings.version == "v3" and (found.min_kg, found.max_kg) == (Decimal(10500), Decimal(16500))
    with pytest.raises(ValidationError) as exc:
        learning_services.set_learning_settings(actor=officer, min_seasons=1, min_areas=2, mad_k=Decimal("0.5"))
    assert set(exc.value.message_dict) == {"min_seasons", "min_areas", "mad_k"}


def test_a_proposal_waits_for_the_officer_then_becomes_a_learned_version(province, officer, client):
    seen: list[tuple[int, str]] = []
    run = services.run_analysis(actor=SYSTEM, now=NOW, progress=lambda r: seen.append((r.progress, r.step)))
    assert run.counts["proposals"] == 1 and "learning" in run.counts["seconds"]
    assert [p for p, _s in seen] == sorted(p for p, _s in seen) and len(seen) == 12
    assert seen[9] == (75, "Học năng suất từ lịch sử thu hoạch")
    proposal = YieldProposal.objects.get()
    assert proposal.status == ProposalStatus.PROPOSED and proposal.run == run
    assert (proposal.min_kg_per_ha_year, proposal.max_kg_per_ha_year) == (Decimal(8300), Decimal(18700))
    assert proposal.stats["left_out"] == {"flagged": 2}  # the seller's area (3×) and the late sprayer's
    in_force = References().yield_for("Cà phê", 51)  # never applied by itself: still the entered table
    assert (in_force.version, in_force.source, in_force.max_kg) == ("v1", "entered", Decimal(20000))
    services.run_analysis(actor=SYSTEM, now=NOW)
    assert YieldProposal.objects.count() == 1  # the same figures: the open proposal is kept

    client.force_login(officer)
    assert "1 năng suất học được chờ xem xét" in client.get("/phan-tich/").content.decode()
    english = client.get("/phan-tich/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 learned yield awaiting review" in english
    page = client.get("/phan-tich/bang-tham-chieu/").content.decode()
    assert f'id="proposal-{proposal.pk}"' in page and "8.300–18.700 kg/ha" in page
    assert "48 số liệu của 12 vùng trồng" in page and "vùng từng bị cảnh báo 2" in page
    unconfirmed = client.post(f"/phan-tich/bang-tham-chieu/de-xuat/{proposal.pk}/", {"action": "accept"}, follow=True)
    assert "Đánh dấu xác nhận" in unconfirmed.content.decode()
    assert YieldProposal.objects.get().status == ProposalStatus.PROPOSED

    leaves = LedgerLeaf.objects.count()
    client.post(f"/phan-tich/bang-tham-chieu/de-xuat/{proposal.pk}/", {"action": "accept", "confirm": "1"})
    proposal.refresh_from_db()
    row = ReferenceYield.objects.get(province_code=51)  # the entered v1 is every province's; this is 51's first
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.reference == row and proposal.decided_by == officer
    assert (row.source, row.min_kg_per_ha_year, row.max_kg_per_ha_year) == ("learned", Decimal(8300), Decimal(18700))
    assert row.version == 1 and row.note == f"Học từ 12 vùng trồng, 4 niên vụ (đề xuất số {proposal.pk})"
    assert LedgerLeaf.objects.count() == leaves + 1
    leaf = LedgerLeaf.objects.order_by("-pk").first()
    assert (leaf.kind, leaf.record_type, leaf.record_id) == (
        "analysis_yield",
        "analysis.yieldproposal",
        str(proposal.pk),
    )
    assert AuditEntry.objects.filter(object_type="analysis.yieldproposal", action="update").count() == 1
    assert AuditEntry.objects.filter(object_type="analysis.referenceyield", object_id=str(row.pk)).count() == 1
    with pytest.raises(ValidationError, match="đã được xử lý"):
        learning_services.accept_proposal(actor=officer, proposal=proposal)

    services.run_analysis(actor=SYSTEM, now=NOW)
    assert YieldProposal.objects.count() == 1  # the table in force says the same: nothing new to propose
    flag = Flag.objects.filter(kind=FlagKind.AREA_YIELD).order_by("pk").first()
    assert flag.thresholds["yield"] == "v1" and flag.thresholds["yield_source"] == YieldSource.LEARNED
    assert ["Năng suất tham chiếu (kg/ha/năm)", "8300.0–18700.0 (v1)"] in flag.evidence
    assert ["Nguồn bảng năng suất", "Học từ số liệu thu hoạch của tỉnh"] in flag.evidence
    detail = client.get(f"/phan-tich/canh-bao/{flag.pk}/").content.decode()
    assert "Bảng năng suất đã dùng: phiên bản v1 · Học từ số liệu thu hoạch của tỉnh" in detail
    assert "18.700" in detail


def test_a_rejected_proposal_needs_a_reason_and_is_not_proposed_again(province, officer):
    services.run_analysis(actor=SYSTEM, now=NOW)
    proposal = YieldProposal.objects.get()
    with pytest.raises(ValidationError, match="lý do"):
        learning_services.reject_proposal(actor=officer, proposal=proposal, reason="  ")
    leaves = LedgerLeaf.objects.count()
    learning_services.reject_proposal(actor=officer, proposal=proposal, reason="Năm 2023 hạn hán, số liệu thấp.")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED and proposal.decision_note == "Năm 2023 hạn hán, số liệu thấp."
    assert LedgerLeaf.objects.count() == leaves + 1 and ReferenceYield.objects.filter(province_code=51).count() == 0
    services.run_analysis(actor=SYSTEM, now=NOW)
    assert YieldProposal.objects.count() == 1


def test_acceptance_permission_matrix(province, actors):
    """The owner of a cooperative whose harvests were learned from, another organisation's owner, a consumer and
    anonymous are refused; an officer of another province is not an officer on this node; the province's officer
    accepts."""
    services.run_analysis(actor=SYSTEM, now=NOW)
    proposal = YieldProposal.objects.get()
    owner = UserFactory(username="htx-owner")
    Membership.objects.create(user=owner, organization_id=province.honest[0], role="owner")
    refused = {name: actors[name] for name in ("anonymous", "consumer", "other_producer")}
    refused["owner"] = owner
    refused["officer_of_another_province"] = UserFactory(username="officer79", agency=AgencyFactory(province_code=79))
    for name, actor in refused.items():
        with pytest.raises(Forbidden):
            learning_services.accept_proposal(actor=actor, proposal=proposal)
        with pytest.raises(Forbidden):
            learning_services.reject_proposal(actor=actor, proposal=proposal, reason="không")
        assert YieldProposal.objects.get().status == ProposalStatus.PROPOSED, name
    assert ReferenceYield.objects.filter(province_code=51).count() == 0
    row = learning_services.accept_proposal(actor=actors["officer"], proposal=proposal)
    assert (row.version, row.source, row.province_code) == (1, "learned", 51)


def test_pages_refuse_strangers(province, client, actors):
    services.run_analysis(actor=SYSTEM, now=NOW)
    proposal = YieldProposal.objects.get()
    url = f"/phan-tich/bang-tham-chieu/de-xuat/{proposal.pk}/"
    assert client.post(url, {"action": "accept", "confirm": "1"}).status_code == 302  # to the login page
    client.force_login(actors["producer"])
    assert client.post(url, {"action": "accept", "confirm": "1"}).status_code == 403
    assert YieldProposal.objects.get().status == ProposalStatus.PROPOSED


def test_the_thresholds_form_reads_vietnamese_numbers_and_refuses_bad_ones(client, officer):
    client.force_login(officer)
    bad = client.post(
        "/phan-tich/bang-tham-chieu/", {"table": "learning", "min_seasons": "ba", "min_areas": "10", "mad_k": "3,5"}
    )
    assert bad.status_code == 302 and LearningSettings.objects.count() == 0
    page = client.get("/phan-tich/bang-tham-chieu/").content.decode()
    assert "Cần nhập một số bằng chữ số" in page
    client.post(
        "/phan-tich/bang-tham-chieu/", {"table": "learning", "min_seasons": "4", "min_areas": "1", "mad_k": "3"}
    )
    assert "Số vùng trồng phải từ 3 đến 100.000." in client.get("/phan-tich/bang-tham-chieu/").content.decode()
    client.post(
        "/phan-tich/bang-tham-chieu/", {"table": "learning", "min_seasons": "4", "min_areas": "12", "mad_k": "3,5"}
    )
    row = LearningSettings.objects.get()
    assert (row.province_code, row.version, row.min_seasons, row.min_areas, row.mad_k) == (51, 1, 4, 12, Decimal("3.5"))
