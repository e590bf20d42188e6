"""Returnable assets (crates, bins): an organisation registers them by kind, each kind one GRAI-13 allocated from the
organisation's GS1 company prefix (`catalog.services.common.allocate_key`, the allocator of every key), each asset
a serial under it: the GRAI-96 its tag carries (`rfid.labels.asset_label`). Registering writes the assets, their
audit entries and one ledger leaf each in one transaction.

A gate's read of a GRAI-96 is the asset's observation (`observe`, called by `rfid.services.record_batch` inside its
transaction): where and when a read point last saw it, at any organisation's gate (a crate lent to a roaster is
found there); it never goes into an EPCIS event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.permissions import Actor, can_write, person, require
from catalog.models import Organization
from catalog.services.common import allocate_key, prefix_for
from core import audit
from core.choices import AuditAction
from ledger.records import REGISTRY, record_bytes
from ledger.services import append_many
from rfid.models import AssetType, ReadPoint, ReturnableAsset

MAX_PER_CALL = 500
MAX_SERIAL = 2**38 - 1  # GRAI-96's serial field (TDS §14.5.4)


def _error(name: str, message: str) -> ValidationError:
    return ValidationError({name: [message]})


def _count(value: Any) -> int:
    try:
        count = int(str(value).strip())
    except (TypeError, ValueError):
        raise _error("count", _("Nhập số lượng là số nguyên.")) from None
    if not 1 <= count <= MAX_PER_CALL:
        raise _error("count", _("Mỗi lần đăng ký từ 1 đến %(max)s tài sản.") % {"max": MAX_PER_CALL})
    return count


@transaction.atomic
def register_assets(*, actor: Actor, organization: Organization, data: dict[str, Any]) -> list[ReturnableAsset]:
    """Register `count` assets of the kind named `kind` (e.g. "Sọt cà phê"): the kind's GRAI-13 is allocated the
    first time, then each asset takes the kind's next serial. Members of the organisation (or a platform admin)."""
    require(can_write(actor, organization))
    name = " ".join(str(data.get("kind") or "").split())
    if not name:
        raise _error("kind", _("Nhập loại tài sản, ví dụ Sọt cà phê."))
    if len(name) > 80:
        raise _error("kind", _("Tên loại tài sản tối đa 80 ký tự."))
    count = _count(data.get("count"))
    kind = _kind(actor, organization, name)
    first = kind.next_serial
    if first + count - 1 > MAX_SERIAL:
        raise _error("count", _("Loại tài sản này đã hết số sê-ri."))
    who = person(actor)
    assets = ReturnableAsset.objects.bulk_create(
        ReturnableAsset(asset_type=kind, organization=organization, grai=kind.grai, serial=str(serial), created_by=who)
        for serial in range(first, first + count)
    )
    kind.next_serial = first + count
    kind.save(update_fields=["next_serial"])
    for asset in assets:
        audit.record(actor=actor, action=AuditAction.CREATE, instance=asset, organization_id=organization.pk)
    label = ReturnableAsset._meta.label_lower
    leaf_kind = REGISTRY[label].kind
    append_many((leaf_kind, record_bytes(asset), label, str(asset.pk)) for asset in assets)
    return assets


def _kind(actor: Actor, organization: Organization, name: str) -> AssetType:
    """The organisation's kind of that name, locked (its serials are counted on it); made with a new GRAI-13 the
    first time. Two registrations of a new kind at once: the second finds the first's (its GRAI not spent)."""
    found = AssetType.objects.select_for_update().filter(organization=organization, name=name).first()
    if found is not None:
        return found
    prefix = prefix_for(organization)
    try:
        with transaction.atomic():  # the GRAI is allocated inside: given back with the row if another got there
            kind = AssetType.objects.create(
                organization=organization, name=name, grai=allocate_key(prefix, "grai"), prefix_length=len(prefix)
            )
    except IntegrityError:
        return AssetType.objects.select_for_update().get(organization=organization, name=name)
    audit.record(actor=actor, action=AuditAction.CREATE, instance=kind, organization_id=organization.pk)
    return kind


def by_tag(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], ReturnableAsset]:
    """The registered assets among (GRAI-13, serial) pairs read from tags."""
    wanted = set(pairs)
    if not wanted:
        return {}
    rows = ReturnableAsset.objects.filter(grai__in={g for g, _s in wanted}, serial__in={s for _g, s in wanted})
    return {(a.grai, a.serial): a for a in rows if (a.grai, a.serial) in wanted}


def observe(seen: Iterable[tuple[ReturnableAsset, ReadPoint, dt.datetime]]) -> int:
    """Move each asset's last observation to the latest read (a read older than the one recorded changes nothing:
    readers' batches may arrive out of order). Inside the caller's transaction; returns the assets moved."""
    latest: dict[int, tuple[ReturnableAsset, ReadPoint, dt.datetime]] = {}
    for asset, point, when in seen:
        if asset.pk not in latest or when > latest[asset.pk][2]:
            latest[asset.pk] = (asset, point, when)
    moved = 0
    for asset, point, when in latest.values():
        moved += (
            ReturnableAsset.objects.filter(pk=asset.pk)
            .exclude(last_seen_at__gte=when)
            .update(last_seen_at=when, last_seen_point=point)
        )
    return moved
