"""Captured documents kept as they were sent, beside their capture job (issue 19 item 4).

An XML document (EPCIS 2.0, or 1.x mapped to 2.0 by `events.epcis.xml12`) is stored as JSON events; the bytes
that were sent are kept too (`CaptureOriginal`), in the capture's own transaction: the events and their
original commit together or not at all. Reads: `original_for` (who sees the capture job sees its original).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from typing import Any

from lxml import etree

from accounts.permissions import Actor
from core.audit import record
from core.choices import AuditAction
from core.errors import Forbidden
from core.storage.writelock import capture_transaction
from events.auth import can_capture
from events.epcis import EpcisDocument
from events.epcis.xml import EPCIS_1_NS
from events.models import Capture, CaptureOriginal
from events.services.capture import AfterCapture, CaptureResult, capture_document

__all__ = ["capture_with_original", "keep_original", "original_for", "schema_version_of"]


def schema_version_of(data: bytes) -> str:
    """The EPCIS version an XML document says it is (its root's schemaVersion; 1.x by its namespace), read from
    the root's start tag only (no entities, no DTD, no network); empty when it cannot be read."""
    try:
        for _event, root in etree.iterparse(
            io.BytesIO(data), events=("start",), resolve_entities=False, no_network=True, load_dtd=False
        ):
            version = (root.get("schemaVersion") or "").strip()[:8]
            if not version and etree.QName(root).namespace == EPCIS_1_NS:
                return "1.x"
            return version
    except etree.XMLSyntaxError:
        return ""
    return ""


def keep_original(*, actor: Actor, capture: Capture, original: bytes, media_type: str) -> CaptureOriginal:
    """Store the document as sent beside `capture` (call inside the capture's transaction), with its audit
    entry. Only who may capture for the job's organisation keeps an original for it."""
    if not can_capture(actor, capture.organization):
        raise Forbidden()
    row = CaptureOriginal.objects.create(
        capture=capture,
        media_type=media_type[:100],
        schema_version=schema_version_of(original),
        sha256=hashlib.sha256(original).hexdigest(),
        body=original,
    )
    record(
        actor=actor,
        action=AuditAction.CAPTURE,
        instance=row,
        after={
            "capture_id": str(capture.capture_id),
            "media_type": row.media_type,
            "schema_version": row.schema_version,
            "sha256": row.sha256,
            "bytes": len(original),
        },
        organization_id=capture.organization_id,
    )
    return row


def capture_with_original(
    *,
    actor: Actor,
    organization: Any,
    document: EpcisDocument,
    original: bytes,
    media_type: str,
    source: str = "api",
    after: Sequence[AfterCapture] = (),
) -> CaptureResult:
    """`capture_document` (validated while prepared) and the original kept beside the job, all or nothing."""
    with capture_transaction():
        result = capture_document(
            actor=actor, organization=organization, document=document, source=source, validate=True, after=after
        )
        keep_original(actor=actor, capture=result.capture, original=original, media_type=media_type)
    return result


def original_for(capture: Capture) -> CaptureOriginal | None:
    """The original document of a capture job, if one was kept."""
    return CaptureOriginal.objects.filter(capture=capture).first()
