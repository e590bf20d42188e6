"""What of the analysis goes into the ledger: a flag's state when it is dismissed or contested (its kind,
subject, figures and the reason), so a dismissal cannot be quietly undone."""

from __future__ import annotations

from typing import Any

from ledger.choices import LeafKind
from ledger.records import register

KIND_FLAG = LeafKind.ANALYSIS_FLAG


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


def register_all() -> None:
    from analysis.models import Flag

    register(KIND_FLAG, Flag, flag_payload)
