"""The producer workspace API (mounted at /api/v1/workspace/): every page action, through the same services.

Authentication: a signed-in member's session (CSRF token required on writes; `?organization=<tax code>`
or header `X-Organization` picks one of several organisations) or `Authorization: Bearer <token>` of an API
token created in the workspace (it acts as the member who created it). Errors are RFC 7807 problem JSON.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from workspace import selectors
from workspace.apis import diary, lots, profile
from workspace.auth import AUTH, caller

router = Router(tags=["workspace"])
router.add_router("", diary.router)
router.add_router("", lots.router)
router.add_router("", profile.router)


class AttentionOut(Schema):
    organization: str
    pending_receipts: int
    awaiting_receiver: int
    expiring_certificates: int
    blocked_lots: int
    new_feedback: int
    draft_lots: int


@router.get("/attention", auth=AUTH, response=AttentionOut, summary="What needs attention now (dashboard counts)")
def attention(request: HttpRequest) -> dict[str, Any]:
    c = caller(request)
    a = selectors.attention(c.organization, c.actor)
    return {
        "organization": c.organization.tax_code,
        "pending_receipts": len(a.pending_receipts),
        "awaiting_receiver": a.awaiting_receiver,
        "expiring_certificates": len(a.expiring_certificates),
        "blocked_lots": len(a.blocked),
        "new_feedback": len(a.new_feedback),
        "draft_lots": a.drafts,
    }
