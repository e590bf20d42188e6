"""A node's identity: a signed note, served at ``/.well-known/truyxuat-node``.

The note's text is ``truyxuat-node/v1`` then the canonical JSON of the identity on one line; it is signed with the
node's ledger key (c2sp.org/signed-note), so the one key an admin confirms out of band (by its fingerprint) vouches
for the rest: the witness key (cosignature/v1), the key of its signed requests (RFC 9421, Ed25519), its base URL and
the GS1 company prefixes and GLNs it is authoritative for (its approved organisations' prefixes, the provincial
prefix, its organisations' and facilities' GLNs).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from catalog.choices import OrganizationStatus
from catalog.models import Facility, Organization
from federation.keys import node_keys
from gs1.canonical import canonical_bytes
from ledger import checkpoints, note

HEADER = "truyxuat-node/v1"


class IdentityError(ValueError):
    """The identity document is malformed or not signed by the expected key."""


def prefixes() -> list[str]:
    own = Organization.objects.filter(status=OrganizationStatus.APPROVED).exclude(gs1_company_prefix="")
    found = {p for p in own.values_list("gs1_company_prefix", flat=True) if p}
    found.add(settings.TRUYXUAT_PROVINCIAL_GS1_PREFIX)
    return sorted(found)


def glns() -> list[str]:
    orgs = [g for g in Organization.objects.exclude(gln=None).values_list("gln", flat=True) if g]
    return sorted({*orgs, *Facility.objects.values_list("gln", flat=True)})


def document() -> dict[str, Any]:
    keys = node_keys()
    return {
        "type": HEADER,
        "origin": checkpoints.origin(),
        "name": settings.TRUYXUAT_FEDERATION_NAME or checkpoints.origin(),
        "base_url": settings.TRUYXUAT_PORTAL_URL,
        "province_code": settings.TRUYXUAT_PROVINCE_CODE,
        "hub": bool(settings.TRUYXUAT_FEDERATION_HUB),
        "ledger_key": checkpoints.verifier_key(),
        "witness_key": keys.witness_key,
        "http_signature": {"alg": "ed25519", "keyid": checkpoints.origin(), "public_key": keys.http_public},
        "gs1_prefixes": prefixes(),
        "glns": glns(),
    }


def signed_document() -> str:
    text = HEADER + "\n" + canonical_bytes(document()).decode("utf-8") + "\n"
    return note.sign_note(text, checkpoints.signer())


def open_document(signed: str, ledger_key: str) -> dict[str, Any]:
    """The identity in `signed`, verified with the peer's ledger key; raises `IdentityError`."""
    try:
        verifier = note.parse_verifier_key(ledger_key.strip())
        text, _sigs = note.open_note(signed, [verifier])
    except note.NoteError as exc:
        raise IdentityError(str(exc)) from exc
    header, _, body = text.partition("\n")
    try:
        doc = json.loads(body)
    except ValueError as exc:
        raise IdentityError("not JSON") from exc
    if header != HEADER or not isinstance(doc, dict) or doc.get("ledger_key") != ledger_key.strip():
        raise IdentityError("not a truyxuat node identity for this key")
    if doc.get("origin") != verifier.name:
        raise IdentityError("the identity's origin is not the key's name")
    for field in ("base_url", "witness_key", "http_signature", "gs1_prefixes", "glns"):
        if field not in doc:
            raise IdentityError(f"missing {field}")
    return doc
