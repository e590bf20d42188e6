"""Device secrets in Mosquitto's own hash format (`$7$<iterations>$<salt>$<PBKDF2-SHA512>`, as `mosquitto_passwd`
writes), so the broker's password file holds the stored hash as is and HTTP checks the same. Pure."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

ITERATIONS = 101  # mosquitto_passwd's; the secret is 32 random bytes, so stretching adds nothing


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", secret.encode(), salt, ITERATIONS)
    return f"$7${ITERATIONS}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def check_secret(secret: str, stored: str) -> bool:
    try:
        _empty, kind, iterations, salt, digest = stored.split("$")
        if kind != "7":
            return False
        mine = hashlib.pbkdf2_hmac("sha512", secret.encode(), base64.b64decode(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(base64.b64encode(mine).decode(), digest)
