"""IAM roles: create with a trust policy, read, update the trust policy, delete."""

from __future__ import annotations

from ...policy.glob import glob
from ..authz import parse
from ..errors import LabError
from ..state import Role, StoredPolicy
from ._call import Call
from ._iam_common import (
    check_path,
    check_tags,
    exists,
    get_role,
    invalid_principal,
    missing_principal,
    page,
    role_arn,
    role_shape,
    under_path,
)
from ._registry import operation

TRUST_LIMIT = 2048  # default AssumeRolePolicySizeQuota (whitespace excluded)
# The actions a trust policy may name (IAM User Guide, "IAM JSON policy elements: Action"
# and the STS API reference: AssumeRole*, TagSession, SetSourceIdentity, SetContext).
TRUST_ACTIONS = (
    "assumerole",
    "assumerolewithsaml",
    "assumerolewithwebidentity",
    "tagsession",
    "setsourceidentity",
    "setcontext",
)
NON_STS_ACTION = "AssumeRole policy may only specify STS AssumeRole actions."


def _trust(call: Call, role_name: str, document: str) -> StoredPolicy:
    """Parse and check a trust policy: size, STS actions only, principals that exist."""
    if sum(1 for ch in document if not ch.isspace()) > TRUST_LIMIT:
        raise LabError(
            "LimitExceeded",
            f"Cannot exceed quota for ACLSizePerRole: {TRUST_LIMIT}",
            409,
        )
    parsed = parse(document, "trust", f"role/{role_name}: trust policy")
    for statement in parsed.statements:
        # NotAction would cover every other action too: refused the same way (lab reading)
        if statement.not_action or not all(_sts_action(a) for a in statement.actions.items):
            raise LabError("MalformedPolicyDocument", NON_STS_ACTION, 400)
    ghost = missing_principal(call.lab, parsed)
    if ghost is not None:
        raise invalid_principal(ghost)
    return StoredPolicy("trust", document, parsed)


def _sts_action(action: str) -> bool:
    """True for ``sts:`` actions that name (or, with wildcards, cover) a trust action.

    IAM refuses any other action in a trust policy, ``"*"`` included (lab reading of
    "AssumeRole policy may only specify STS AssumeRole actions.").
    """
    vendor, _, name = action.lower().partition(":")
    if vendor != "sts" or not name:
        return False
    return any(glob(name, True).match(t) for t in TRUST_ACTIONS)


@operation("iam", "CreateRole")
def create_role(call: Call, params: dict) -> dict:
    """A role; its trust policy says who may assume it."""
    acct = call.account_state()
    name = params["RoleName"]
    path = check_path(params.get("Path"))
    call.authorize("iam:CreateRole", acct.arn("role", path, name))
    tags = check_tags(params.get("Tags"))
    if acct.role(name):
        raise exists("Role", name)
    trust = _trust(call, name, params["AssumeRolePolicyDocument"])
    boundary = None
    if params.get("PermissionsBoundary"):
        from .iam_policies import boundary_policy

        boundary = boundary_policy(acct, params["PermissionsBoundary"]).arn
    role = Role(
        name,
        path,
        call.lab.ids.unique_id("role"),
        acct.arn("role", path, name),
        call.now,
        tags=tags,
        trust=trust,
        max_session_duration=params.get("MaxSessionDuration", 3600),
        description=params.get("Description", ""),
        boundary=boundary,
    )
    acct.roles[name.lower()] = role
    return {"Role": role_shape(role)}


@operation("iam", "GetRole")
def get_role_op(call: Call, params: dict) -> dict:
    """A role with its trust policy."""
    acct = call.account_state()
    call.authorize("iam:GetRole", role_arn(acct, params["RoleName"]))
    return {"Role": role_shape(get_role(acct, params["RoleName"]))}


@operation("iam", "ListRoles")
def list_roles(call: Call, params: dict) -> dict:
    """Roles, sorted by name."""
    acct = call.account_state()
    prefix = params.get("PathPrefix", "/")
    call.authorize("iam:ListRoles", f"arn:aws:iam::{acct.account_id}:role{prefix}")
    return page([role_shape(r) for r in under_path(acct.roles.values(), params)], params, "Roles")


@operation("iam", "UpdateAssumeRolePolicy")
def update_assume_role_policy(call: Call, params: dict) -> dict:
    """Replace the trust policy (takes effect for the next AssumeRole at once)."""
    acct = call.account_state()
    call.authorize("iam:UpdateAssumeRolePolicy", role_arn(acct, params["RoleName"]))
    role = get_role(acct, params["RoleName"])
    role.trust = _trust(call, role.name, params["PolicyDocument"])
    return {}


@operation("iam", "UpdateRole")
def update_role(call: Call, params: dict) -> dict:
    """Change the description or MaxSessionDuration."""
    acct = call.account_state()
    call.authorize("iam:UpdateRole", role_arn(acct, params["RoleName"]))
    role = get_role(acct, params["RoleName"])
    if "MaxSessionDuration" in params:
        role.max_session_duration = params["MaxSessionDuration"]
    if "Description" in params:
        role.description = params["Description"]
    return {}


@operation("iam", "DeleteRole")
def delete_role(call: Call, params: dict) -> dict:
    """Delete a role without policies. Its live sessions lose every permission."""
    acct = call.account_state()
    call.authorize("iam:DeleteRole", role_arn(acct, params["RoleName"]))
    role = get_role(acct, params["RoleName"])
    if role.inline or role.attached:
        raise LabError("DeleteConflict", "Cannot delete entity, must delete policies first.", 409)
    del acct.roles[role.name.lower()]
    return {}
