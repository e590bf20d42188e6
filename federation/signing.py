"""Signed requests between nodes: HTTP Message Signatures (RFC 9421) with Ed25519 (§3.3.6).

A request covers ``@method``, ``@authority`` and ``@target-uri`` and, when it has a body, its ``content-digest``
(RFC 9530, SHA-256); ``keyid`` is the sender's origin, its public key the one in its identity (`Peer.http_public_key`).
Signatures older than `MAX_AGE` are refused.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import http_message_signatures as hms
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from http_message_signatures import algorithms

LABEL = "truyxuat"
TAG = "truyxuat-federation"  # RFC 9421 §2.3 `tag`: the application the signature is for
MAX_AGE = dt.timedelta(minutes=5)
COMPONENTS = ("@method", "@authority", "@target-uri")


class SignatureError(ValueError):
    """A request whose signature is missing, unknown or invalid."""


@dataclass
class Message:
    """What the library reads of a request: method, absolute URL, headers."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)


class _Keys(hms.HTTPSignatureKeyResolver):
    def __init__(self, private: Ed25519PrivateKey | None = None, public: Mapping[str, str] | None = None) -> None:
        self.private = private
        self.public = public or {}

    def resolve_private_key(self, key_id: str) -> Ed25519PrivateKey:
        assert self.private is not None
        return self.private

    def resolve_public_key(self, key_id: str) -> Ed25519PublicKey:
        raw = self.public.get(key_id)
        if raw is None:
            raise SignatureError(f"unknown keyid {key_id!r}")
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(raw))


def sign(method: str, url: str, key: Ed25519PrivateKey, keyid: str, body: bytes | None = None) -> dict[str, str]:
    """The headers that sign this request (Signature-Input, Signature, and Content-Digest with a body)."""
    message = Message(method, url, {})
    signer = hms.HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=_Keys(private=key))
    signer.sign(message, key_id=keyid, label=LABEL, tag=TAG, covered_component_ids=COMPONENTS, body=body)
    return message.headers


def verify(method: str, url: str, headers: Mapping[str, str], body: bytes, public_keys: Mapping[str, str]) -> str:
    """The keyid of a valid signature by one of `public_keys` ({keyid: base64 Ed25519 key}); else `SignatureError`."""
    wanted = ("signature-input", "signature")
    picked = {k: v for k, v in headers.items() if k.lower() in (*wanted, "content-digest")}
    if not all(any(k.lower() == w for k in picked) for w in wanted):
        raise SignatureError("unsigned request")
    verifier = hms.HTTPMessageVerifier(signature_algorithm=algorithms.ED25519, key_resolver=_Keys(public=public_keys))
    try:
        results = verifier.verify(
            Message(method, url, picked),
            max_age=MAX_AGE,
            expect_tag=TAG,
            require_components=COMPONENTS,
            body=body if body else None,
        )
    except SignatureError:
        raise
    except (hms.HTTPMessageSignaturesException, ValueError, KeyError) as exc:
        raise SignatureError(str(exc)) from exc
    params: dict[str, Any] = dict(results[0].parameters)
    return str(params["keyid"])
