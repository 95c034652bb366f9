"""iamlab: an offline teaching lab for AWS IAM.

``evaluate`` decides one request from policies; ``Lab`` is an emulated AWS
driven with real boto3 clients.  Both are the public contract, described in
``docs/architecture.md`` ("The public contract"); the AWS rules they follow are
in ``docs/aws-behaviour.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .policy import Decision, Policy, PolicyError, evaluate, parse_policy, validate_policy

if TYPE_CHECKING:
    from .aws import Lab

__all__ = [
    "Decision",
    "Lab",
    "Policy",
    "PolicyError",
    "evaluate",
    "parse_policy",
    "validate_policy",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Lab pulls in boto3; load it only when asked so `from iamlab import evaluate` stays fast.
    if name == "Lab":
        from .aws import Lab

        return Lab
    raise AttributeError(f"module 'iamlab' has no attribute {name!r}")
