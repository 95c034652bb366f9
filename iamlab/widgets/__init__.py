"""iamlab.widgets: panels that re-decide a story on every click, and decision matrices."""

from .matrix import decision_matrix, style_matrix
from .panels import (
    Panel,
    confused_deputy_panel,
    cross_account_panel,
    mfa_keys_panel,
    resource_policy_s3_panel,
    revoking_panel,
    same_account_ec2_panel,
    self_managed_mfa_panel,
)
from .views import View, attempts_table, explain_attempts, view

__all__ = [
    "Panel",
    "View",
    "attempts_table",
    "confused_deputy_panel",
    "cross_account_panel",
    "decision_matrix",
    "explain_attempts",
    "mfa_keys_panel",
    "resource_policy_s3_panel",
    "revoking_panel",
    "same_account_ec2_panel",
    "self_managed_mfa_panel",
    "style_matrix",
    "view",
]
