"""What of the exchanges goes into the ledger: open-data files (by hash) and EUDR statements."""

from __future__ import annotations

from typing import Any

from ledger.choices import LeafKind
from ledger.records import register

KIND_DATASET = LeafKind.OPEN_DATA
KIND_DDS = LeafKind.DUE_DILIGENCE


def file_payload(f: Any) -> dict[str, Any]:
    return {
        "release": f.release_id,
        "dataset": f.dataset,
        "path": f.path,
        "media_type": f.media_type,
        "rows": f.rows,
        "size": f.size,
        "sha256": f.sha256,
    }


def statement_payload(s: Any) -> dict[str, Any]:
    covers = (
        {"shipment": str(s.shipment.public_id)} if s.shipment_id else {"subject": f"{s.subject_kind}:{s.subject_key}"}
    )
    return {
        "organization": s.organization_id,
        **covers,
        "commodity": s.commodity,
        "hs_code": s.hs_code,
        "plot_count": s.plot_count,
        "geojson_sha256": s.geojson_sha256,
        "forest_layer": s.forest_layer,
        "status": s.status,
        "reference_number": s.reference_number,
        "verification_number": s.verification_number,
    }


def register_all() -> None:
    from exchange.models import DueDiligenceStatement, OpenDataFile

    register(KIND_DATASET, OpenDataFile, file_payload)
    register(KIND_DDS, DueDiligenceStatement, statement_payload)
