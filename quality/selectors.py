"""Reads of test results, holds, inspections and violations shared by pages, the API and other apps.

`lab_results_for_lot(lot)` is what the consumer lot page shows (results with their limits);
`active_holds(lot)` tells whether a lot is held (reviews refuse to publish a held lot); `hold_facts`,
`upstream_holds` and `safety_statuses` say what the public sees of holds (the lot held, the lots made from it
being verified); `with_hold_flag` marks held lots in pickers and lists.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from catalog.choices import LotStatus
from catalog.models import Lot
from core.numbers import format_number
from events.graph import reach
from events.models import EpcKey
from gs1.identifiers import lot_key
from quality.choices import CLOSED_HANDLING, InspectionStatus
from quality.models import Inspection, LabTest, LotHold, Violation


def lab_results_for_lot(lot: Lot) -> QuerySet[LabTest]:
    """Results that speak for a lot: linked to it, or to one of its origin growing areas; newest first.

    Each has analyte (name via `analyte_name`), value, unit, limit (None where no maximum level applies),
    limit_source (the regulation), passed, method, laboratory, sampled_on.
    """
    return (
        LabTest.objects.filter(Q(lots=lot) | Q(growing_area__in=lot.origin_areas.all()))
        .select_related("analyte")
        .distinct()
        .order_by("-sampled_on", "-id")
    )


def active_holds(lot: Lot) -> QuerySet[LotHold]:
    return LotHold.objects.filter(lot=lot, released_at__isnull=True)


def _province(officer: Any) -> Q:
    if getattr(officer, "is_superuser", False) or officer.agency_id is None:
        return Q()
    return Q(organization__province_code=officer.agency.province_code)


def lab_tests(officer: Any) -> QuerySet[LabTest]:
    return LabTest.objects.filter(_province(officer)).select_related("analyte", "organization")


def inspections(officer: Any) -> QuerySet[Inspection]:
    return Inspection.objects.filter(_province(officer)).select_related("facility", "organization", "lead")


def overdue_follow_ups(officer: Any, today: dt.date | None = None) -> QuerySet[Inspection]:
    today = today or timezone.localdate()
    return inspections(officer).filter(
        status=InspectionStatus.DONE, follow_up_due__lt=today, follow_up_done_at__isnull=True
    )


def violations(officer: Any) -> QuerySet[Violation]:
    return Violation.objects.filter(_province(officer)).select_related("organization", "facility")


def open_violations(officer: Any) -> QuerySet[Violation]:
    return violations(officer).exclude(status__in=CLOSED_HANDLING)


# Holds as the public sees them: a lot held after a failed test, and the lots made from it (downstream in the
# genealogy) "being verified" until the hold is released or the held lot is recalled (the recall then speaks).


def public_holds() -> QuerySet[LotHold]:
    """Active holds whose lot is not recalled, with the test, analyte and lot loaded; newest first."""
    return (
        LotHold.objects.filter(released_at__isnull=True)
        .exclude(lot__status=LotStatus.RECALLED)
        .select_related("lab_test__analyte", "lot__product__organization")
        .order_by("-held_at", "-pk")
    )


def _number(value: Decimal) -> str:
    """As every page prints figures (core.numbers): 0,12 and 1.200 in Vietnamese, 0.12 and 1,200 in English."""
    return format_number(value, locale=get_language() or "vi")


def hold_facts(hold: LotHold) -> dict[str, Any]:
    """A hold in plain data for the public page, its JSON and the API: `reason` is a sentence in the active
    language (analyte, value and limit with units, the sample date), `test` the result behind it (or None)."""
    test = hold.lab_test
    facts: dict[str, Any] = {
        "reason": hold.reason,
        "held_at": hold.held_at,
        "released": hold.released_at is not None,
        "test": None,
    }
    if test is None:
        return facts
    day = test.result_on or test.sampled_on
    values = {
        "analyte": test.analyte.name,
        "value": _number(test.value),
        "unit": test.unit,
        "limit": _number(test.limit) if test.limit is not None else "",
        "day": day.strftime("%d/%m/%Y"),
    }
    if test.limit is not None:
        reason = _("%(analyte)s: %(value)s %(unit)s, vượt giới hạn cho phép %(limit)s %(unit)s (kết quả ngày %(day)s).")
    else:
        reason = _("%(analyte)s: %(value)s %(unit)s, không đạt (kết quả ngày %(day)s).")
    facts["reason"] = reason % values
    facts["test"] = {
        "analyte": test.analyte.name,
        "value": test.value,
        "unit": test.unit,
        "limit": test.limit,
        "limit_source": test.limit_source,
        "laboratory": test.laboratory,
        "sampled_on": test.sampled_on,
        "result_on": test.result_on,
        "date": day,
    }
    return facts


def _lot_key(lot: Lot) -> str:
    return lot_key(lot.product.gtin, lot.lot_code)


def _key_ids(lots: list[Lot]) -> dict[int, int]:
    """{EpcKey id: lot id} of these lots (by their canonical key, or linked to them)."""
    by_key = {_lot_key(lot): lot.pk for lot in lots}
    rows = EpcKey.objects.filter(Q(key__in=list(by_key)) | Q(lot__in=[lot.pk for lot in lots]))
    return {pk: lot_id or by_key[key] for pk, key, lot_id in rows.values_list("pk", "key", "lot_id")}


def upstream_holds(lot: Lot, holds: list[LotHold] | None = None) -> list[LotHold]:
    """Active public holds (`holds`, else `public_holds()`) on lots upstream of `lot` (it was made from or packed
    with them), nearest first. One backward walk of the genealogy, and only while some lot is held."""
    holds = [h for h in (public_holds() if holds is None else holds) if h.lot_id != lot.pk]
    if not holds or lot.status == LotStatus.RECALLED:
        return []
    roots = list(_key_ids([lot]))
    if not roots:
        return []
    depths = reach(roots, forward=False)
    held_keys = _key_ids([h.lot for h in holds])
    depth_of_lot: dict[int, int] = {}
    for key_id, lot_id in held_keys.items():
        if key_id in depths and lot_id != lot.pk:
            depth_of_lot[lot_id] = min(depths[key_id], depth_of_lot.get(lot_id, depths[key_id]))
    found = [h for h in holds if h.lot_id in depth_of_lot]
    return sorted(found, key=lambda h: depth_of_lot[h.lot_id])


def safety_statuses(lots: list[Lot]) -> dict[int, tuple[str, LotHold | None]]:
    """{lot id: (status, own hold)} for a page of lots: 'recalled', 'held', 'verifying' (downstream of a held
    lot) or 'ok'. One query for the holds and, while some lot is held, one forward walk from the held lots."""
    holds = list(public_holds())
    own: dict[int, LotHold] = {}
    for hold in holds:
        own.setdefault(hold.lot_id, hold)
    downstream: set[int] = set()
    if holds:
        held_keys = _key_ids([h.lot for h in holds])
        candidates = {k: v for k, v in _key_ids(lots).items() if v not in own}
        if held_keys and candidates:
            reached = reach(list(held_keys), forward=True)
            downstream = {lot_id for key_id, lot_id in candidates.items() if key_id in reached}
    out: dict[int, tuple[str, LotHold | None]] = {}
    for lot in lots:
        if lot.status == LotStatus.RECALLED:
            out[lot.pk] = ("recalled", None)
        elif lot.pk in own:
            out[lot.pk] = ("held", own[lot.pk])
        elif lot.pk in downstream:
            out[lot.pk] = ("verifying", None)
        else:
            out[lot.pk] = ("ok", None)
    return out


def with_hold_flag(lots: QuerySet[Lot]) -> QuerySet[Lot]:
    """Lots annotated `on_hold` (an active hold), for pickers and lists that show "Đang tạm giữ"."""
    return lots.annotate(on_hold=Exists(LotHold.objects.filter(lot=OuterRef("pk"), released_at__isnull=True)))
