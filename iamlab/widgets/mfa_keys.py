"""The MFA condition-key playground: which credentials carry which keys, what operators say.

Pure functions over the policy engine (no lab), for notebook 01's panel and matrix.
"""

from __future__ import annotations

from typing import Any

from iamlab import evaluate
from iamlab.policy import Decision

# each kind of credentials, and the principal that signs a request with them
PRINCIPALS = {
    "long-term access keys": "arn:aws:iam::111111111111:user/Sofia",
    "GetSessionToken without MFA": "arn:aws:iam::111111111111:user/Sofia",
    "GetSessionToken with MFA": "arn:aws:iam::111111111111:user/Sofia",
    "AssumeRole with MFA (role session)": (
        "arn:aws:sts::111111111111:assumed-role/EC2Operator/Sofia"
    ),
    "GetFederationToken (federated user)": "arn:aws:sts::111111111111:federated-user/Sofia",
    "AssumeRoleWithWebIdentity (role session)": (
        "arn:aws:sts::111111111111:assumed-role/WebOperator/sofia"
    ),
}
CREDENTIALS = tuple(PRINCIPALS)
OPERATORS = ("Bool", "BoolIfExists")
ISSUED = "2026-01-15T09:00:00Z"


def context_for(credentials: str, mfa_age: int = 0) -> dict[str, str]:
    """The MFA keys a request carries (FACTS part A.1, the lab's default role-session mode)."""
    if credentials == "long-term access keys":
        return {}
    if credentials == "GetSessionToken with MFA":
        return {
            "aws:MultiFactorAuthPresent": "true",
            "aws:MultiFactorAuthAge": str(mfa_age),
            "aws:TokenIssueTime": ISSUED,
        }
    if credentials in ("GetSessionToken without MFA", "AssumeRole with MFA (role session)"):
        return {"aws:MultiFactorAuthPresent": "false", "aws:TokenIssueTime": ISSUED}
    if credentials in CREDENTIALS:  # federated identities: no MFA keys at all (FACTS A.1)
        return {"aws:TokenIssueTime": ISSUED}
    raise ValueError(f"credentials must be one of {CREDENTIALS}, not {credentials!r}")


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
        resource="arn:aws:ec2:us-east-1:111111111111:instance/i-0123456789abcdef0",
        principal=PRINCIPALS[credentials],
        context=context_for(credentials, mfa_age),
        identity_policies=[mfa_policy(operator, max_age)],
    )
