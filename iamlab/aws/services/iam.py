"""IAM: users, groups and membership, access keys, account-level reads.

Roles are in ``iam_roles``, policies in ``iam_policies``, MFA in ``iam_mfa``.
Each operation is authorized as ``iam:<Operation>`` on the ARN IAM uses for it.
"""

from __future__ import annotations

from typing import Any

from ..errors import LabError
from ..state import Group, User
from ..validation import coral_error, violation
from ._call import Call
from ._iam_common import (
    check_path,
    check_tags,
    exists,
    get_group,
    get_user,
    group_arn,
    group_shape,
    page,
    target_user_name,
    under_path,
    user_arn,
    user_shape,
)
from ._registry import operation

MAX_KEYS = 2
KEY_STATUSES = ("Active", "Inactive")  # what UpdateAccessKey may set


# ---- users ------------------------------------------------------------------------
@operation("iam", "CreateUser")
def create_user(call: Call, params: dict) -> dict:
    """Create an IAM user."""
    acct = call.account_state()
    name = params["UserName"]
    path = check_path(params.get("Path"))
    call.authorize("iam:CreateUser", acct.arn("user", path, name))
    tags = check_tags(params.get("Tags"))
    if acct.user(name):
        raise exists("User", name)
    boundary = None
    if params.get("PermissionsBoundary"):
        from .iam_policies import boundary_policy

        boundary = boundary_policy(acct, params["PermissionsBoundary"]).arn
    user = User(
        name,
        path,
        call.lab.ids.unique_id("user"),
        acct.arn("user", path, name),
        call.now,
        tags=tags,
        boundary=boundary,
    )
    acct.users[name.lower()] = user
    return {"User": user_shape(user)}


@operation("iam", "GetUser")
def get_user_op(call: Call, params: dict) -> dict:
    """A user (the caller when ``UserName`` is omitted)."""
    acct = call.account_state()
    name = target_user_name(call, params)
    if not name:  # root without UserName
        call.note = "the root user describes itself"
        return {
            "User": {
                "UserId": acct.account_id,
                "Arn": acct.root_arn,
                "CreateDate": acct.created,
                "Path": "/",
                "UserName": "root",
            }
        }
    call.authorize("iam:GetUser", user_arn(acct, name))
    return {"User": user_shape(get_user(acct, name))}


@operation("iam", "ListUsers")
def list_users(call: Call, params: dict) -> dict:
    """Users, sorted by name, optionally under a path prefix."""
    acct = call.account_state()
    prefix = params.get("PathPrefix", "/")
    call.authorize("iam:ListUsers", f"arn:aws:iam::{acct.account_id}:user{prefix}")
    return page([user_shape(u) for u in under_path(acct.users.values(), params)], params, "Users")


@operation("iam", "DeleteUser")
def delete_user(call: Call, params: dict) -> dict:
    """Delete a user that has nothing attached any more (else DeleteConflict)."""
    acct = call.account_state()
    name = params["UserName"]
    call.authorize("iam:DeleteUser", user_arn(acct, name))
    user = get_user(acct, name)
    if (
        user.inline
        or user.attached
        or acct.keys_of(user.name)
        or acct.groups_of(user.name)
        or acct.devices_of(user.name)
    ):
        raise LabError(
            "DeleteConflict",
            "Cannot delete entity, must remove policies, access keys, groups and MFA devices "
            "first.",
            409,
        )
    del acct.users[name.lower()]
    return {}


@operation("iam", "ChangePassword")
def change_password(call: Call, params: dict) -> dict:
    """Change the caller's own console password (the lab only records that one is set)."""
    acct = call.account_state()
    if call.caller.kind != "user" or not call.caller.username:
        raise LabError("InvalidUserType", "Only IAM users can change their own password.", 400)
    call.authorize("iam:ChangePassword", user_arn(acct, call.caller.username))
    get_user(acct, call.caller.username).password_set = True
    return {}


# ---- groups -------------------------------------------------------------------------
@operation("iam", "CreateGroup")
def create_group(call: Call, params: dict) -> dict:
    """Create a group."""
    acct = call.account_state()
    name = params["GroupName"]
    path = check_path(params.get("Path"))
    call.authorize("iam:CreateGroup", acct.arn("group", path, name))
    if acct.group(name):
        raise exists("Group", name)
    group = Group(
        name, path, call.lab.ids.unique_id("group"), acct.arn("group", path, name), call.now
    )
    acct.groups[name.lower()] = group
    return {"Group": group_shape(group)}


@operation("iam", "GetGroup")
def get_group_op(call: Call, params: dict) -> dict:
    """A group and its members."""
    acct = call.account_state()
    name = params["GroupName"]
    call.authorize("iam:GetGroup", group_arn(acct, name))
    group = get_group(acct, name)
    users = [user_shape(acct.users[m]) for m in group.members if m in acct.users]
    out = page(users, params, "Users")
    out["Group"] = group_shape(group)
    return out


@operation("iam", "ListGroups")
def list_groups(call: Call, params: dict) -> dict:
    """Groups, sorted by name."""
    acct = call.account_state()
    prefix = params.get("PathPrefix", "/")
    call.authorize("iam:ListGroups", f"arn:aws:iam::{acct.account_id}:group{prefix}")
    groups = under_path(acct.groups.values(), params)
    return page([group_shape(g) for g in groups], params, "Groups")


@operation("iam", "DeleteGroup")
def delete_group(call: Call, params: dict) -> dict:
    """Delete an empty group without policies."""
    acct = call.account_state()
    name = params["GroupName"]
    call.authorize("iam:DeleteGroup", group_arn(acct, name))
    group = get_group(acct, name)
    if group.members or group.inline or group.attached:
        raise LabError(
            "DeleteConflict", "Cannot delete entity, must remove users and policies first.", 409
        )
    del acct.groups[name.lower()]
    return {}


@operation("iam", "AddUserToGroup")
def add_user_to_group(call: Call, params: dict) -> dict:
    """Add a user to a group."""
    acct = call.account_state()
    call.authorize("iam:AddUserToGroup", group_arn(acct, params["GroupName"]))
    group = get_group(acct, params["GroupName"])
    user = get_user(acct, params["UserName"])
    if user.name.lower() not in group.members:
        group.members.append(user.name.lower())
    return {}


@operation("iam", "RemoveUserFromGroup")
def remove_user_from_group(call: Call, params: dict) -> dict:
    """Remove a user from a group."""
    acct = call.account_state()
    call.authorize("iam:RemoveUserFromGroup", group_arn(acct, params["GroupName"]))
    group = get_group(acct, params["GroupName"])
    user = get_user(acct, params["UserName"])
    if user.name.lower() not in group.members:
        raise LabError("NoSuchEntity", f"User {user.name} is not in group {group.name}.", 404)
    group.members.remove(user.name.lower())
    return {}


@operation("iam", "ListGroupsForUser")
def list_groups_for_user(call: Call, params: dict) -> dict:
    """The groups a user belongs to."""
    acct = call.account_state()
    name = params["UserName"]
    call.authorize("iam:ListGroupsForUser", user_arn(acct, name))
    user = get_user(acct, name)
    return page([group_shape(g) for g in acct.groups_of(user.name)], params, "Groups")


# ---- access keys ------------------------------------------------------------------------
def _key_owner(call: Call, params: dict) -> tuple[Any, str | None, str]:
    """(account, lower-cased user name or None for root, ARN to authorize on)."""
    acct = call.account_state()
    name = target_user_name(call, params)
    if not name:
        return acct, None, acct.root_arn
    return acct, name.lower(), user_arn(acct, name)


def _key_shape(key: Any, acct: Any) -> dict[str, Any]:
    user = acct.users.get(key.user) if key.user else None
    return {
        "UserName": user.name if user else "root",
        "AccessKeyId": key.access_key_id,
        "Status": key.status,
        "CreateDate": key.created,
    }


@operation("iam", "CreateAccessKey")
def create_access_key(call: Call, params: dict) -> dict:
    """A new long-term key pair (at most two per user); the secret is shown only now."""
    acct, user, arn = _key_owner(call, params)
    call.authorize("iam:CreateAccessKey", arn)
    if user is not None:
        get_user(acct, user)
    if len(acct.keys_of(user)) >= MAX_KEYS:
        raise LabError(
            "LimitExceeded", f"Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS}", 409
        )
    key = call.lab.new_access_key(acct, user)
    shape = _key_shape(key, acct)
    shape["SecretAccessKey"] = key.secret
    return {"AccessKey": shape}


@operation("iam", "ListAccessKeys")
def list_access_keys(call: Call, params: dict) -> dict:
    """Key ids and status (never secrets)."""
    acct, user, arn = _key_owner(call, params)
    call.authorize("iam:ListAccessKeys", arn)
    if user is not None:
        get_user(acct, user)
    return page([_key_shape(k, acct) for k in acct.keys_of(user)], params, "AccessKeyMetadata")


def _find_key(call: Call, params: dict, action: str) -> Any:
    acct, user, arn = _key_owner(call, params)
    call.authorize(action, arn)
    key = acct.access_keys.get(params["AccessKeyId"])
    if key is None or key.user != user:
        raise LabError(
            "NoSuchEntity",
            f"The Access Key with id {params['AccessKeyId']} cannot be found.",
            404,
        )
    return acct, key


@operation("iam", "UpdateAccessKey")
def update_access_key(call: Call, params: dict) -> dict:
    """Make a key Active or Inactive (inactive keys fail with InvalidClientTokenId).

    The model's status enum also lists ``Expired`` (a state IAM reports, not one a caller
    sets); the lab refuses it with the enum message of the two settable values.
    """
    status = params["Status"]
    if status not in KEY_STATUSES:
        raise coral_error(
            "ValidationError",
            [
                violation(
                    "Status",
                    status,
                    f"Member must satisfy enum value set: [{', '.join(KEY_STATUSES)}]",
                )
            ],
        )
    _, key = _find_key(call, params, "iam:UpdateAccessKey")
    key.status = status
    return {}


@operation("iam", "DeleteAccessKey")
def delete_access_key(call: Call, params: dict) -> dict:
    """Delete a key for good."""
    acct, key = _find_key(call, params, "iam:DeleteAccessKey")
    del acct.access_keys[key.access_key_id]
    call.lab.key_index.pop(key.access_key_id, None)
    return {}


# ---- account ------------------------------------------------------------------------------
@operation("iam", "ListAccountAliases")
def list_account_aliases(call: Call, params: dict) -> dict:
    """The account alias (the lab uses the account's name when it is not the id)."""
    acct = call.account_state()
    call.authorize("iam:ListAccountAliases", "*")
    return page(list(acct.aliases), params, "AccountAliases")


@operation("iam", "CreateAccountAlias")
def create_account_alias(call: Call, params: dict) -> dict:
    """Set the account alias (one per account)."""
    acct = call.account_state()
    call.authorize("iam:CreateAccountAlias", "*")
    acct.aliases[:] = [params["AccountAlias"]]
    return {}


@operation("iam", "GetAccountPasswordPolicy")
def get_account_password_policy(call: Call, params: dict) -> dict:
    """The password policy, or NoSuchEntity when none is set (as in a new account)."""
    acct = call.account_state()
    call.authorize("iam:GetAccountPasswordPolicy", "*")
    if acct.password_policy is None:
        raise LabError(
            "NoSuchEntity",
            f"The Password Policy with domain name {acct.account_id} cannot be found.",
            404,
        )
    return {"PasswordPolicy": dict(acct.password_policy)}


@operation("iam", "UpdateAccountPasswordPolicy")
def update_account_password_policy(call: Call, params: dict) -> dict:
    """Set the password policy (stored, not enforced: the lab has no console)."""
    acct = call.account_state()
    call.authorize("iam:UpdateAccountPasswordPolicy", "*")
    policy = {"MinimumPasswordLength": 8, "ExpirePasswords": False}
    policy.update(params)
    policy["ExpirePasswords"] = bool(params.get("MaxPasswordAge"))
    acct.password_policy = policy
    return {}


@operation("iam", "GetAccountSummary")
def get_account_summary(call: Call, params: dict) -> dict:
    """Entity counts and quotas."""
    acct = call.account_state()
    call.authorize("iam:GetAccountSummary", "*")
    summary = {
        "Users": len(acct.users),
        "UsersQuota": 5000,
        "Groups": len(acct.groups),
        "GroupsQuota": 300,
        "Roles": len(acct.roles),
        "RolesQuota": 1000,
        "Policies": len(acct.policies),
        "PoliciesQuota": 1500,
        "PolicyVersionsInUse": len(acct.policies),
        "AttachedPoliciesPerUserQuota": 10,
        "AttachedPoliciesPerGroupQuota": 10,
        "AttachedPoliciesPerRoleQuota": 10,
        "GroupsPerUserQuota": 10,
        "AccessKeysPerUserQuota": MAX_KEYS,
        "MFADevices": len(acct.mfa_devices),
        "MFADevicesInUse": sum(1 for d in acct.mfa_devices.values() if d.assigned),
        "AccountMFAEnabled": 0,
        "AccountAccessKeysPresent": 1 if acct.keys_of(None) else 0,
        "Providers": len(acct.providers),
        "PolicyVersionsInUseQuota": 10000,
        "VersionsPerPolicyQuota": 5,
        "PolicySizeQuota": 6144,
        "UserPolicySizeQuota": 2048,
        "GroupPolicySizeQuota": 5120,
        "RolePolicySizeQuota": 10240,
    }
    return {"SummaryMap": summary}
