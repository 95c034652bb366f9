"""IAM policies: inline (user/group/role), customer-managed with versions, attachments,
permissions boundaries.

Documents are parsed once when stored (kind ``identity``, or ``boundary`` when used
as one); a malformed one fails with ``MalformedPolicyDocument`` and the engine's message.
"""

from __future__ import annotations

from typing import Any

from ..authz import parse
from ..errors import LabError
from ..state import AccountState, ManagedPolicy, PolicyVersion, Principal, StoredPolicy
from ._call import Call
from ._iam_common import (
    check_path,
    check_tags,
    get_group,
    get_policy,
    get_role,
    get_user,
    group_arn,
    page,
    policy_shape,
    quoted,
    role_arn,
    under_path,
    user_arn,
)
from ._registry import operation

MAX_VERSIONS = 5
MAX_ATTACHED = 10
INLINE_LIMITS = {"user": 2048, "group": 5120, "role": 10240}  # aggregate, whitespace excluded
MANAGED_LIMIT = 6144

_ENTITY = {
    "User": ("user", "UserName", get_user, user_arn),
    "Group": ("group", "GroupName", get_group, group_arn),
    "Role": ("role", "RoleName", get_role, role_arn),
}


def _entity(call: Call, params: dict, kind: str, action: str) -> tuple[AccountState, Principal]:
    acct = call.account_state()
    _, field, getter, arn_of = _ENTITY[kind]
    call.authorize(action, arn_of(acct, params[field]))
    return acct, getter(acct, params[field])


def _size(document: str) -> int:
    return sum(1 for ch in document if not ch.isspace())


def _check_size(size: int, limit: int, what: str) -> None:
    """IAM's inline-policy quota error ("Maximum policy size of 2048 bytes exceeded for user
    Ana.")."""
    if size > limit:
        raise LabError(
            "LimitExceeded",
            f"Maximum policy size of {limit} bytes exceeded for {what}.",
            409,
        )


def _check_managed_size(document: str) -> None:
    """IAM's managed-policy quota error ("Cannot exceed quota for PolicySize: 6144")."""
    if _size(document) > MANAGED_LIMIT:
        raise LabError("LimitExceeded", f"Cannot exceed quota for PolicySize: {MANAGED_LIMIT}", 409)


def attachment_count(acct: AccountState, arn: str) -> int:
    """How many users, groups and roles have ``arn`` attached."""
    entities = (*acct.users.values(), *acct.groups.values(), *acct.roles.values())
    return sum(1 for e in entities if arn in e.attached)


def boundary_count(acct: AccountState, arn: str) -> int:
    """How many users and roles use ``arn`` as their permissions boundary."""
    return sum(1 for e in (*acct.users.values(), *acct.roles.values()) if e.boundary == arn)


def _shape(acct: AccountState, mp: ManagedPolicy) -> dict[str, Any]:
    return policy_shape(mp, attachment_count(acct, mp.arn), boundary_count(acct, mp.arn))


def boundary_policy(acct: AccountState, arn: str) -> ManagedPolicy:
    """A managed policy usable as a permissions boundary (also parsed as kind ``boundary``)."""
    mp = get_policy(acct, arn)
    parse(mp.default.policy.document, "boundary", mp.default.policy.parsed.name)
    return mp


# ---- inline policies -----------------------------------------------------------------------
def _register_inline(kind: str) -> None:
    lower, field, _, _ = _ENTITY[kind]

    @operation("iam", f"Put{kind}Policy")
    def put(call: Call, params: dict) -> dict:
        _, entity = _entity(call, params, kind, f"iam:Put{kind}Policy")
        name = params["PolicyName"]
        document = params["PolicyDocument"]
        parsed = parse(document, "identity", f"{lower}/{entity.name}: {name}")
        others = sum(_size(p.document) for n, p in entity.inline.items() if n != name)
        _check_size(others + _size(document), INLINE_LIMITS[lower], f"{lower} {entity.name}")
        entity.inline[name] = StoredPolicy(name, document, parsed)
        return {}

    @operation("iam", f"Get{kind}Policy")
    def get(call: Call, params: dict) -> dict:
        _, entity = _entity(call, params, kind, f"iam:Get{kind}Policy")
        stored = entity.inline.get(params["PolicyName"])
        if stored is None:
            raise LabError(
                "NoSuchEntity",
                f"The {lower} policy with name {params['PolicyName']} cannot be found.",
                404,
            )
        return {
            field: entity.name,
            "PolicyName": stored.name,
            "PolicyDocument": quoted(stored.document),
        }

    @operation("iam", f"Delete{kind}Policy")
    def delete(call: Call, params: dict) -> dict:
        _, entity = _entity(call, params, kind, f"iam:Delete{kind}Policy")
        if entity.inline.pop(params["PolicyName"], None) is None:
            raise LabError(
                "NoSuchEntity",
                f"The {lower} policy with name {params['PolicyName']} cannot be found.",
                404,
            )
        return {}

    @operation("iam", f"List{kind}Policies")
    def list_(call: Call, params: dict) -> dict:
        _, entity = _entity(call, params, kind, f"iam:List{kind}Policies")
        return page(list(entity.inline), params, "PolicyNames")

    @operation("iam", f"Attach{kind}Policy")
    def attach(call: Call, params: dict) -> dict:
        acct, entity = _entity(call, params, kind, f"iam:Attach{kind}Policy")
        mp = get_policy(acct, params["PolicyArn"])
        if mp.arn not in entity.attached:
            if len(entity.attached) >= MAX_ATTACHED:
                raise LabError(
                    "LimitExceeded",
                    f"Cannot exceed quota for PoliciesPer{kind}: {MAX_ATTACHED}",
                    409,
                )
            entity.attached.append(mp.arn)
        return {}

    @operation("iam", f"Detach{kind}Policy")
    def detach(call: Call, params: dict) -> dict:
        _, entity = _entity(call, params, kind, f"iam:Detach{kind}Policy")
        if params["PolicyArn"] not in entity.attached:
            raise LabError("NoSuchEntity", f"Policy {params['PolicyArn']} was not found.", 404)
        entity.attached.remove(params["PolicyArn"])
        return {}

    @operation("iam", f"ListAttached{kind}Policies")
    def list_attached(call: Call, params: dict) -> dict:
        """Attached managed policies, in attach order, under the ``PathPrefix`` of the
        *policies'* paths (IAM API reference, ListAttachedUserPolicies)."""
        acct, entity = _entity(call, params, kind, f"iam:ListAttached{kind}Policies")
        prefix = params.get("PathPrefix", "/")
        policies = acct.policies
        items = [
            {"PolicyName": policies[a].name, "PolicyArn": a}
            for a in entity.attached
            if a in policies and policies[a].path.startswith(prefix)
        ]
        return page(items, params, "AttachedPolicies")


for _kind in _ENTITY:
    _register_inline(_kind)


# ---- permissions boundaries ---------------------------------------------------------------
def _register_boundary(kind: str) -> None:
    @operation("iam", f"Put{kind}PermissionsBoundary")
    def put(call: Call, params: dict) -> dict:
        acct, entity = _entity(call, params, kind, f"iam:Put{kind}PermissionsBoundary")
        entity.boundary = boundary_policy(acct, params["PermissionsBoundary"]).arn  # type: ignore[attr-defined]
        return {}

    @operation("iam", f"Delete{kind}PermissionsBoundary")
    def delete(call: Call, params: dict) -> dict:
        _, entity = _entity(call, params, kind, f"iam:Delete{kind}PermissionsBoundary")
        if entity.boundary is None:  # type: ignore[attr-defined]
            raise LabError(
                "NoSuchEntity",
                f"The {kind.lower()} {entity.name} has no permissions boundary.",
                404,
            )
        entity.boundary = None  # type: ignore[attr-defined]
        return {}


for _kind in ("User", "Role"):
    _register_boundary(_kind)


# ---- managed policies ------------------------------------------------------------------------
def _version_shape(v: PolicyVersion, default: str, with_document: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "VersionId": v.version_id,
        "IsDefaultVersion": v.version_id == default,
        "CreateDate": v.created,
    }
    if with_document:
        out["Document"] = quoted(v.policy.document)
    return out


@operation("iam", "CreatePolicy")
def create_policy(call: Call, params: dict) -> dict:
    """A customer-managed policy (version v1, default)."""
    acct = call.account_state()
    name = params["PolicyName"]
    path = check_path(params.get("Path"))
    arn = acct.arn("policy", path, name)
    call.authorize("iam:CreatePolicy", arn)
    tags = check_tags(params.get("Tags"))
    if any(mp.name.lower() == name.lower() for mp in acct.policies.values()):
        raise LabError(
            "EntityAlreadyExists",
            f"A policy called {name} already exists. Duplicate names are not allowed.",
            409,
        )
    document = params["PolicyDocument"]
    _check_managed_size(document)
    parsed = parse(document, "identity", f"policy/{name} (v1)")
    now = call.now
    mp = ManagedPolicy(
        name,
        path,
        call.lab.ids.unique_id("policy"),
        arn,
        now,
        now,
        params.get("Description", ""),
        tags=tags,
    )
    mp.versions["v1"] = PolicyVersion("v1", StoredPolicy(name, document, parsed), now)
    acct.policies[arn] = mp
    return {"Policy": policy_shape(mp, 0)}


@operation("iam", "GetPolicy")
def get_policy_op(call: Call, params: dict) -> dict:
    """A managed policy's metadata (not its document: see GetPolicyVersion)."""
    acct = call.account_state()
    call.authorize("iam:GetPolicy", params["PolicyArn"])
    mp = get_policy(acct, params["PolicyArn"])
    return {"Policy": _shape(acct, mp)}


@operation("iam", "ListPolicies")
def list_policies(call: Call, params: dict) -> dict:
    """Customer-managed policies (the lab has no AWS managed ones), sorted by name."""
    acct = call.account_state()
    call.authorize("iam:ListPolicies", "*")
    if params.get("Scope") == "AWS":
        return page([], params, "Policies")
    items = under_path(acct.policies.values(), params)
    shapes = [_shape(acct, mp) for mp in items]
    if params.get("OnlyAttached"):
        shapes = [s for s in shapes if s["AttachmentCount"]]
    return page(shapes, params, "Policies")


@operation("iam", "GetPolicyVersion")
def get_policy_version(call: Call, params: dict) -> dict:
    """One version's document."""
    acct = call.account_state()
    call.authorize("iam:GetPolicyVersion", params["PolicyArn"])
    mp = get_policy(acct, params["PolicyArn"])
    v = mp.versions.get(params["VersionId"])
    if v is None:
        raise LabError(
            "NoSuchEntity",
            f"Policy {mp.arn} version {params['VersionId']} does not exist or is not attachable.",
            404,
        )
    return {"PolicyVersion": _version_shape(v, mp.default_version)}


@operation("iam", "ListPolicyVersions")
def list_policy_versions(call: Call, params: dict) -> dict:
    """All versions, newest first."""
    acct = call.account_state()
    call.authorize("iam:ListPolicyVersions", params["PolicyArn"])
    mp = get_policy(acct, params["PolicyArn"])
    versions = [
        _version_shape(v, mp.default_version, False) for v in reversed(mp.versions.values())
    ]
    return page(versions, params, "Versions")


@operation("iam", "CreatePolicyVersion")
def create_policy_version(call: Call, params: dict) -> dict:
    """A new version (at most five); ``SetAsDefault`` puts it in force at once."""
    acct = call.account_state()
    call.authorize("iam:CreatePolicyVersion", params["PolicyArn"])
    mp = get_policy(acct, params["PolicyArn"])
    if len(mp.versions) >= MAX_VERSIONS:
        raise LabError(
            "LimitExceeded",
            f"A managed policy can have up to {MAX_VERSIONS} versions. Before you create a new "
            "version, you must delete an existing version.",
            409,
        )
    document = params["PolicyDocument"]
    _check_managed_size(document)
    vid = f"v{mp.next_version}"
    parsed = parse(document, "identity", f"policy/{mp.name} ({vid})")
    mp.next_version += 1
    mp.versions[vid] = PolicyVersion(vid, StoredPolicy(mp.name, document, parsed), call.now)
    if params.get("SetAsDefault"):
        mp.default_version = vid
    mp.updated = call.now
    return {"PolicyVersion": _version_shape(mp.versions[vid], mp.default_version, False)}


@operation("iam", "SetDefaultPolicyVersion")
def set_default_policy_version(call: Call, params: dict) -> dict:
    """Choose the version in force."""
    acct = call.account_state()
    call.authorize("iam:SetDefaultPolicyVersion", params["PolicyArn"])
    mp = get_policy(acct, params["PolicyArn"])
    if params["VersionId"] not in mp.versions:
        raise LabError(
            "NoSuchEntity",
            f"Policy {mp.arn} version {params['VersionId']} does not exist or is not attachable.",
            404,
        )
    mp.default_version = params["VersionId"]
    mp.updated = call.now
    return {}


@operation("iam", "DeletePolicyVersion")
def delete_policy_version(call: Call, params: dict) -> dict:
    """Delete a non-default version."""
    acct = call.account_state()
    call.authorize("iam:DeletePolicyVersion", params["PolicyArn"])
    mp = get_policy(acct, params["PolicyArn"])
    vid = params["VersionId"]
    if vid not in mp.versions:
        raise LabError("NoSuchEntity", f"Policy {mp.arn} version {vid} does not exist.", 404)
    if vid == mp.default_version:
        raise LabError("DeleteConflict", "Cannot delete the default version of a policy.", 409)
    del mp.versions[vid]
    return {}


@operation("iam", "DeletePolicy")
def delete_policy(call: Call, params: dict) -> dict:
    """Delete a policy that is attached nowhere and has only its default version."""
    acct = call.account_state()
    call.authorize("iam:DeletePolicy", params["PolicyArn"])
    mp = get_policy(acct, params["PolicyArn"])
    if attachment_count(acct, mp.arn) or boundary_count(acct, mp.arn):
        # IAM API reference, DeletePolicy: detach it from every user, group and role first;
        # a policy in use as a permissions boundary is in use too.
        raise LabError("DeleteConflict", "Cannot delete a policy attached to entities.", 409)
    if len(mp.versions) > 1:
        raise LabError(
            "DeleteConflict",
            "This policy has more than one version. Before you delete a policy, you must "
            "delete the policy's versions. The default version is deleted with the policy.",
            409,
        )
    del acct.policies[mp.arn]
    return {}


@operation("iam", "ListEntitiesForPolicy")
def list_entities_for_policy(call: Call, params: dict) -> dict:
    """Who uses a policy: attached (``PermissionsPolicy``), as a permissions boundary
    (``PermissionsBoundary``) or, without ``PolicyUsageFilter``, either way.

    Users, then groups, then roles, paged together with ``Marker``/``MaxItems``.
    """
    acct = call.account_state()
    arn = params["PolicyArn"]
    call.authorize("iam:ListEntitiesForPolicy", arn)
    get_policy(acct, arn)
    usage = params.get("PolicyUsageFilter")
    kinds = params.get("EntityFilter")
    prefix = params.get("PathPrefix", "/")

    def uses(entity: Any) -> bool:
        attached = usage != "PermissionsBoundary" and arn in entity.attached
        bounded = usage != "PermissionsPolicy" and getattr(entity, "boundary", None) == arn
        return (attached or bounded) and entity.path.startswith(prefix)

    rows: list[tuple[str, dict[str, str]]] = []
    for kind, entities in (("User", acct.users), ("Group", acct.groups), ("Role", acct.roles)):
        if kinds in (None, kind):
            rows += [
                (kind, {f"{kind}Name": e.name, f"{kind}Id": e.unique_id})
                for e in entities.values()
                if uses(e)
            ]
    out = page(rows, params, "Entities")
    chunk = out.pop("Entities")
    for kind in ("User", "Group", "Role"):
        out[f"Policy{kind}s"] = [row for k, row in chunk if k == kind]
    return out
