"""The one exception the emulator raises for every service error.

A :class:`LabError` becomes a real ``botocore.exceptions.ClientError`` (or its
modeled subclass, e.g. ``iam.exceptions.NoSuchEntityException``) in the learner's
code: the bridge turns it into a parsed error response with ``Error.Code``,
``Error.Message`` and the HTTP status in ``ResponseMetadata``.
"""

from __future__ import annotations


class LabError(Exception):
    """A service error with an AWS error code, message and HTTP status.

    ``note`` is the lab's own word on the error, shown in the trail only (never in the
    message boto3 sees), where AWS words two different failures alike.
    """

    def __init__(self, code: str, message: str, status: int = 400, note: str = "") -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.note = note


class LabUsageError(ValueError):
    """A mistake in how the lab itself is driven (not an AWS error)."""
