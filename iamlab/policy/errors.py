"""The error raised for policy documents IAM would reject."""

from __future__ import annotations


class PolicyError(ValueError):
    """A policy document IAM would reject with ``MalformedPolicyDocument``.

    ``message`` is worded like IAM's; ``location`` names the offending element
    (for example ``Statement[1].Condition``) when one can be named.
    """

    code = "MalformedPolicyDocument"

    def __init__(self, message: str, location: str | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(f"{message} (at {location})" if location else message)
