"""Deterministic identifiers: the same seed always yields the same ids, keys and tokens.

Each kind of id has its own counter, and each value is derived by hashing
``(seed, kind, n)``, so adding a call of one kind (say, a request id) never
shifts the ids of another kind (say, access keys). Counters are taken under a
lock, so threads never receive the same id.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import uuid

# Unique-ID prefixes (IAM User Guide, "IAM identifiers").
PREFIXES = {
    "user": "AIDA",
    "role": "AROA",
    "group": "AGPA",
    "policy": "ANPA",
    "policy_version": "ANVA",
    "instance_profile": "AIPA",
    "access_key": "AKIA",
    "temporary_key": "ASIA",
}

_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_TOKEN_PREFIX = "IQoJb3JpZ2luX2VjE"


class IdGenerator:
    """Seeded source of every identifier a lab hands out."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._counters: dict[str, int] = {}
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        return {"seed": self.seed, "_counters": dict(self._counters)}

    def __setstate__(self, state: dict) -> None:
        self.seed = state["seed"]
        self._counters = dict(state["_counters"])
        self._lock = threading.Lock()

    def counters(self) -> dict[str, int]:
        """How many ids of each kind were handed out (to save and :meth:`set_counters`)."""
        with self._lock:
            return dict(self._counters)

    def set_counters(self, counters: dict[str, int]) -> None:
        """Continue from saved counters (a restored snapshot, an undone call)."""
        with self._lock:
            self._counters = dict(counters)

    def _bytes(self, kind: str, length: int) -> bytes:
        with self._lock:
            n = self._counters.get(kind, 0)
            self._counters[kind] = n + 1
        out = b""
        block = 0
        while len(out) < length:
            out += hashlib.sha256(f"{self.seed}:{kind}:{n}:{block}".encode()).digest()
            block += 1
        return out[:length]

    def _chars(self, kind: str, alphabet: str, length: int) -> str:
        return "".join(alphabet[b % len(alphabet)] for b in self._bytes(kind, length))

    def unique_id(self, kind: str) -> str:
        """A 21-character unique id such as ``AIDA`` + 17 base32 characters."""
        return PREFIXES[kind] + self._chars(kind, _BASE32, 17)

    def access_key_id(self, temporary: bool = False) -> str:
        """A 20-character access key id: ``AKIA...`` (long-term) or ``ASIA...`` (temporary)."""
        kind = "temporary_key" if temporary else "access_key"
        return PREFIXES[kind] + self._chars(kind, _BASE32, 16)

    def secret_access_key(self) -> str:
        """A 40-character secret access key."""
        return self._chars("secret", _B64, 40)

    def session_token(self, min_size: int = 0) -> str:
        """An opaque session token (base64 text, like STS's) of at least ``min_size``
        characters (STS's ``MinimumSessionTokenSize``, in bytes of ASCII text)."""
        size = max(150, -(-(min_size - len(_TOKEN_PREFIX)) * 3 // 4))
        return _TOKEN_PREFIX + base64.b64encode(self._bytes("token", size)).decode()

    def request_id(self) -> str:
        """A request id in UUID form."""
        return str(uuid.UUID(bytes=self._bytes("request", 16), version=4))

    def mfa_seed(self) -> str:
        """A 32-character base32 TOTP seed (160 bits)."""
        return base64.b32encode(self._bytes("mfa_seed", 20)).decode()

    def reset(self) -> None:
        """Forget all counters: the next ids repeat those of a fresh generator."""
        with self._lock:
            self._counters.clear()
