"""Reactions to the diary's and logistics' signals: re-run the rules on the lots an event may change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from catalog.choices import LotStatus
from catalog.models import Lot
from rules.choices import Trigger
from rules.services import reevaluate


def on_entry_recorded(sender: Any, entry: Any, actor: Any = None, **kwargs: Any) -> None:
    """A spraying or treatment recorded late may fall inside the waiting period of lots already harvested."""
    safe = entry.safe_from
    if safe is None:
        return
    lots = Lot.objects.filter(
        origin_areas=entry.growing_area,
        production_date__gte=entry.local_date,
        production_date__lt=safe + dt.timedelta(days=1),
    ).exclude(status=LotStatus.RECALLED)
    reevaluate(list(lots.select_related("product")), trigger=Trigger.DIARY, actor=actor)


def _waiting_lots(entry: Any) -> list[Lot]:
    """Lots harvested from the entry's area inside its waiting period (none if it has none)."""
    safe = entry.safe_from
    if safe is None:
        return []
    lots = Lot.objects.filter(
        origin_areas=entry.growing_area,
        production_date__gte=entry.local_date,
        production_date__lt=safe + dt.timedelta(days=1),
    ).exclude(status=LotStatus.RECALLED)
    return list(lots.select_related("product"))


def on_entry_corrected(sender: Any, original: Any, corrective: Any = None, actor: Any = None, **kwargs: Any) -> None:
    """An entry corrected or voided: the lots its waiting period touched (it no longer counts) and those the
    corrective entry's touches are checked again at once."""
    lots = {lot.pk: lot for entry in (original, corrective) if entry is not None for lot in _waiting_lots(entry)}
    reevaluate(list(lots.values()), trigger=Trigger.DIARY, actor=actor)


def on_lots_changed(sender: Any, lots: list[Lot], actor: Any = None, trigger: str = "", **kwargs: Any) -> None:
    reevaluate(lots, trigger=Trigger.EVENT, actor=actor)


def on_lot_saved(sender: Any, instance: Lot, created: bool, **kwargs: Any) -> None:
    """A lot recalled holds every lot made from it (the catalogue's recall_lot saves the lot)."""
    if created or kwargs.get("raw") or instance.status != LotStatus.RECALLED:
        return
    from logistics.selectors import downstream_lots

    downstream = downstream_lots(instance)
    if downstream:
        reevaluate(downstream, trigger=Trigger.EVENT)
