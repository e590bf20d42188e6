"""What of the analysis goes into the ledger: a flag's state when it is dismissed or contested (its kind,
subject, figures and the reason), so a dismissal cannot be quietly undone; a learned yield range when an officer
accepts or rejects it."""

from __future__ import annotations

from typing import Any

from ledger.choices import LeafKind
from ledger.records import register

KIND_FLAG = LeafKind.ANALYSIS_FLAG
KIND_YIELD = LeafKind.ANALYSIS_YIELD


def flag_payload(f: Any) -> dict[str, Any]:
    return {
        "kind": f.kind,
        "fingerprint": f.fingerprint,
        "organization": f.organization_id,
        "facts": f.facts,
        "thresholds": f.thresholds,
        "status": f.status,
        "dismissed_at": f.dismissed_at.isoformat() if f.dismissed_at else None,
        "dismiss_reason": f.dismiss_reason,
        "contested_at": f.contested_at.isoformat() if f.contested_at else None,
        "contest_note": f.contest_note,
    }


def proposal_payload(p: Any) -> dict[str, Any]:
    """A learned yield range when an officer accepts or rejects it: the figures, how they were learned, the
    decision and the table version it became."""
    return {
        "crop": p.crop_key,
        "province": p.province_code,
        "min_kg_per_ha_year": str(p.min_kg_per_ha_year),
        "max_kg_per_ha_year": str(p.max_kg_per_ha_year),
        "stats": p.stats,
        "settings": p.settings_version,
        "status": p.status,
        "version": p.reference.version if p.reference_id else None,
        "decided_at": p.decided_at.isoformat() if p.decided_at else None,
        "decision_note": p.decision_note,
    }


def register_all() -> None:
    from analysis.models import Flag, YieldProposal

    register(KIND_FLAG, Flag, flag_payload)
    register(KIND_YIELD, YieldProposal, proposal_payload)
