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


def _roster() -> QuerySet[Attendee]:
    """Commune officers on the roster as it stands (merged duplicates left out)."""
    return current_attendees().filter(role=AttendeeRole.OFFICER)


def _trained(roster: QuerySet[Attendee], as_of: dt.date) -> QuerySet[Attendee]:
    studied = LessonCompletion.objects.filter(completed_on__lte=as_of).values("user_id")
    return roster.filter(Q(attendances__course__held_on__lte=as_of) | Q(user_id__in=studied)).distinct()


def _businesses() -> QuerySet[Organization]:
    return Organization.objects.filter(
        kind__in=[OrganizationKind.ENTERPRISE, OrganizationKind.COOPERATIVE], status=OrganizationStatus.APPROVED
    )


def _trained_businesses(businesses: QuerySet[Organization], as_of: dt.date) -> QuerySet[Organization]:
    attended = (
        current_attendees()
        .filter(role=AttendeeRole.STAFF, attendances__course__held_on__lte=as_of)
        .values("organization_id")
    )
    studied = LessonCompletion.objects.filter(completed_on__lte=as_of).values("organization_id")
    return businesses.filter(Q(pk__in=attended) | Q(pk__in=studied))


def officers_trained(as_of: dt.date, ward_code: int | None = None) -> tuple[int, int]:
    """(trained, on the roster): commune officers (the roster as it stands) who attended or studied by `as_of`."""
    roster = _roster()
    if ward_code:
        roster = roster.filter(ward_code=ward_code)
    return _trained(roster, as_of).count(), roster.count()


def businesses_trained(as_of: dt.date, ward_code: int | None = None) -> tuple[int, int]:
    """(trained, all): approved enterprises and cooperatives with someone trained or a member's lesson by then."""
    businesses = _businesses()
    if ward_code:
        businesses = businesses.filter(ward_code=ward_code)
    return _trained_businesses(businesses, as_of).count(), businesses.count()


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


def _per_ward(qs: QuerySet[Any]) -> dict[int, int]:
    return {
        row["ward_code"]: row["n"] for row in qs.order_by().values("ward_code").annotate(n=Count("pk", distinct=True))
    }


def by_ward(as_of: dt.date, ward_code: int | None = None) -> list[dict[str, Any]]:
    """Per commune (every commune with an officer on the roster, an approved business or a pilot model; or only
    `ward_code`): officers trained of the roster, businesses trained of all, pilot models, as of `as_of`. The same
    definitions as the province's figures above (`officers_trained`, `businesses_trained`, `pilot_models`), grouped
    by commune in six queries whatever the number of communes; the training page, the agency dashboard and the
    periodic report all read it (through `reports.indicators.people_by_commune`, which adds the targets)."""
    roster, businesses = _roster(), _businesses()
    pilots = PilotModel.objects.filter(status__in=COUNTED_PILOTS, started_on__lte=as_of)
    if ward_code:
        roster, businesses = roster.filter(ward_code=ward_code), businesses.filter(ward_code=ward_code)
        pilots = pilots.filter(ward_code=ward_code)
    officers, trained = _per_ward(roster), _per_ward(_trained(roster, as_of))
    orgs, trained_orgs = _per_ward(businesses), _per_ward(_trained_businesses(businesses, as_of))
    pilot_counts = _per_ward(pilots)
    codes = {code for code in [*officers, *orgs, *pilot_counts] if code is not None}
    return [
        {
            "ward_code": code,
            "officers_trained": trained.get(code, 0),
            "officers": officers.get(code, 0),
            "businesses_trained": trained_orgs.get(code, 0),
            "businesses": orgs.get(code, 0),
            "pilots": pilot_counts.get(code, 0),
        }
        for code in sorted(codes)
    ]


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
