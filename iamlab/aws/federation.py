"""Lab-minted web identity tokens (the lab plays the OIDC identity provider).

A token looks like a JWT (``header.claims.signature``, base64url) but is signed
with an HMAC key derived from the lab's seed: only tokens minted by
:meth:`Lab.web_identity_token` verify. This keeps AssumeRoleWithWebIdentity
honest (a forged or altered token fails) without any network or real IdP.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _key(seed: int) -> bytes:
    return hashlib.sha256(f"iamlab-oidc:{seed}".encode()).digest()


def mint(seed: int, claims: dict[str, Any]) -> str:
    """A signed token carrying ``claims``."""
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "iamlab"}).encode())
    body = _b64(json.dumps(claims, sort_keys=True).encode())
    sig = hmac.new(_key(seed), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(sig)}"


def verify(seed: int, token: str) -> dict[str, Any] | None:
    """The claims of a token this lab minted, or None if it is not one."""
    try:
        head, body, sig = token.split(".")
        want = hmac.new(_key(seed), f"{head}.{body}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(want, _unb64(sig)):
            return None
        claims = json.loads(_unb64(body))
    except (ValueError, TypeError):
        return None
    return claims if isinstance(claims, dict) else None
