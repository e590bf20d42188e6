"""A harvest beyond what its growing area can plausibly give: asked back, then flagged for the agency.

For each growing area of a harvest weighed in kg, tonnes or grams, the area's harvests of the last 12 months
that still stand (not corrected or voided) plus this one are compared with the declared area × the crop's
plausible yield a year (`catalog.yields`). Beyond it, the harvest is refused with the figures until the farmer
confirms (`confirm_yield`); a confirmed excess is stored and flagged (`YieldFlag`, audited) in the harvest's
transaction, and the province's officers see it (`oversight` "Sản lượng bất thường").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.permissions import Actor, person
from catalog.models import GrowingArea, Lot
from catalog.yields import KG_PER_UNIT, bound_for, in_kg
from core import audit
from core.choices import AuditAction
from core.numbers import format_number
from diary.choices import Activity
from diary.models import DiaryEntry
from logistics.models import YieldFlag

WINDOW = dt.timedelta(days=365)


@dataclass(frozen=True)
class Excess:
    area: GrowingArea
    crop: str
    harvested_kg: Decimal  # the last 12 months' standing harvests of the area, this one included
    plausible_kg: Decimal


def _earlier_kg(area: GrowingArea, when: dt.datetime) -> Decimal:
    total = Decimal(0)
    rows = (
        DiaryEntry.objects.filter(
            growing_area=area,
            activity=Activity.HARVESTING,
            correction="",
            occurred_at__gt=when - WINDOW,
            occurred_at__lte=when + WINDOW,
            unit__in=list(KG_PER_UNIT),
        )
        .values("unit")
        .annotate(total=Sum("quantity"))
    )
    for row in rows:
        total += in_kg(row["total"] or Decimal(0), row["unit"]) or Decimal(0)
    return total


def excesses(areas: list[tuple[GrowingArea, Decimal]], unit: str, when: dt.datetime) -> list[Excess]:
    """The areas whose year would go beyond the plausible with these quantities (empty for non-weight units)."""
    out: list[Excess] = []
    for area, quantity in areas:
        kg = in_kg(quantity, unit)
        if kg is None or not area.declared_area_ha:
            continue
        bound = bound_for(area.crop)
        plausible = (area.declared_area_ha * bound.max_kg_per_ha_year).quantize(Decimal("0.001"))
        harvested = _earlier_kg(area, when) + kg
        if harvested > plausible:
            out.append(Excess(area, area.crop, harvested.quantize(Decimal("0.001")), plausible))
    return out


def _message(excess: Excess) -> str:
    return _(
        "Sản lượng vùng %(area)s trong 12 tháng sẽ là %(kg)s kg, vượt mức hợp lý tối đa %(max)s kg "
        "(%(ha)s ha %(crop)s). Kiểm tra lại số đã nhập; nếu đúng, đánh dấu xác nhận — cơ quan quản lý sẽ "
        "được báo để xem xét."
    ) % {
        "area": excess.area.name,
        "kg": format_number(excess.harvested_kg),
        "max": format_number(excess.plausible_kg),
        "ha": format_number(excess.area.declared_area_ha),
        "crop": excess.crop,
    }


def require_confirmation(found: list[Excess], confirmed: Any) -> None:
    """Refuse an unconfirmed excess, with the figures, under the form field `confirm_yield`."""
    if found and not confirmed:
        raise ValidationError({"confirm_yield": [_message(e) for e in found]})


def flag(*, actor: Actor, lot: Lot, found: list[Excess]) -> list[YieldFlag]:
    """Record the confirmed excesses of a harvest (called inside the harvest's transaction)."""
    flags = []
    for excess in found:
        row = YieldFlag.objects.create(
            lot=lot,
            growing_area=excess.area,
            organization_id=excess.area.organization_id,
            crop=excess.crop[:120],
            area_ha=excess.area.declared_area_ha,
            harvested_kg=excess.harvested_kg,
            plausible_kg=excess.plausible_kg,
            confirmed_by=person(actor),
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=row,
            organization_id=excess.area.organization_id,
            reason=_("Sản lượng vượt mức hợp lý, người ghi đã xác nhận"),
        )
        flags.append(row)
    return flags
