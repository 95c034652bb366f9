"""IAM roles: create with a trust policy, read, update the trust policy, delete."""

from __future__ import annotations

from ..authz import parse
from ..errors import LabError
from ..state import Role, StoredPolicy
from ._call import Call
from ._iam_common import (
    check_name,
    check_path,
    exists,
    get_role,
    page,
    role_arn,
    role_shape,
    under_path,
)
from ._registry import operation

TRUST_LIMIT = 2048  # default AssumeRolePolicySizeQuota (whitespace excluded)


def _trust(role_name: str, document: str) -> StoredPolicy:
    if sum(1 for ch in document if not ch.isspace()) > TRUST_LIMIT:
        raise LabError(
            "LimitExceeded",
            f"Cannot exceed quota for ACLSizePerRole: {TRUST_LIMIT}",
            409,
        )
    return StoredPolicy(
        "trust", document, parse(document, "trust", f"role/{role_name}: trust policy")
    )


def _max_session(value: int | None) -> int:
    value = 3600 if value is None else value
    if not 3600 <= value <= 43200:
        raise LabError(
            "ValidationError",
            f"1 validation error detected: Value '{value}' at 'maxSessionDuration' failed to "
            "satisfy constraint: Member must have value less than or equal to 43200"
            if value > 43200
            else f"1 validation error detected: Value '{value}' at 'maxSessionDuration' failed "
            "to satisfy constraint: Member must have value greater than or equal to 3600",
            400,
        )
    return value


@operation("iam", "CreateRole")
def create_role(call: Call, params: dict) -> dict:
    """A role; its trust policy says who may assume it."""
    acct = call.account_state()
    name = params["RoleName"]
    check_name(name, "roleName", 64)
    path = check_path(params.get("Path"))
    call.authorize("iam:CreateRole", acct.arn("role", path, name))
    if acct.role(name):
        raise exists("Role", name)
    trust = _trust(name, params["AssumeRolePolicyDocument"])
    role = Role(
        name,
        path,
        call.lab.ids.unique_id("role"),
        acct.arn("role", path, name),
        call.now,
        tags=list(params.get("Tags", [])),
        trust=trust,
        max_session_duration=_max_session(params.get("MaxSessionDuration")),
        description=params.get("Description", ""),
    )
    if params.get("PermissionsBoundary"):
        from .iam_policies import boundary_policy

        role.boundary = boundary_policy(acct, params["PermissionsBoundary"]).arn
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
    role.trust = _trust(role.name, params["PolicyDocument"])
    return {}


@operation("iam", "UpdateRole")
def update_role(call: Call, params: dict) -> dict:
    """Change the description or MaxSessionDuration."""
    acct = call.account_state()
    call.authorize("iam:UpdateRole", role_arn(acct, params["RoleName"]))
    role = get_role(acct, params["RoleName"])
    if "MaxSessionDuration" in params:
        role.max_session_duration = _max_session(params["MaxSessionDuration"])
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
