"""The figures behind dashboards and periodic reports, computed with indexed aggregates (never row by row).

`figures(start, end, ward_code=None, category=None, department=None)` returns plain JSON-ready data; every
figure is a COUNT/SUM over the catalogue, quality, recall, stamp, feedback and EPCIS tables, filtered by
period, commune/ward (the organisation's address), product category, and, for agency work (inspections,
tests, recalls), the department of the officer who recorded it. A department given as one of
`catalog.choices.Department` (issue 25) matches agencies of that kind: its product groups (the union of its agencies'
scopes; none: all) narrow products and lots, its agencies' cases narrow the complaints; without a department the
report is the consolidated one and lists every department's work (`by_department`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.choices import Department, LotStatus, OrganizationKind, OrganizationStatus, PriorityGroup
from catalog.models import Certificate, Lot, Organization, PriorityCategory, Product
from catalog.validators import ward_name
from complaints.models import ComplaintCase
from complaints.selectors import overdue_cases
from events.models import Event
from feedback.models import Feedback
from quality.choices import CLOSED_HANDLING, InspectionStatus
from quality.models import Inspection, LabTest, Violation
from recalls.choices import RecallStatus
from recalls.models import Recall
from stamps.models import Scan, Stamp

Progress = Callable[[int, str], None]


def _aware(day: dt.date, end: bool = False) -> dt.datetime:
    moment = dt.datetime.combine(day + dt.timedelta(days=1) if end else day, dt.time.min)
    return timezone.make_aware(moment)


def _org_q(prefix: str, ward_code: int | None) -> Q:
    return Q(**{f"{prefix}ward_code": ward_code}) if ward_code else Q()


def _dept_q(prefix: str, department: str) -> Q:
    """An agency's department: a `Department` value matches its kind, any other text its free-text name. With a
    person's prefix (`recorded_by__`, `started_by__`) the officer's own department, assigned by the agency's head
    (issue 25), comes first; an officer without one counts for the agency's."""
    if not department:
        return Q()
    if department in Department.values:
        q = Q(**{f"{prefix}agency__department_kind": department})
        if prefix:
            q = Q(**{f"{prefix}department_kind": department}) | (Q(**{f"{prefix}department_kind": ""}) & q)
        return q
    return Q(**{f"{prefix}agency__department": department})


def department_categories(department: str) -> list[str] | None:
    """The product groups (codes) a department's agencies cover; None when one of them covers every group."""
    agencies = Organization.objects.filter(kind=OrganizationKind.AGENCY, department_kind=department)
    codes: set[str] = set()
    for agency in agencies.prefetch_related("scope_categories"):
        mine = {c.code for c in agency.scope_categories.all()}
        if not mine:
            return None
        codes |= mine
    return sorted(codes)


def _counts(qs: Any, field: str) -> dict[str, int]:
    return {str(row[field]): row["n"] for row in qs.values(field).annotate(n=Count("pk")).order_by(field)}


def traced_product_ids() -> Any:
    """Products with at least one published (or later recalled) lot: traced on the portal."""
    return Lot.objects.filter(status__in=[LotStatus.PUBLISHED, LotStatus.RECALLED]).values("product_id")


def figures(
    start: dt.date,
    end: dt.date,
    *,
    ward_code: int | None = None,
    category: str | None = None,
    department: str = "",
    progress: Progress | None = None,
) -> dict[str, Any]:
    step = progress or (lambda _p, _m: None)
    t0, t1 = _aware(start), _aware(end, end=True)
    orgs = Organization.objects.exclude(kind=OrganizationKind.AGENCY).filter(_org_q("", ward_code))
    products = Product.objects.filter(_org_q("organization__", ward_code))
    lots = Lot.objects.filter(_org_q("product__organization__", ward_code))
    if category:
        products = products.filter(category__code=category)
        lots = lots.filter(product__category__code=category)
    groups = department_categories(department) if department in Department.values else None
    if groups is not None:
        products = products.filter(category__code__in=groups)
        lots = lots.filter(product__category__code__in=groups)
    out: dict[str, Any] = {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "scope": {"ward_code": ward_code, "ward": ward_name(ward_code), "category": category, "department": department},
    }
    step(10, "organisations")
    out["organizations"] = {
        "total": orgs.count(),
        "by_status": {s: orgs.filter(status=s).count() for s in OrganizationStatus.values},
        "by_kind": _counts(orgs, "kind"),
        "new_in_period": orgs.filter(created_at__gte=t0, created_at__lt=t1).count(),
        "approved_in_period": orgs.filter(approved_at__gte=t0, approved_at__lt=t1).count(),
    }
    step(20, "products and lots")
    category_names = dict(PriorityCategory.objects.values_list("code", "name"))
    by_cat = products.values("category__code").annotate(n=Count("pk")).order_by("-n", "category__code")
    lots_by_cat = (
        lots.filter(published_at__gte=t0, published_at__lt=t1)
        .values("product__category__code")
        .annotate(n=Count("pk"))
        .order_by("-n", "product__category__code")
    )
    out["products"] = {
        "total": products.count(),
        "by_category": [[category_names.get(r["category__code"], r["category__code"]), r["n"]] for r in by_cat],
        "by_group": {g: products.filter(priority_group=g).count() for g in PriorityGroup.values},
        "traced": products.filter(pk__in=traced_product_ids()).count(),
    }
    out["lots"] = {
        "total": lots.count(),
        "by_status": {s: lots.filter(status=s).count() for s in LotStatus.values},
        "published_in_period": lots.filter(published_at__gte=t0, published_at__lt=t1).count(),
        "published_by_category": [
            [category_names.get(r["product__category__code"], r["product__category__code"]), r["n"]]
            for r in lots_by_cat
        ],
        "published_by_group": {
            g: lots.filter(published_at__gte=t0, published_at__lt=t1, product__priority_group=g).count()
            for g in PriorityGroup.values
        },
    }
    step(30, "OCOP")
    ocop = products.filter(ocop_stars__isnull=False)
    untraced = ocop.exclude(pk__in=traced_product_ids())
    out["ocop"] = {
        "total": ocop.count(),
        "traced": ocop.filter(pk__in=traced_product_ids()).count(),
        "untraced": untraced.count(),
        "untraced_list": [  # words, not a ★ the document's font lacks
            _("%(name)s (OCOP %(stars)s sao)") % {"name": p.name, "stars": p.ocop_stars}
            for p in untraced.order_by("name")[:50]
        ],
    }
    step(40, "stamps and scans")
    out["stamps"] = _stamps(t0, t1, ward_code, category)
    step(50, "EPCIS events")
    out["events"] = _events(t0, t1, ward_code)
    step(60, "inspections and tests")
    inspections = Inspection.objects.filter(_org_q("organization__", ward_code), _dept_q("", department))
    done = inspections.filter(status=InspectionStatus.DONE, inspected_on__range=(start, end))
    tests = LabTest.objects.filter(_org_q("organization__", ward_code), sampled_on__range=(start, end))
    if department:
        tests = tests.filter(_dept_q("recorded_by__", department))
    if category:
        tests = tests.filter(Q(lots__product__category__code=category) | Q(lots__isnull=True)).distinct()
    violations = Violation.objects.filter(_org_q("organization__", ward_code), found_on__range=(start, end))
    out["inspections"] = {
        "planned": inspections.filter(planned_on__range=(start, end)).count(),
        "done": done.count(),
        "by_verdict": _counts(done, "verdict"),
    }
    out["lab_tests"] = {
        "total": tests.count(),
        "failed": tests.filter(passed=False).count(),
        "rapid": tests.filter(kind="rapid").count(),
        "by_group": _counts(tests.values("analyte__group"), "analyte__group") if tests.exists() else {},
    }
    out["violations"] = {
        "found": violations.count(),
        "by_status": _counts(violations, "status"),
        "open": Violation.objects.filter(_org_q("organization__", ward_code))
        .exclude(status__in=CLOSED_HANDLING)
        .count(),
        "fines": int(violations.aggregate(s=Sum("fine_amount"))["s"] or 0),
    }
    step(70, "recalls")
    recalls = Recall.objects.filter(_org_q("organization__", ward_code))
    if department:
        recalls = recalls.filter(_dept_q("started_by__", department))
    started = recalls.filter(started_at__gte=t0, started_at__lt=t1)
    out["recalls"] = {
        "started": started.count(),
        "closed": recalls.filter(closed_at__gte=t0, closed_at__lt=t1).count(),
        "open": recalls.filter(status=RecallStatus.OPEN).count(),
        "lots": started.aggregate(n=Count("lots"))["n"] or 0,
    }
    step(75, "complaints")
    out["complaints"] = _complaints(t0, t1, ward_code, department)
    step(80, "certificates")
    certs = Certificate.objects.filter(_org_q("organization__", ward_code))
    out["certificates"] = {
        "valid": certs.filter(valid_from__lte=end, valid_to__gte=end).count(),
        "expired_in_period": certs.filter(valid_to__range=(start, end)).count(),
        "expiring_90d": certs.filter(valid_to__gt=end, valid_to__lte=end + dt.timedelta(days=90)).count(),
    }
    if not ward_code:
        step(85, "communes")
        out["by_ward"] = _by_ward(t0, t1, category)
    if not department:
        out["by_department"] = _by_department(start, end, t0, t1, ward_code)
    return out


def _stamps(t0: dt.datetime, t1: dt.datetime, ward_code: int | None, category: str | None) -> dict[str, int]:
    stamps = Stamp.objects.filter(
        batch__status__in=["approved", "printed"], batch__decided_at__gte=t0, batch__decided_at__lt=t1
    ).filter(_org_q("batch__organization__", ward_code))
    if category:
        stamps = stamps.filter(batch__product__category__code=category)
    scans = Scan.objects.filter(at__gte=t0, at__lt=t1)
    if ward_code or category:
        gtins = Product.objects.filter(_org_q("organization__", ward_code))
        if category:
            gtins = gtins.filter(category__code=category)
        scans = scans.filter(gtin__in=gtins.values("gtin"))
    return {"issued": stamps.count(), "scans": scans.count()}


def _events(t0: dt.datetime, t1: dt.datetime, ward_code: int | None) -> dict[str, int]:
    qs = Event.objects.filter(event_time__gte=t0, event_time__lt=t1)
    if ward_code:
        qs = qs.filter(organization__ward_code=ward_code)
    return {"in_period": qs.count()}


def _complaints(t0: dt.datetime, t1: dt.datetime, ward_code: int | None, department: str = "") -> dict[str, int]:
    qs = Feedback.objects.filter(created_at__gte=t0, created_at__lt=t1).filter(_org_q("organization__", ward_code))
    if department in Department.values:
        qs = qs.filter(case__agency__department_kind=department)
    out = {
        "received": qs.count(),
        "complaints": qs.exclude(kind="feedback").count(),
        "answered": qs.filter(status__in=["answered", "closed"]).count(),
        "overdue": 0,
    }
    overdue = overdue_cases(None).filter(_org_q("feedback__organization__", ward_code))
    if department in Department.values:
        overdue = overdue.filter(agency__department_kind=department)
    out["overdue"] = overdue.count()
    return out


def _by_ward(t0: dt.datetime, t1: dt.datetime, category: str | None) -> list[list[Any]]:
    orgs = (
        Organization.objects.exclude(kind=OrganizationKind.AGENCY)
        .filter(ward_code__isnull=False)
        .values("ward_code")
        .annotate(n=Count("pk"), approved=Count("pk", filter=Q(status=OrganizationStatus.APPROVED)))
    )
    lots = Lot.objects.filter(published_at__gte=t0, published_at__lt=t1)
    if category:
        lots = lots.filter(product__category__code=category)
    lot_counts = dict(
        lots.values("product__organization__ward_code")
        .annotate(n=Count("pk"))
        .values_list("product__organization__ward_code", "n")
    )
    rows = [[ward_name(r["ward_code"]), r["n"], r["approved"], lot_counts.get(r["ward_code"], 0)] for r in orgs]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def _by_department(
    start: dt.date, end: dt.date, t0: dt.datetime, t1: dt.datetime, ward_code: int | None
) -> list[list[Any]]:
    """The consolidated report's table: per department that has an agency, the complaints routed to it, the
    inspections it did and the recalls its officers started in the period."""
    kinds = set(Organization.objects.filter(kind=OrganizationKind.AGENCY).values_list("department_kind", flat=True))
    rows = []
    for kind in Department.values:
        if kind not in kinds:
            continue
        cases = ComplaintCase.objects.filter(
            agency__department_kind=kind, feedback__created_at__gte=t0, feedback__created_at__lt=t1
        ).filter(_org_q("feedback__organization__", ward_code))
        done = Inspection.objects.filter(
            agency__department_kind=kind, status=InspectionStatus.DONE, inspected_on__range=(start, end)
        ).filter(_org_q("organization__", ward_code))
        recalls = (
            Recall.objects.filter(started_at__gte=t0, started_at__lt=t1)
            .filter(_dept_q("started_by__", kind))
            .filter(_org_q("organization__", ward_code))
        )
        rows.append([str(Department(kind).label), cases.count(), done.count(), recalls.count()])
    return rows
