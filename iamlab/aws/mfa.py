"""MFA devices: RFC 6238 TOTP at the lab's virtual clock (6 digits, 30 s, SHA-1).

Rules (``docs/aws-behaviour.md``, "Lab decisions" D2): a code is accepted for the
current step and one step either side; a code already accepted for the same device
is refused if presented again; EnableMFADevice and ResyncMFADevice need two
consecutive codes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

import pyotp

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1  # steps either side of the current one
RESYNC_WINDOW = 20  # ResyncMFADevice looks this many steps either side (10 minutes)


def step_at(when: datetime) -> int:
    """The TOTP time step (counter) that contains ``when``."""
    return int(when.timestamp()) // STEP_SECONDS


def code_for_step(seed: str, step: int) -> str:
    """The 6-digit code for one time step."""
    return pyotp.TOTP(seed, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def otpauth_uri(device_name: str, account_name: str, seed: str) -> str:
    """The provisioning URI a virtual MFA QR code encodes (IAM API reference)."""
    label = quote(f"{device_name}@{account_name}", safe="@")
    return f"otpauth://totp/{label}?secret={seed}"


def qr_png(uri: str) -> bytes | None:
    """A real PNG of the QR code for ``uri`` (made with segno), or None without segno.

    segno comes with the ``lab`` extra; ``pip install iamlab`` alone still emulates
    MFA devices, and CreateVirtualMFADevice then omits the optional ``QRCodePNG``.
    """
    try:
        import segno
    except ImportError:
        return None
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="png", scale=4)
    return buffer.getvalue()


@dataclass
class MfaDevice:
    """A virtual MFA device (the lab is also the learner's phone)."""

    serial: str
    name: str
    path: str
    account: str
    seed: str
    created: datetime
    user: str | None = None  # user name once enabled
    enable_date: datetime | None = None
    used_steps: set[int] = field(default_factory=set)
    server_offset: int = 0  # steps learned by ResyncMFADevice
    phone_skew: int = 0  # seconds the phone's clock is off (for resync lessons)

    @property
    def assigned(self) -> bool:
        """True once EnableMFADevice has associated the device with a user."""
        return self.user is not None

    def phone_code(self, now: datetime) -> str:
        """The code the phone displays at ``now`` (including any phone clock skew)."""
        return code_for_step(self.seed, (int(now.timestamp()) + self.phone_skew) // STEP_SECONDS)

    def _match(self, code: str, centre: int, window: int) -> list[int]:
        return [
            s
            for s in range(centre - window, centre + window + 1)
            if s >= 0 and code_for_step(self.seed, s) == code
        ]

    def accept(self, code: str, now: datetime) -> bool:
        """Check one code; on success remember it so it cannot be used again."""
        if not (isinstance(code, str) and len(code) == DIGITS and code.isdigit()):
            return False
        centre = step_at(now) + self.server_offset
        for s in self._match(code, centre, WINDOW):
            if s not in self.used_steps:
                self.used_steps.add(s)
                return True
        return False

    def was_used(self, code: str, now: datetime) -> bool:
        """True when ``code`` is one of this device's codes of the accepted window that was
        already accepted once (so refusing it means "used twice", not "wrong")."""
        centre = step_at(now) + self.server_offset
        return any(s in self.used_steps for s in self._match(code, centre, WINDOW))

    def accept_pair(self, code1: str, code2: str, now: datetime, resync: bool = False) -> bool:
        """Two consecutive codes (Enable/ResyncMFADevice); resync also learns the offset."""
        centre = step_at(now) + (0 if resync else self.server_offset)
        window = RESYNC_WINDOW if resync else WINDOW
        for s2 in self._match(code2, centre, window):
            s1 = s2 - 1
            if s1 in self.used_steps or s2 in self.used_steps:
                continue
            if code_for_step(self.seed, s1) == code1:
                self.used_steps.update((s1, s2))
                if resync:
                    self.server_offset = s2 - step_at(now)
                return True
        return False
