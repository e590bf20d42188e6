"""The analysis' writes: a run (flags found, updated or reopened, with their audit entries; holds on unpublished
high-risk lots through quality's holds; scores; forecasts), dismissing and contesting a flag (audit entry and
ledger leaf), and new versions of the reference tables. Flags never publish, never tell the public by themselves."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor, agency_of, is_agency_officer, is_member, is_officer_for, person, require
from analysis import anomalies, forecast, learning_services, mass_balance, scores, stamps_copy
from analysis.choices import FlagKind, FlagStatus, RunStatus
from analysis.findings import Finding
from analysis.models import AnalysisRun, ConversionFactor, Flag, QualityScore, ReferenceYield
from analysis.references import References
from catalog.folding import fold
from catalog.models import Organization
from core import audit
from core.audit import AuditEntry
from core.choices import AuditAction
from ledger.services import append_record
from quality.models import LotHold
from quality.services.lab_tests import release_hold

REOPEN_FACTOR = Decimal("1.5")  # a dismissed flag reopens only if its figures get this much worse
Progress = Callable[[AnalysisRun], None]


def _steps(refs: References, now: dt.datetime) -> list[tuple[str, Callable[[], Iterable[Finding]]]]:
    return [
        ("Cân đối sản lượng vùng trồng", lambda: mass_balance.area_yields(refs)),
        ("Cân đối chế biến", lambda: mass_balance.processors(refs)),
        ("Xuất bán so với hàng có", mass_balance.shipped_against_stock),
        ("Tem bị sao chép", lambda: stamps_copy.copied_stamps(now)),
        ("Nhật ký xa vùng trồng", anomalies.diary_far),
        ("Nhật ký ghi lùi ngày", anomalies.backdated),
        ("Phun thuốc ghi sau thu hoạch", anomalies.phi_after),
        ("Số đo cảm biến sao chép", lambda: anomalies.sensor_copies(now)),
        ("Kết quả kiểm nghiệm khác thường", anomalies.lab_outliers),
    ]


def start_run(*, actor: Actor, now: dt.datetime | None = None) -> AnalysisRun:
    """A new run, committed at once so its progress can be watched."""
    require(is_agency_officer(actor))
    run = AnalysisRun.objects.create(started_at=now or timezone.now(), step=_("Đang chờ"))
    audit.record(actor=actor, action=AuditAction.CREATE, instance=run)
    return run


def run_analysis(
    *, actor: Actor, run: AnalysisRun | None = None, now: dt.datetime | None = None, progress: Progress | None = None
) -> AnalysisRun:
    """Every detector, each step in its own transaction (its flags and their audit entries together), then the
    data-quality scores and the forecasts. The run's `progress` and `step` are saved after each step."""
    require(is_agency_officer(actor))
    now = now or timezone.now()
    run = run or start_run(actor=actor, now=now)
    refs = References()
    steps = _steps(refs, now)
    total = len(steps) + 3
    counts: dict[str, Any] = {"found": {}, "seconds": {}, "new": 0, "reopened": 0, "held": 0}
    run.thresholds = {
        "yields": sorted({r.version for r in refs.yields.values()}) or ["catalog"],
        "factors": sorted({f.version for f in refs.factors}),
    }
    try:
        for i, (name, step) in enumerate(steps):
            _progress(run, i, total, name, progress)
            began = time.perf_counter()
            with transaction.atomic():
                findings = list(step())
                _store(actor, run, findings, now, counts)
            counts["seconds"][name] = round(time.perf_counter() - began, 2)
            for f in findings:
                counts["found"][f.kind] = counts["found"].get(f.kind, 0) + 1
        _progress(run, len(steps), total, _("Học năng suất từ lịch sử thu hoạch"), progress)
        began = time.perf_counter()
        with transaction.atomic():  # after the detectors: this run's flags leave their areas out of the sample
            counts["proposals"] = len(learning_services.propose(actor=actor, now=now, run=run))
        counts["seconds"]["learning"] = round(time.perf_counter() - began, 2)
        _progress(run, len(steps) + 1, total, _("Điểm chất lượng dữ liệu"), progress)
        began = time.perf_counter()
        with transaction.atomic():
            _store_scores(scores.compute(now), now)
        counts["seconds"]["scores"] = round(time.perf_counter() - began, 2)
        _progress(run, len(steps) + 2, total, _("Dự báo sản lượng"), progress)
        began = time.perf_counter()
        counts["forecasts"] = _forecasts()
        counts["seconds"]["forecasts"] = round(time.perf_counter() - began, 2)
    except Exception:
        run.status, run.finished_at, run.counts = RunStatus.FAILED, timezone.now(), counts
        run.save()
        raise
    run.status, run.progress, run.step, run.counts = RunStatus.DONE, 100, _("Xong"), counts
    run.finished_at = timezone.now()
    run.save()
    return run


def _progress(run: AnalysisRun, i: int, total: int, name: str, progress: Progress | None) -> None:
    run.progress, run.step = int(i * 100 / total), name[:120]
    run.save(update_fields=["progress", "step"])
    if progress is not None:
        progress(run)


def _forecasts() -> dict[str, Any]:
    import numpy as np  # on the first forecast (analysis.forecast)

    out: dict[str, Any] = {}
    for crop, series in sorted(forecast.monthly_harvests().items()):
        try:
            fc = forecast.forecast(series)
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:  # a series the model cannot fit
            out[crop] = {"error": str(exc)[:200]}
            continue
        if fc is not None:
            out[crop] = fc.__dict__
    return out


def _store_scores(found: dict[int, tuple[Decimal, dict[str, str]]], now: dt.datetime) -> None:
    existing = {q.organization_id: q for q in QualityScore.objects.all()}
    new, changed = [], []
    for org_id, (score, parts) in found.items():
        row = existing.get(org_id)
        if row is None:
            new.append(QualityScore(organization_id=org_id, score=score, parts=parts, computed_at=now))
        else:
            row.score, row.parts, row.computed_at = score, parts, now
            changed.append(row)
    QualityScore.objects.bulk_create(new, batch_size=1000)
    QualityScore.objects.bulk_update(changed, ["score", "parts", "computed_at"], batch_size=1000)


def _store(actor: Actor, run: AnalysisRun, findings: list[Finding], now: dt.datetime, counts: dict[str, Any]) -> None:
    if not findings:
        return
    existing = Flag.objects.in_bulk([f.fingerprint for f in findings], field_name="fingerprint")
    provinces = dict(
        Organization.objects.filter(pk__in={f.organization_id for f in findings if f.organization_id}).values_list(
            "pk", "province_code"
        )
    )
    new: list[Flag] = []
    entries: list[AuditEntry] = []
    for f in findings:
        values = {
            "kind": f.kind,
            "organization_id": f.organization_id,
            "province_code": provinces.get(f.organization_id) if f.organization_id else None,
            "lot_id": f.lot_id,
            "growing_area_id": f.growing_area_id,
            "gtin": f.gtin,
            "serial": f.serial,
            "severity": f.severity,
            "facts": f.facts,
            "evidence": [list(e) for e in f.evidence],
            "points": [list(p) for p in f.points],
            "lots": [list(lot) for lot in f.lots],
            "thresholds": f.thresholds,
            "last_seen_at": now,
        }
        flag = existing.get(f.fingerprint)
        if flag is None:
            new.append(Flag(fingerprint=f.fingerprint, first_run=run, **values))
            continue
        before = audit.snapshot(flag)
        reopen = flag.status == FlagStatus.DISMISSED and f.severity >= flag.severity * REOPEN_FACTOR
        for k, v in values.items():
            setattr(flag, k, v)
        if reopen:
            flag.status = FlagStatus.OPEN
            counts["reopened"] += 1
            entries.append(
                audit.entry(
                    actor=actor,
                    action=AuditAction.UPDATE,
                    instance=flag,
                    before=before,
                    organization_id=flag.organization_id,
                    reason="reopened: figures worse",
                )
            )
        flag.save()
    Flag.objects.bulk_create(new, batch_size=500)
    created = Flag.objects.filter(fingerprint__in=[f.fingerprint for f in new])
    by_print = {flag.fingerprint: flag for flag in created}
    for f in findings:
        flag = by_print.get(f.fingerprint)
        if flag is None:
            continue
        entries.append(
            audit.entry(actor=actor, action=AuditAction.CREATE, instance=flag, organization_id=flag.organization_id)
        )
        if f.hold_lot_ids:
            flag.hold_ids = [_hold(actor, lot_id, flag) for lot_id in f.hold_lot_ids]
            flag.save(update_fields=["hold_ids"])
            counts["held"] += len(flag.hold_ids)
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    counts["new"] += len(new)


def _hold(actor: Actor, lot_id: int, flag: Flag) -> int:
    """Hold an unpublished high-risk lot's publication until an officer looks at the flag (quality's hold: reviews
    refuse to publish a held lot)."""
    reason = _("Phân tích số liệu: %(kind)s (cảnh báo số %(id)s). Chờ cán bộ xem xét.") % {
        "kind": FlagKind(flag.kind).label,
        "id": flag.pk,
    }
    hold = LotHold.objects.create(lot_id=lot_id, reason=reason[:255], held_by=person(actor))
    audit.record(actor=actor, action=AuditAction.CREATE, instance=hold, organization_id=flag.organization_id)
    append_record(hold)
    return hold.pk


@transaction.atomic
def dismiss_flag(*, actor: Actor, flag: Flag, reason: str) -> Flag:
    """An officer of the organisation's province dismisses a flag, with a reason; the holds it placed are released.
    Audited and ledgered."""
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    require(_may_judge(actor, flag))
    if not reason.strip():
        raise ValidationError({"reason": [_("Cần nêu lý do bác bỏ.")]})
    if flag.status == FlagStatus.DISMISSED:
        raise ValidationError(_("Cảnh báo đã được bác bỏ."))
    before = audit.snapshot(flag)
    flag.status = FlagStatus.DISMISSED
    flag.dismissed_at = timezone.now()
    flag.dismissed_by = person(actor)
    flag.dismiss_reason = reason.strip()[:4000]
    flag.save()
    for hold in LotHold.objects.filter(pk__in=flag.hold_ids, released_at__isnull=True):
        release_hold(actor=actor, hold=hold, reason=_("Cảnh báo phân tích đã được bác bỏ: %s") % flag.dismiss_reason)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=flag,
        before=before,
        organization_id=flag.organization_id,
        reason=flag.dismiss_reason,
    )
    append_record(flag)
    return flag


def _may_judge(actor: Actor, flag: Flag) -> bool:
    if flag.organization is None:
        return is_agency_officer(actor)
    return is_officer_for(actor, flag.organization)


@transaction.atomic
def contest_flag(*, actor: Actor, flag: Flag, note: str) -> Flag:
    """A member of the organisation answers a flag (its explanation, evidence named); audited and ledgered."""
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    require(flag.organization is not None and is_member(actor, flag.organization))
    if not note.strip():
        raise ValidationError({"note": [_("Cần ghi nội dung giải trình.")]})
    before = audit.snapshot(flag)
    flag.contest_note = note.strip()[:4000]
    flag.contested_at = timezone.now()
    flag.contested_by = person(actor)
    flag.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=flag,
        before=before,
        organization_id=flag.organization_id,
        reason="contested",
    )
    append_record(flag)
    return flag


def _range(low: Decimal, high: Decimal, field: str) -> None:
    if low < 0 or high <= 0 or low > high:
        raise ValidationError({field: [_("Khoảng không hợp lệ: mức tối thiểu phải nhỏ hơn hoặc bằng mức tối đa.")]})


@transaction.atomic
def set_reference_yield(
    *, actor: Actor, crop: str, min_kg: Decimal, max_kg: Decimal, note: str = "", all_provinces: bool = False
) -> ReferenceYield:
    """A new version of a crop's yield range for the officer's province (or every province, for an admin)."""
    require(is_agency_officer(actor))
    key = fold(crop)
    if not key:
        raise ValidationError({"crop": [_("Cần nhập tên cây trồng.")]})
    _range(min_kg, max_kg, "max_kg")
    agency = agency_of(actor)
    province = None if all_provinces or agency is None else agency.province_code
    last = ReferenceYield.objects.filter(crop_key=key, province_code=province).aggregate(v=Max("version"))["v"]
    row = ReferenceYield.objects.create(
        crop_key=key,
        crop_label=crop.strip()[:120],
        province_code=province,
        min_kg_per_ha_year=min_kg,
        max_kg_per_ha_year=max_kg,
        version=(last or 0) + 1,
        note=note.strip()[:255],
        created_by=person(actor),
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=row)
    return row


@transaction.atomic
def set_conversion_factor(
    *,
    actor: Actor,
    label: str,
    input_name: str,
    output_name: str,
    min_ratio: Decimal,
    max_ratio: Decimal,
    note: str = "",
) -> ConversionFactor:
    """A new version of a process' conversion factor (output per input mass)."""
    require(is_agency_officer(actor))
    src, dst = fold(input_name), fold(output_name)
    if not src or not dst:
        raise ValidationError({"input_name": [_("Cần nhập nguyên liệu và thành phẩm.")]})
    _range(min_ratio, max_ratio, "max_ratio")
    last = ConversionFactor.objects.filter(input_key=src, output_key=dst).aggregate(v=Max("version"))["v"]
    row = ConversionFactor.objects.create(
        input_key=src,
        output_key=dst,
        label=(label.strip() or f"{input_name} → {output_name}")[:120],
        min_ratio=min_ratio,
        max_ratio=max_ratio,
        version=(last or 0) + 1,
        note=note.strip()[:255],
        created_by=person(actor),
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=row)
    return row
