"""Checking the rules again after a fact that may change their verdicts, called explicitly by the workflow that
records the fact (`workflows.chain`, `recalls.services.start_recall`): a late spraying, a corrected or voided
entry, a harvest, a transformation, a shipment, a recall. Only verdicts that changed are recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from accounts.permissions import Actor
from catalog.choices import LotStatus
from catalog.models import Lot
from diary.models import DiaryEntry
from logistics.selectors import downstream_lots
from rules.choices import Trigger
from rules.services import reevaluate


def _waiting_lots(entry: DiaryEntry) -> list[Lot]:
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


def after_entries(entries: Iterable[DiaryEntry | None], *, actor: Actor | None = None) -> None:
    """Entries recorded (a spraying or treatment recorded late may fall inside the waiting period of lots already
    harvested), corrected or voided (the lots the original's waiting period touched, and the corrective's)."""
    lots = {lot.pk: lot for entry in entries if entry is not None for lot in _waiting_lots(entry)}
    reevaluate(list(lots.values()), trigger=Trigger.DIARY, actor=actor)


def after_lots(lots: Iterable[Lot], *, actor: Actor | None = None) -> None:
    """New or moved lots (harvest, claims, transformation, packing, shipping, receiving, their corrections)."""
    reevaluate(list(lots), trigger=Trigger.EVENT, actor=actor)


def after_recall(lots: Iterable[Lot]) -> None:
    """Lots recalled: every lot made from them is held by the recalled-input rule."""
    downstream = {lot.pk: lot for recalled in lots for lot in downstream_lots(recalled)}
    if downstream:
        reevaluate(list(downstream.values()), trigger=Trigger.EVENT)
