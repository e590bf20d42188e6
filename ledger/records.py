"""Canonical record payloads for the ledger, and the registry the tamper audit recomputes leaves from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from gs1.canonical import canonical_bytes


@dataclass(frozen=True)
class RecordType:
    """How a model's rows become ledger leaves."""

    kind: str
    model: type[models.Model]
    payload: Callable[[Any], dict[str, Any]]


REGISTRY: dict[str, RecordType] = {}


def register(kind: str, model: type[models.Model], payload: Callable[[Any], dict[str, Any]]) -> None:
    REGISTRY[model._meta.label_lower] = RecordType(kind=kind, model=model, payload=payload)


def record_bytes(instance: models.Model) -> bytes:
    """The leaf data of a registered record in its current state."""
    record_type = REGISTRY[instance._meta.label_lower]
    return canonical_bytes(
        {"type": instance._meta.label_lower, "id": str(instance.pk), "data": record_type.payload(instance)}
    )
