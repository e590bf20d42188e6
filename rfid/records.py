"""What of a returnable asset goes into the ledger: who registered which GRAI and serial for which kind. Only what
never changes: where a gate last read it is an observation (`ReturnableAsset.last_seen_*`), not part of the leaf,
so the ledger audit recomputes the same leaf whatever the gates saw since."""

from __future__ import annotations

from typing import Any

from ledger.choices import LeafKind
from ledger.records import register
from rfid.models import ReturnableAsset


def asset_payload(asset: ReturnableAsset) -> dict[str, Any]:
    return {
        "organization_tax_code": asset.organization.tax_code,
        "grai": asset.grai,
        "serial": asset.serial,
        "kind": asset.asset_type.name,
    }


def register_all() -> None:
    register(LeafKind.RETURNABLE_ASSET, ReturnableAsset, asset_payload)
