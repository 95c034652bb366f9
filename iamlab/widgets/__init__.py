"""iamlab.widgets: panels that re-decide a story on every click, and decision matrices.

The names load on first use (``from iamlab.widgets import cross_account_panel``), so that
``import iamlab.widgets`` stays cheap: ipywidgets, boto3 and the stories come with the
first panel.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOMES = {
    "decision_matrix": "matrix",
    "style_matrix": "matrix",
    "Panel": "panels",
    "confused_deputy_panel": "panels",
    "cross_account_panel": "panels",
    "mfa_keys_panel": "panels",
    "resource_policy_s3_panel": "panels",
    "revoking_panel": "panels",
    "same_account_ec2_panel": "panels",
    "self_managed_mfa_panel": "panels",
    "View": "views",
    "attempts_table": "views",
    "explain_attempts": "views",
    "view": "views",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'iamlab.widgets' has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])


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
