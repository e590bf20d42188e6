"""The agency workspace API (session + CSRF of a signed-in officer): review decisions, lab tests, recalls,
dashboard figures and periodic reports. Services decide; errors are RFC 7807 problems in Vietnamese / English."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.security import SessionAuth

from accounts import permissions
from catalog.models import Facility, GrowingArea, Lot
from core.errors import Forbidden, NotFound
from quality import services as quality_services
from quality.models import LabTest
from recalls import selectors as recall_selectors
from recalls import services as recall_services
from recalls.models import Recall
from reports import services as report_services
from reports import stats
from reports.models import ReportJob
from reports.periods import current_quarter
from reviews import selectors as review_selectors
from reviews import services as review_services
from reviews.subjects import resolve


class OfficerSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        if not permissions.is_agency_officer(user):
            raise Forbidden("Chỉ dành cho cán bộ cơ quan quản lý. / Agency officers only.")
        return user


AUTH = OfficerSession()
router = Router(tags=["oversight"], auth=AUTH)


class DecisionIn(Schema):
    decision: str = Field(description="approved | rejected | changes")
    reason: str = ""


class DecisionOut(Schema):
    id: int
    decision: str
    subject_type: str
    subject_id: str
    subject: str = Field(alias="subject_label")
    decided_at: dt.datetime
    diff: list[dict[str, Any]]


class LabTestIn(Schema):
    kind: str = "laboratory"
    analyte: str = Field(description="analyte code, e.g. nitrate, borax, lead")
    value: str
    unit: str = ""
    passed: bool | None = None
    method: str = ""
    laboratory: str
    sample_code: str = ""
    sampled_on: dt.date
    result_on: dt.date | None = None
    lot_ids: list[int] = []
    facility_id: int | None = None
    growing_area_id: int | None = None


class LabTestOut(Schema):
    id: int
    analyte: str
    value: str
    unit: str
    limit: str | None
    limit_source: str
    passed: bool
    held_lots: list[int]


class RecallIn(Schema):
    reason: str
    hazard_class: str = "II"
    notice: str = ""
    lot_id: int | None = None
    facility_id: int | None = None
    lab_test_id: int | None = None


class ReportIn(Schema):
    period_kind: str = "quarter"
    year: int
    number: int = 1
    ward_code: int | None = None
    department: str = ""


class ReportOut(Schema):
    id: int
    status: str
    progress: int
    message: str
    seconds: float | None
    figures: dict[str, Any]
    xlsx: str | None
    pdf: str | None


class QueueLotOut(Schema):
    id: int
    gtin: str
    lot: str
    organization: str


class ReviewQueueOut(Schema):
    counts: dict[str, int] = Field(description="organization, lot, stamp_batch, master_data: how many wait")
    lots: list[QueueLotOut]


class RecallLotOut(Schema):
    key: str
    lot_id: int | None
    depth: int
    outside_jurisdiction: bool


class RecallPartyOut(Schema):
    name: str
    gln: str | None
    organization_id: int | None
    acknowledged_at: dt.datetime | None
    quantity_withdrawn: str | None
    unit: str


class RecallUnitOut(Schema):
    unit: str
    withdrawn: str
    in_scope: str | None


class RecallProgressOut(Schema):
    parties: int
    acknowledged: int
    percent: int
    lots: int
    catalog_lots: int
    units: list[RecallUnitOut] = Field(description="Quantities per unit (kg and bags are never added together)")


class RecallOut(Schema):
    id: int
    code: str
    status: str
    hazard_class: str
    reason: str
    notice: str
    lots: list[RecallLotOut]
    parties: list[RecallPartyOut]
    progress: RecallProgressOut


def _report(job: ReportJob) -> dict[str, Any]:
    base = f"/oversight/bao-cao/{job.pk}/tep/"
    done = job.status == "done"
    return {
        "id": job.pk,
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "seconds": job.seconds,
        "figures": job.figures,
        "xlsx": base + "xlsx/" if done else None,
        "pdf": base + "pdf/" if done else None,
    }


@router.get(
    "/oversight/reviews/queue", response=ReviewQueueOut, summary="Counts of each review queue and the lots waiting"
)
def queue(request: Any) -> dict[str, Any]:
    lots = review_selectors.pending_lots(request.auth)[:100]
    return {
        "counts": review_selectors.queue_counts(request.auth),
        "lots": [
            {"id": lot.pk, "gtin": lot.product.gtin, "lot": lot.lot_code, "organization": lot.product.organization.name}
            for lot in lots
        ],
    }


@router.post(
    "/oversight/reviews/{subject_type}/{subject_id}/decision",
    response={201: DecisionOut},
    summary="Approve, reject (reason) or ask for changes (reason); subject_type e.g. catalog.lot",
)
def decide(request: Any, subject_type: str, subject_id: str, body: DecisionIn) -> Status:
    try:
        subject = resolve(subject_type, subject_id)
    except (LookupError, ObjectDoesNotExist, ValueError) as exc:
        raise NotFound("Không tìm thấy bản ghi. / Record not found.") from exc
    review = review_services.decide(actor=request.auth, subject=subject, decision=body.decision, reason=body.reason)
    return Status(201, review)


@router.post("/oversight/lab-tests", response={201: LabTestOut}, summary="Record a test result (a failure holds lots)")
def record_lab_test(request: Any, body: LabTestIn) -> Status:
    lots = list(Lot.objects.filter(pk__in=body.lot_ids).select_related("product__organization", "product__category"))
    if len(lots) != len(set(body.lot_ids)):
        raise NotFound("Không tìm thấy lô. / Lot not found.")
    facility = get_object_or_404(Facility, pk=body.facility_id) if body.facility_id else None
    area = get_object_or_404(GrowingArea, pk=body.growing_area_id) if body.growing_area_id else None
    data = body.dict(exclude={"lot_ids", "facility_id", "growing_area_id"})
    test = quality_services.record_lab_test(
        actor=request.auth, data=data, lots=lots, facility=facility, growing_area=area
    )
    return Status(
        201,
        {
            "id": test.pk,
            "analyte": test.analyte.code,
            "value": str(test.value.normalize()),
            "unit": test.unit,
            "limit": str(test.limit.normalize()) if test.limit is not None else None,
            "limit_source": test.limit_source,
            "passed": test.passed,
            "held_lots": sorted(test.holds.values_list("lot_id", flat=True)),
        },
    )


def _recall(recall: Recall) -> dict[str, Any]:
    progress = recall_selectors.progress(recall)
    return {
        "id": recall.pk,
        "code": recall.code,
        "status": recall.status,
        "hazard_class": recall.hazard_class,
        "reason": recall.reason,
        "notice": recall.notice,
        "lots": [
            {"key": rl.key, "lot_id": rl.lot_id, "depth": rl.depth, "outside_jurisdiction": rl.outside_jurisdiction}
            for rl in recall.lots.all()
        ],
        "parties": [
            {
                "name": p.name,
                "gln": p.gln,
                "organization_id": p.organization_id,
                "acknowledged_at": p.acknowledged_at,
                "quantity_withdrawn": str(p.quantity_withdrawn) if p.quantity_withdrawn is not None else None,
                "unit": p.unit,
            }
            for p in recall.parties.all()
        ],
        "progress": {  # quantities per unit (kg and bags are never added together)
            **{k: progress[k] for k in ("parties", "acknowledged", "percent", "lots", "catalog_lots")},
            "units": [
                {
                    "unit": u["unit"],
                    "withdrawn": str(u["withdrawn"]),
                    "in_scope": str(u["total"]) if u["total"] is not None else None,
                }
                for u in progress["units"]
            ],
        },
    }


@router.post("/oversight/recalls", response={201: RecallOut}, summary="Start a recall from a lot, a facility or a test")
def start_recall(request: Any, body: RecallIn) -> Status:
    lot = get_object_or_404(Lot, pk=body.lot_id) if body.lot_id else None
    facility = get_object_or_404(Facility, pk=body.facility_id) if body.facility_id else None
    test = get_object_or_404(LabTest, pk=body.lab_test_id) if body.lab_test_id else None
    recall = recall_services.start_recall(
        actor=request.auth,
        reason=body.reason,
        notice=body.notice,
        hazard_class=body.hazard_class,
        lot=lot,
        facility=facility,
        lab_test=test,
    )
    return Status(201, _recall(recall))


@router.get("/oversight/recalls/{recall_id}", response=RecallOut, summary="A recall: scope, parties, progress")
def recall_detail(request: Any, recall_id: int) -> dict[str, Any]:
    recall = get_object_or_404(Recall, pk=recall_id)
    if not permissions.is_officer_for(request.auth, recall.organization):
        raise Forbidden()
    return _recall(recall)


@router.get("/oversight/dashboard", response=dict, summary="Dashboard figures (filters: from, to, ward, category)")
def dashboard(
    request: HttpRequest,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    ward: int | None = None,
    category: str | None = None,
) -> dict[str, Any]:
    today = timezone.localdate()
    start = date_from or current_quarter(today).start
    return stats.figures(start, date_to or today, ward_code=ward, category=category)


@router.post(
    "/oversight/reports", response={202: ReportOut}, summary="Ask for a periodic report (generated in the background)"
)
def request_report(request: Any, body: ReportIn) -> Status:
    job = report_services.request_report(actor=request.auth, **body.dict())  # its job enqueued with it
    return Status(202, _report(job))


@router.get("/oversight/reports/{job_id}", response=ReportOut, summary="A report's progress, figures and files")
def report(request: Any, job_id: int) -> dict[str, Any]:
    return _report(get_object_or_404(ReportJob, pk=job_id))
