"""iamlab.scenarios: one builder per seed story, each returning a ready lab and its actors."""

from .base import Actor, Attempt, Scenario, build_world, enable_virtual_mfa
from .stories import (
    ConfusedDeputy,
    CrossAccount,
    ResourcePolicyS3,
    Revoking,
    SameAccountEC2,
    SelfManagedMFA,
    build_confused_deputy,
    build_cross_account,
    build_resource_policy_s3,
    build_revoking,
    build_same_account_ec2,
    build_self_managed_mfa,
)

BUILDERS = {
    "cross-account": build_cross_account,
    "same-account-ec2": build_same_account_ec2,
    "resource-policy-s3": build_resource_policy_s3,
    "self-managed-mfa": build_self_managed_mfa,
    "revoking-sessions": build_revoking,
    "confused-deputy": build_confused_deputy,
}

__all__ = [
    "BUILDERS",
    "Actor",
    "Attempt",
    "ConfusedDeputy",
    "CrossAccount",
    "ResourcePolicyS3",
    "Revoking",
    "SameAccountEC2",
    "Scenario",
    "SelfManagedMFA",
    "build_confused_deputy",
    "build_cross_account",
    "build_resource_policy_s3",
    "build_revoking",
    "build_same_account_ec2",
    "build_self_managed_mfa",
    "build_world",
    "enable_virtual_mfa",
]
