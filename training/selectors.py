"""Reads of the training records: lists for the officer's pages and the people indicators of the plan.

Trained, as of a day, means: attended a course held on or before that day, or (self-study) finished a guidance
lesson by then, signed in as the person (officers) or as a member of the organisation (businesses).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet

from catalog.choices import OrganizationKind, OrganizationStatus
from catalog.models import Organization
from training.choices import COUNTED_PILOTS, AttendeeRole
from training.models import Attendance, Attendee, Course, LessonCompletion, MonitoredEnterprise, PilotModel


def current_attendees() -> QuerySet[Attendee]:
    return Attendee.objects.filter(merged_into=None)


def officers_trained(as_of: dt.date, ward_code: int | None = None) -> tuple[int, int]:
    """(trained, on the roster): commune officers (the roster as it stands) who attended or studied by `as_of`."""
    roster = current_attendees().filter(role=AttendeeRole.OFFICER)
    if ward_code:
        roster = roster.filter(ward_code=ward_code)
    studied = LessonCompletion.objects.filter(completed_on__lte=as_of).values("user_id")
    trained = roster.filter(Q(attendances__course__held_on__lte=as_of) | Q(user_id__in=studied)).distinct()
    return trained.count(), roster.count()


def businesses_trained(as_of: dt.date, ward_code: int | None = None) -> tuple[int, int]:
    """(trained, all): approved enterprises and cooperatives with someone trained or a member's lesson by then."""
    businesses = Organization.objects.filter(
        kind__in=[OrganizationKind.ENTERPRISE, OrganizationKind.COOPERATIVE], status=OrganizationStatus.APPROVED
    )
    if ward_code:
        businesses = businesses.filter(ward_code=ward_code)
    attended = (
        current_attendees()
        .filter(role=AttendeeRole.STAFF, attendances__course__held_on__lte=as_of)
        .values("organization_id")
    )
    studied = LessonCompletion.objects.filter(completed_on__lte=as_of).values("organization_id")
    part = businesses.filter(Q(pk__in=attended) | Q(pk__in=studied)).count()
    return part, businesses.count()


def pilot_models(as_of: dt.date, ward_code: int | None = None) -> int:
    pilots = PilotModel.objects.filter(status__in=COUNTED_PILOTS, started_on__lte=as_of)
    return (pilots.filter(ward_code=ward_code) if ward_code else pilots).count()


def monitored_enterprises(as_of: dt.date, ward_code: int | None = None) -> int:
    items = MonitoredEnterprise.objects.filter(since__lte=as_of).filter(Q(until=None) | Q(until__gt=as_of))
    if ward_code:
        items = items.filter(organization__ward_code=ward_code)
    return items.values("organization_id").distinct().count()


def self_study(year: int) -> dict[str, int]:
    done = LessonCompletion.objects.filter(completed_on__year=year)
    return {"completions": done.count(), "people": done.values("user_id").distinct().count()}


def year_figures(year: int, as_of: dt.date) -> dict[str, Any]:
    """The year's trainings for the dashboard and the report: classes, attendances, people, self-study."""
    courses = Course.objects.filter(held_on__year=year, held_on__lte=as_of)
    attendances = Attendance.objects.filter(course__in=courses)
    return {
        "year": year,
        "courses": courses.count(),
        "attendances": attendances.count(),
        "officer_attendances": attendances.filter(attendee__role=AttendeeRole.OFFICER).count(),
        "staff_attendances": attendances.filter(attendee__role=AttendeeRole.STAFF).count(),
        **{f"self_study_{k}": v for k, v in self_study(year).items()},
    }


def by_ward(as_of: dt.date) -> list[dict[str, Any]]:
    """Per commune: officers trained of the roster, pilot models (communes with any of them)."""
    officers = current_attendees().filter(role=AttendeeRole.OFFICER).values_list("ward_code", flat=True)
    pilots = PilotModel.objects.values_list("ward_code", flat=True)
    codes = {code for code in [*officers, *pilots] if code is not None}
    rows = []
    for code in sorted(codes):
        trained, roster = officers_trained(as_of, code)
        rows.append(
            {"ward_code": code, "officers_trained": trained, "officers": roster, "pilots": pilot_models(as_of, code)}
        )
    return rows


def duplicate_pairs(limit: int = 50) -> list[tuple[Attendee, Attendee, str]]:
    """Attendees sharing a phone or an ID number, as (older, newer, what they share), for the merge page."""
    pairs: list[tuple[Attendee, Attendee, str]] = []
    for field in ("phone", "id_number"):
        values = (
            current_attendees()
            .exclude(**{field: ""})
            .values(field)
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .values_list(field, flat=True)[:limit]
        )
        for value in values:
            group = list(current_attendees().filter(**{field: value}).order_by("pk"))
            pairs.extend((group[0], other, field) for other in group[1:])
    seen: set[tuple[int, int]] = set()
    unique = []
    for a, b, field in pairs:
        if (a.pk, b.pk) not in seen:
            seen.add((a.pk, b.pk))
            unique.append((a, b, field))
    return unique[:limit]


def attendance_by_code(code: str) -> Attendance | None:
    """The attendance a certificate's QR names, if it is real (standing, its person not merged away)."""
    if not code or len(code) > 24:
        return None
    return Attendance.objects.select_related("course", "attendee", "attendee__organization").filter(code=code).first()
