"""The writes of learned yields (issue 24): the run proposes, an officer of the province accepts (the next version of
the crop's yield table, source "learned") or rejects with a reason; both audited and ledgered. Nothing learned is
ever applied without that decision. The thresholds of learning are a versioned table of their own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor, agency_of, is_agency_officer, is_platform_admin, person, require
from analysis import learning
from analysis.choices import ProposalStatus, YieldSource
from analysis.models import AnalysisRun, LearningSettings, ReferenceYield, YieldProposal
from core import audit
from core.choices import AuditAction
from core.forms import locale
from core.numbers import format_number
from ledger.services import append_record

MIN_SEASONS, MAX_SEASONS = 2, 20
MIN_AREAS, MAX_AREAS = 3, 100_000
MIN_K, MAX_K = Decimal(1), Decimal(10)


def _n(value: int | Decimal) -> str:
    """A bound in an error message, written the reader's way (100.000 in Vietnamese)."""
    return format_number(Decimal(value), locale=locale(), places=None)


def may_decide(actor: Actor, proposal: YieldProposal) -> bool:
    """An officer of the proposal's province (a platform admin for any); a proposal for every province (no code),
    a platform admin only."""
    if is_platform_admin(actor):
        return True
    agency = agency_of(actor)
    return (
        is_agency_officer(actor)
        and agency is not None
        and proposal.province_code is not None
        and agency.province_code == proposal.province_code
    )


def _in_force(crop_key: str, province: int | None) -> ReferenceYield | None:
    return ReferenceYield.objects.filter(crop_key=crop_key, province_code=province).order_by("-version").first()


def propose(*, actor: Actor, now: dt.datetime, run: AnalysisRun | None = None) -> list[YieldProposal]:
    """The run's step: a proposal per crop and province with enough history, unless the table in force or a
    proposal already decided says the same; an open proposal with other figures is superseded. Runs inside the
    caller's transaction (the run's step)."""
    require(is_agency_officer(actor))
    made: list[YieldProposal] = []
    for found in learning.learn(now):
        same = {"min_kg_per_ha_year": found.min_kg, "max_kg_per_ha_year": found.max_kg}
        current = _in_force(found.crop_key, found.province_code)
        if current is not None and (current.min_kg_per_ha_year, current.max_kg_per_ha_year) == (
            found.min_kg,
            found.max_kg,
        ):
            continue
        mine = YieldProposal.objects.filter(crop_key=found.crop_key, province_code=found.province_code)
        if mine.filter(status=ProposalStatus.REJECTED, **same).exists():
            continue  # an officer said no to these very figures
        still = mine.filter(status=ProposalStatus.PROPOSED).first()
        if still is not None and (still.min_kg_per_ha_year, still.max_kg_per_ha_year) == (found.min_kg, found.max_kg):
            still.stats, still.settings_version, still.run = found.stats, found.settings.version, run
            still.save(update_fields=["stats", "settings_version", "run"])
            continue
        if still is not None:
            before = audit.snapshot(still)
            still.status = ProposalStatus.SUPERSEDED
            still.save(update_fields=["status"])
            audit.record(actor=actor, action=AuditAction.UPDATE, instance=still, before=before, reason="superseded")
        row = YieldProposal.objects.create(
            crop_key=found.crop_key,
            crop_label=found.crop_label,
            province_code=found.province_code,
            min_kg_per_ha_year=found.min_kg,
            max_kg_per_ha_year=found.max_kg,
            stats=found.stats,
            settings_version=found.settings.version,
            run=run,
        )
        audit.record(actor=actor, action=AuditAction.CREATE, instance=row)
        made.append(row)
    return made


def _decidable(actor: Actor, proposal: YieldProposal) -> YieldProposal:
    proposal = YieldProposal.objects.select_for_update().get(pk=proposal.pk)
    require(may_decide(actor, proposal))
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError(_("Đề xuất này đã được xử lý hoặc đã có đề xuất mới hơn."))
    return proposal


@transaction.atomic
def accept_proposal(*, actor: Actor, proposal: YieldProposal, note: str = "") -> ReferenceYield:
    """The officer accepts: the next version of the crop's yield range for the province, marked learned; the
    proposal (with its statistics and the version it became) goes into the ledger."""
    proposal = _decidable(actor, proposal)
    last = ReferenceYield.objects.filter(crop_key=proposal.crop_key, province_code=proposal.province_code).aggregate(
        v=Max("version")
    )["v"]
    stats = proposal.stats
    basis = _("Học từ %(n)s vùng trồng, %(s)s niên vụ (đề xuất số %(id)s)") % {
        "n": stats.get("areas", "?"),
        "s": len(stats.get("seasons", [])),
        "id": proposal.pk,
    }
    row = ReferenceYield.objects.create(
        crop_key=proposal.crop_key,
        crop_label=proposal.crop_label,
        province_code=proposal.province_code,
        min_kg_per_ha_year=proposal.min_kg_per_ha_year,
        max_kg_per_ha_year=proposal.max_kg_per_ha_year,
        version=(last or 0) + 1,
        note=(note.strip() or basis)[:255],
        source=YieldSource.LEARNED,
        created_by=person(actor),
    )
    before = audit.snapshot(proposal)
    proposal.status, proposal.reference = ProposalStatus.ACCEPTED, row
    proposal.decided_at, proposal.decided_by, proposal.decision_note = timezone.now(), person(actor), note.strip()
    proposal.save()
    audit.record(actor=actor, action=AuditAction.CREATE, instance=row)
    audit.record(actor=actor, action=AuditAction.UPDATE, instance=proposal, before=before, reason="accepted")
    append_record(proposal)
    return row


@transaction.atomic
def reject_proposal(*, actor: Actor, proposal: YieldProposal, reason: str) -> YieldProposal:
    """The officer rejects, with a reason (ledgered); the same figures are not proposed again."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Cần nêu lý do từ chối.")]})
    proposal = _decidable(actor, proposal)
    before = audit.snapshot(proposal)
    proposal.status = ProposalStatus.REJECTED
    proposal.decided_at, proposal.decided_by = timezone.now(), person(actor)
    proposal.decision_note = reason.strip()[:4000]
    proposal.save()
    audit.record(actor=actor, action=AuditAction.UPDATE, instance=proposal, before=before, reason="rejected")
    append_record(proposal)
    return proposal


@transaction.atomic
def set_learning_settings(
    *, actor: Actor, min_seasons: int, min_areas: int, mad_k: Decimal, note: str = ""
) -> LearningSettings:
    """A new version of the learning thresholds for the officer's province (every province for an admin without
    an agency)."""
    require(is_agency_officer(actor))
    errors: dict[str, list[str]] = {}
    if not MIN_SEASONS <= min_seasons <= MAX_SEASONS:
        errors["min_seasons"] = [_("Số niên vụ phải từ %(a)s đến %(b)s.") % {"a": MIN_SEASONS, "b": MAX_SEASONS}]
    if not MIN_AREAS <= min_areas <= MAX_AREAS:
        errors["min_areas"] = [_("Số vùng trồng phải từ %(a)s đến %(b)s.") % {"a": MIN_AREAS, "b": _n(MAX_AREAS)}]
    if not MIN_K <= mad_k <= MAX_K:
        errors["mad_k"] = [_("Hệ số k phải từ %(a)s đến %(b)s.") % {"a": _n(MIN_K), "b": _n(MAX_K)}]
    if errors:
        raise ValidationError(errors)
    agency = agency_of(actor)
    province = agency.province_code if agency is not None else None
    last = LearningSettings.objects.filter(province_code=province).aggregate(v=Max("version"))["v"]
    row = LearningSettings.objects.create(
        province_code=province,
        min_seasons=min_seasons,
        min_areas=min_areas,
        mad_k=mad_k,
        version=(last or 0) + 1,
        note=note.strip()[:255],
        created_by=person(actor),
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=row)
    return row
