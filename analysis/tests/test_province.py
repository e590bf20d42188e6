"""The analysis over a synthetic province finds each planted fraud with its evidence and flags < 2 % of honest
organisations; a flag is dismissed with a reason (audit entry, ledger leaf, its hold released)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.permissions import SYSTEM
from analysis import services
from analysis.choices import FlagKind, FlagStatus
from analysis.models import Flag, QualityScore
from analysis.tests.province import NOW, build
from analysis.texts import sentence
from core.models import AuditEntry
from ledger.models import LedgerLeaf
from quality.models import LotHold

pytestmark = pytest.mark.django_db


def test_planted_frauds_are_found_with_evidence_and_honest_ones_are_not(officer):
    planted = build()
    run = services.run_analysis(actor=SYSTEM, now=NOW)
    assert run.status == "done" and run.progress == 100

    area = Flag.objects.get(kind=FlagKind.AREA_YIELD)
    assert area.organization == planted.seller and area.growing_area == planted.seller_area
    assert area.facts["harvested"] == "90000.0" and area.facts["ceiling"] == "40000.0"
    assert area.facts["ratio"] == "2.25" and area.thresholds["yield"] == "v1"
    assert sentence(area.kind, area.facts) == (
        f"Vùng {planted.seller_area.name} (2 ha Cà phê) đã thu hoạch 90.000 kg trong niên vụ 2025–2026, gấp 2,25 "
        "lần mức tối đa hợp lý 40.000 kg."
    )

    roast = Flag.objects.get(kind=FlagKind.PROCESSOR_BALANCE)
    assert roast.organization == planted.roaster
    assert (roast.facts["inputs"], roast.facts["outputs"], roast.facts["allowed"]) == ("3000.0", "3600.0", "2550.0")
    assert roast.facts["process"] == "Cà phê nhân → rang" and roast.facts["count"] == 3
    assert ["Hệ số chuyển đổi cho phép", "0.80–0.85"] in roast.evidence  # the built-in factor: no "(catalog)" code

    travel = Flag.objects.get(kind=FlagKind.STAMP_TRAVEL)
    assert (travel.serial, travel.facts["place1"], travel.facts["place2"]) == ("S2", "Đà Nẵng", "Hà Nội")
    assert travel.facts["minutes"] == 40 and len(travel.points) == 2

    phi = Flag.objects.get(kind=FlagKind.PHI_AFTER)
    assert phi.organization == planted.sprayer and phi.lot == planted.sprayer_lot
    assert phi.facts["days"] == 14 and phi.facts["input"] == "Chlorpyrifos"

    flagged = set(Flag.objects.values_list("organization_id", flat=True))
    honest_flagged = flagged & set(planted.honest)
    assert len(honest_flagged) / len(planted.honest) < 0.02
    # the stamp owner is honest: the copied stamp flag names it as owner of the product, not as the copier
    assert honest_flagged <= {Flag.objects.get(kind=FlagKind.STAMP_TRAVEL).organization_id}
    assert QualityScore.objects.count() >= len(planted.honest)

    # a second run updates the same flags
    services.run_analysis(actor=SYSTEM, now=NOW)
    assert Flag.objects.filter(kind=FlagKind.AREA_YIELD).count() == 1

    # dismissing: reason required, audit entry and ledger leaf
    with pytest.raises(ValidationError, match="lý do"):
        services.dismiss_flag(actor=officer, flag=roast, reason=" ")
    leaves = LedgerLeaf.objects.count()
    services.dismiss_flag(actor=officer, flag=roast, reason="Đã kiểm tra hoá đơn mua thêm nhân xanh.")
    roast.refresh_from_db()
    assert roast.status == FlagStatus.DISMISSED and roast.dismissed_by == officer
    assert LedgerLeaf.objects.count() == leaves + 1
    assert AuditEntry.objects.filter(object_type="analysis.flag", object_id=str(roast.pk), action="update").exists()


def test_a_high_risk_lot_is_held_until_its_flag_is_dismissed(officer):
    planted = build(honest=2)
    # the seller's harvest lot is high-risk and unpublished: the area flag holds it
    lot = planted.sprayer_lot
    from diary.models import DiaryEntry

    DiaryEntry.objects.filter(organization=planted.seller, activity="harvesting").update(lot=lot)
    services.run_analysis(actor=SYSTEM, now=NOW)
    flag = Flag.objects.get(kind=FlagKind.AREA_YIELD)
    hold = LotHold.objects.get(pk=flag.hold_ids[0])
    assert hold.lot == lot and hold.released_at is None
    services.dismiss_flag(actor=officer, flag=flag, reason="Vùng khai báo thiếu diện tích, đã đo lại.")
    hold.refresh_from_db()
    assert hold.released_at is not None
