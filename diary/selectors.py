"""Reads of the diary shared by pages, the offline app and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from catalog.models import GrowingArea, Organization
from diary.activities import ACTIVITY_SPECS, template_for
from diary.choices import Activity
from diary.models import DiaryEntry

WAITING_ACTIVITIES = (Activity.SPRAYING, Activity.VACCINATING, Activity.TREATING)
DEFAULT_FIELDS = ("product_name", "active_ingredient", "dose", "phi_days", "withdrawal_days", "quantity", "unit")


def entries_for(organization: Organization) -> QuerySet[DiaryEntry]:
    return DiaryEntry.objects.filter(organization=organization).select_related("growing_area", "recorded_by")


def defaults_for(organization: Organization) -> dict[str, dict[str, dict[str, Any]]]:
    """For each area and activity, the fields of its last entry: a new entry starts from them.

    `{area_id: {activity: {"product_name": ..., ...}}}` (JSON-ready; the offline app keeps a copy).
    """
    out: dict[str, dict[str, dict[str, Any]]] = {}
    seen: set[tuple[int, str]] = set()
    rows = (
        DiaryEntry.objects.filter(organization=organization)
        .exclude(activity=Activity.HARVESTING)
        .order_by("-occurred_at", "-id")
        .values("growing_area_id", "activity", *DEFAULT_FIELDS)[:500]
    )
    for row in rows:
        key = (row["growing_area_id"], row["activity"])
        if key in seen:
            continue
        seen.add(key)
        fields = {k: (str(row[k]) if row[k] is not None else "") for k in DEFAULT_FIELDS}
        out.setdefault(str(row["growing_area_id"]), {})[row["activity"]] = fields
    return out


def waiting_periods(area: GrowingArea, on: dt.date | None = None) -> list[tuple[DiaryEntry, dt.date]]:
    """Sprayings and treatments whose pre-harvest interval or withdrawal period is still running on `on`
    (entries corrected or voided do not count; their corrections do)."""
    today = on or timezone.localdate()
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=366), dt.time()))
    running = []
    for entry in DiaryEntry.objects.filter(
        growing_area=area, activity__in=WAITING_ACTIVITIES, occurred_at__gte=since, correction=""
    ).order_by("occurred_at"):
        safe = entry.safe_from
        if safe is not None and entry.local_date <= today < safe:
            running.append((entry, safe))
    return running


def areas_with_templates(organization: Organization) -> list[dict[str, Any]]:
    """The organisation's areas with the activities of their crop template, for the quick-entry page."""
    areas = []
    for area in GrowingArea.objects.filter(organization=organization).order_by("code"):
        template = template_for(area.crop)
        areas.append(
            {
                "id": area.pk,
                "code": area.code,
                "name": area.name,
                "crop": area.crop,
                "template": template.code,
                "activities": [
                    {"code": a, "icon": ACTIVITY_SPECS[a].icon, "label": str(Activity(a).label)}
                    for a in template.activities
                ],
                "suggestions": {k: list(v) for k, v in template.suggestions.items()},
                "harvest_unit": template.harvest_unit,
            }
        )
    return areas
