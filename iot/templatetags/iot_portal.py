"""The consumer lot page's conditions section: `{% load iot_portal %}{% lot_conditions story.gtin story.lot %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from catalog.models import Lot
from iot import conditions, selectors
from iot.choices import QuantityName
from iot.units import QUANTITIES

register = template.Library()
UNITS = {"CEL": "°C", "P1": "%", "LUX": "lux"}


@register.inclusion_tag("iot/portal_conditions.html")
def lot_conditions(gtin: str, lot_code: str) -> dict[str, Any]:
    lot = Lot.objects.filter(product__gtin=gtin, lot_code=lot_code).first()
    if lot is None:
        return {"show": False}
    found = selectors.lot_conditions(lot)
    excursions = []
    for excursion in found.excursions:
        words = conditions.describe(excursion)
        hold = next((h for h in found.holds if h.excursion_id == excursion.pk), None)
        excursions.append({**words, "at": timezone.localtime(excursion.started_at), "hold": hold})
    stays = []
    for stay in found.stays:
        rows = []
        for name, stats in sorted(stay.summary.items()):
            q = QUANTITIES.get(name)
            if q is None or not stats.get("count"):
                continue
            rows.append({"label": QuantityName(name).label, "unit": UNITS[q.uom], **stats})
        stays.append({"place": stay.place_name, "start": stay.start, "end": stay.end, "rows": rows})
    held = any(h.released_at is None for h in found.holds)
    return {"show": bool(excursions or stays), "excursions": excursions, "stays": stays, "held": held}
