"""The lot's conditions section: `{% load iot_portal %}{% lot_conditions story.gtin story.lot %}` on the consumer's
lot page (the excursions in plain words, each stay's min–max–mean and a small chart of it, readable at 360 px, no
script); `{% lot_sensor_panel lot %}` on the producer's lot page adds the holds and the CSV of the lot's readings."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from catalog.models import Lot
from iot import conditions, selectors
from iot.charts import UNITS, line_chart, thin
from iot.choices import QuantityName
from iot.units import QUANTITIES

register = template.Library()


@register.inclusion_tag("iot/portal_conditions.html")
def lot_conditions(gtin: str, lot_code: str) -> dict[str, Any]:
    lot = Lot.objects.filter(product__gtin=gtin, lot_code=lot_code).first()
    if lot is None:
        return {"show": False}
    return conditions_context(lot)


@register.inclusion_tag("iot/lot_panel.html")
def lot_sensor_panel(lot: Lot) -> dict[str, Any]:
    return {**conditions_context(lot), "lot": lot, "producer": True}


def conditions_context(lot: Lot) -> dict[str, Any]:
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
            label = QuantityName(name).label
            chart = None
            if stay.devices:
                points = thin(selectors.series(stay.devices[0], q.code, stay.start, stay.end), 90)
                chart = line_chart(points, f"{label}: {stay.place_name}", UNITS[q.uom], width=320, height=150, font=15)
            rows.append({"label": label, "unit": UNITS[q.uom], "chart": chart, **stats})
        stays.append({"place": stay.place_name, "start": stay.start, "end": stay.end, "rows": rows})
    held = any(h.released_at is None for h in found.holds)
    return {
        "show": bool(excursions or stays),
        "excursions": excursions,
        "stays": stays,
        "held": held,
        "holds": found.holds,
    }
