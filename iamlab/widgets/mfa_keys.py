"""The MFA condition-key playground: which credentials carry which keys, what operators say.

The MFA keys of each kind of credentials come from :mod:`iamlab.scenarios.mfa_context`,
which reads them from a real lab; the decisions come from the policy engine.
"""

from __future__ import annotations

from typing import Any

from iamlab import evaluate
from iamlab.policy import Decision
from iamlab.scenarios import mfa_context

# the kinds of credentials the panel offers, in the order a learner meets them
CREDENTIALS = (
    mfa_context.LONG_TERM,
    mfa_context.GST,
    mfa_context.GST_MFA,
    mfa_context.AR_MFA,
    mfa_context.GFT,
)
OPERATORS = ("Bool", "BoolIfExists")
# MFA ages worth trying against "age < 3600 s": just inside and just outside the hour
AGE_CHOICES = (
    ("0 s", 0),
    ("5 min", 300),
    ("30 min", 1800),
    ("59 min", 3540),
    ("61 min", 3660),
    ("12 h", 43200),
)
MAX_AGE = 3600
RESOURCE = "arn:aws:ec2:us-east-1:111111111111:instance/i-0123456789abcdef0"


def context_for(credentials: str, mfa_age: int = 0) -> dict[str, str]:
    """The MFA keys a request signed with ``credentials`` carries ``mfa_age`` seconds after
    the credentials were issued (as the lab gives them)."""
    if credentials not in CREDENTIALS:
        raise ValueError(f"credentials must be one of {CREDENTIALS}, not {credentials!r}")
    return mfa_context.mfa_keys(credentials, mfa_age)


def principal_for(credentials: str) -> str:
    """The ARN that signs a request made with ``credentials``."""
    if credentials not in CREDENTIALS:
        raise ValueError(f"credentials must be one of {CREDENTIALS}, not {credentials!r}")
    return mfa_context.credential_table()[credentials].principal


def mfa_policy(
    operator: str = "Bool", max_age: int | None = None, effect: str = "Allow"
) -> dict[str, Any]:
    """The seed's EC2 policy with the chosen Bool operator and an optional age limit."""
    condition: dict[str, Any] = {operator: {"aws:MultiFactorAuthPresent": "true"}}
    if max_age is not None:
        condition["NumericLessThan"] = {"aws:MultiFactorAuthAge": str(max_age)}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "StopTerminateWithMFA",
                "Effect": effect,
                "Action": ["ec2:StopInstances", "ec2:TerminateInstances"],
                "Resource": ["*"],
                "Condition": condition,
            }
        ],
    }


def decide(
    credentials: str, operator: str = "Bool", mfa_age: int = 0, max_age: int | None = None
) -> Decision:
    """Sofia stops an instance with ``credentials``; the policy uses ``operator``.

    The same permissions policy is evaluated for every kind (as if the role, or the session
    policy of a federated user, granted it): only the request context differs.
    """
    return evaluate(
        action="ec2:StopInstances",
        resource=RESOURCE,
        principal=principal_for(credentials),
        context=context_for(credentials, mfa_age),
        identity_policies=[mfa_policy(operator, max_age)],
    )
