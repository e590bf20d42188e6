"""A node in hub mode (``TRUYXUAT_FEDERATION_HUB``) holds no farm diaries (issue 23 item 5).

The national hub aggregates what the provinces publish; a farm's diary stays in its province's node. So the hub
refuses, whatever the route (the diary's form, API, offline sync and imports, a partner's ``/epcis/capture`` or
``/epcis/events``), every event whose bizStep is one of the farm-diary steps (``events.epcis.cbv.FARM_BIZSTEPS``
under ``https://truyxuat.vn/voc/bizstep#``, in any spelling: the bare name, the full URI, or a compact IRI whose
prefix the document's or the event's ``@context`` binds to that namespace). The check is here, in capture, because
every diary write is a capture first (docs/architecture.md, "Events are the one record"): a refused event is never
stored, so there is nothing to project. The diary's services also check first (`refuse_diary_write`) so that a
farmer's form says why in words rather than as an EPCIS problem.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from events.epcis.cbv import TRUYXUAT_BIZSTEP_NS, normalise_biz_step
from events.epcis.problems import EpcisError, Problem, pointer

PROBLEM = (
    "Hệ thống quốc gia (chế độ hub) không lưu nhật ký đồng ruộng; hãy ghi trên hệ thống của tỉnh / "
    "A national hub holds no farm diaries; record them on your province's node"
)


def hub_mode() -> bool:
    return bool(settings.TRUYXUAT_FEDERATION_HUB)


def refuse_diary_write() -> None:
    """Raise a ValidationError (the pages' words, translated) when this node is a hub."""
    if hub_mode():
        raise ValidationError(
            _("Hệ thống quốc gia không lưu nhật ký đồng ruộng. Hãy ghi nhật ký trên hệ thống của tỉnh mình.")
        )


def _prefixes(contexts: list[Any]) -> set[str]:
    """The compact-IRI prefixes bound to the farm-step namespace by these @context entries."""
    found = set()
    for entry in contexts:
        if isinstance(entry, dict):
            found |= {k for k, v in entry.items() if v == TRUYXUAT_BIZSTEP_NS}
    return found


def is_farm_step(value: Any, prefixes: set[str]) -> bool:
    if not isinstance(value, str):
        return False
    step = normalise_biz_step(value.strip())
    if step.startswith(TRUYXUAT_BIZSTEP_NS):
        return True
    prefix, colon, _rest = step.partition(":")
    return bool(colon) and prefix in prefixes


def diary_problems(events: list[dict[str, Any]], context: list[Any] | None) -> list[Problem]:
    """One problem per farm-diary event of `events` (none when this node is not a hub)."""
    if not hub_mode():
        return []
    shared = _prefixes(list(context or []))
    problems = []
    for index, event in enumerate(events):
        if not isinstance(event, dict):
            continue
        own = event.get("@context")
        prefixes = shared | _prefixes(own if isinstance(own, list) else [own])
        if is_farm_step(event.get("bizStep"), prefixes):
            problems.append(Problem(index, pointer(["epcisBody", "eventList", index, "bizStep"]), PROBLEM))
    return problems


def check_capture(events: list[dict[str, Any]], context: list[Any] | None) -> None:
    """Raise `EpcisError` naming each farm-diary event when this node is a hub (nothing is stored)."""
    problems = diary_problems(events, context)
    if problems:
        raise EpcisError(problems)
