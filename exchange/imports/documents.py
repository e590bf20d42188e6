"""EPCIS documents from another system: the identifiers that are not GS1 keys, and the events rewritten to ours.

EPCIS 2.0 lets a sender name objects and places by any URI (`https://erp.example/lot/42`, `urn:acme:loc:7`). The
events app captures them as they are, but our trace, recalls and pages follow GS1 keys; so a foreign class URI
in a quantity list (`quantityList`, `inputQuantityList`, `outputQuantityList`, `childQuantityList`) is mapped
once to one of our lots (its LGTIN Digital Link) and a foreign `readPoint`/`bizLocation` id to one of our
facilities (its SGLN). A foreign *instance* identifier (`epcList`, `parentID`, ...) cannot become a lot class: it
is refused with its event's index, to be sent as a class with a quantity or as a GS1 key.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from gs1.identifiers import InvalidIdentifier, parse_key

CLASS_LISTS = ("quantityList", "inputQuantityList", "outputQuantityList", "childQuantityList")
INSTANCE_LISTS = ("epcList", "inputEPCList", "outputEPCList", "childEPCs")
PLACES = ("readPoint", "bizLocation")


def is_ours(uri: str) -> bool:
    """Whether `uri` is a GS1 key (EPC URN or Digital Link) our trace follows as it is."""
    try:
        return parse_key(uri).kind != "other"
    except InvalidIdentifier:
        return True  # a malformed GS1 key: the capture's validation names it


@dataclass
class Foreign:
    lots: set[str] = field(default_factory=set)
    locations: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)


def foreign_identifiers(events: list[dict[str, Any]]) -> Foreign:
    out = Foreign()
    for i, event in enumerate(events):
        for name in CLASS_LISTS:
            for q in event.get(name) or []:
                cls = q.get("epcClass") if isinstance(q, dict) else None
                if isinstance(cls, str) and not is_ours(cls):
                    out.lots.add(cls)
        for name in PLACES:
            place = event.get(name)
            ident = place.get("id") if isinstance(place, dict) else None
            if isinstance(ident, str) and not is_ours(ident):
                out.locations.add(ident)
        instances = [e for name in INSTANCE_LISTS for e in event.get(name) or [] if isinstance(e, str)]
        if isinstance(event.get("parentID"), str):
            instances.append(event["parentID"])
        for epc in instances:
            if not is_ours(epc):
                out.errors.append(
                    f"Sự kiện {i + 1}: mã cá thể {epc[:80]} không phải mã GS1; hãy gửi theo lô kèm số lượng / "
                    f"event {i + 1}: instance identifier {epc[:80]} is not a GS1 key; send it as a class with a "
                    "quantity"
                )
    return out


def rewrite(events: list[dict[str, Any]], lots: dict[str, str], locations: dict[str, str]) -> list[dict[str, Any]]:
    """The events with every mapped foreign class and place replaced by ours (`lots`/`locations`: foreign -> ours)."""
    out = copy.deepcopy(events)
    for event in out:
        for name in CLASS_LISTS:
            for q in event.get(name) or []:
                if isinstance(q, dict) and q.get("epcClass") in lots:
                    q["epcClass"] = lots[q["epcClass"]]
        for name in PLACES:
            place = event.get(name)
            if isinstance(place, dict) and place.get("id") in locations:
                place["id"] = locations[place["id"]]
    return out
