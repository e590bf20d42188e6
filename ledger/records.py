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
    return leaf_bytes(instance._meta.label_lower, str(instance.pk), canonical_bytes(record_type.payload(instance)))


def leaf_bytes(record_type: str, record_id: str, data: bytes) -> bytes:
    """A record's leaf: the canonical JSON of ``{"type": record_type, "id": record_id, "data": …}`` (keys sorted:
    data, id, type) with `data` already canonical, spliced rather than encoded again (an EPCIS capture has each
    event's canonical body at hand). Canonical JSON nests: the bytes are those of the whole object encoded at once."""
    return b'{"data":' + data + b',"id":' + _string(record_id) + b',"type":' + _string(record_type) + b"}"


def _string(text: str) -> bytes:
    if text.isascii() and text.isdigit():  # primary keys: nothing to escape
        return b'"' + text.encode() + b'"'
    return canonical_bytes(text)
