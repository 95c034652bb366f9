"""Helpers shared by the IAM handler modules: lookups, ARNs, response shapes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from ..errors import LabError
from ..state import AccountState, Group, ManagedPolicy, Role, User, normalize_path
from ._call import Call

NAME_RE = re.compile(r"^[\w+=,.@-]+$", re.ASCII)


def quoted(document: str) -> str:
    """IAM returns policy documents URL-encoded; botocore decodes them back into dicts."""
    return quote(document, safe="")


def no_such(kind: str, name: str) -> LabError:
    """IAM's NoSuchEntity error."""
    return LabError("NoSuchEntity", f"The {kind} with name {name} cannot be found.", 404)


def exists(kind: str, name: str) -> LabError:
    """IAM's EntityAlreadyExists error."""
    return LabError("EntityAlreadyExists", f"{kind} with name {name} already exists.", 409)


def target_user_name(call: Call, params: dict) -> str:
    """``UserName`` or, when omitted, the calling IAM user (IAM's implicit user)."""
    name = params.get("UserName")
    if name:
        return name
    c = call.caller
    if c.kind == "user" and c.username:
        return c.username
    if c.is_root:
        return ""
    raise LabError(
        "ValidationError", "Must specify userName when calling with non-User credentials", 400
    )


def user_arn(acct: AccountState, name: str) -> str:
    """The ARN IAM authorizes user operations on (with the user's path when it exists)."""
    user = acct.user(name)
    return user.arn if user else acct.arn("user", "/", name)


def group_arn(acct: AccountState, name: str) -> str:
    """The ARN of a group (existing path, else ``/``)."""
    group = acct.group(name)
    return group.arn if group else acct.arn("group", "/", name)


def role_arn(acct: AccountState, name: str) -> str:
    """The ARN of a role (existing path, else ``/``)."""
    role = acct.role(name)
    return role.arn if role else acct.arn("role", "/", name)


def get_user(acct: AccountState, name: str) -> User:
    """The user or NoSuchEntity."""
    user = acct.user(name)
    if user is None:
        raise no_such("user", name)
    return user


def get_group(acct: AccountState, name: str) -> Group:
    """The group or NoSuchEntity."""
    group = acct.group(name)
    if group is None:
        raise no_such("group", name)
    return group


def get_role(acct: AccountState, name: str) -> Role:
    """The role or NoSuchEntity."""
    role = acct.role(name)
    if role is None:
        raise no_such("role", name)
    return role


def get_policy(acct: AccountState, arn: str) -> ManagedPolicy:
    """The managed policy or NoSuchEntity."""
    mp = acct.policies.get(arn)
    if mp is None:
        if arn.startswith("arn:aws:iam::aws:policy/"):
            raise LabError(
                "NoSuchEntity",
                f"Policy {arn} does not exist or is not attachable. "
                "(iamlab has no AWS managed policies; create a customer managed one.)",
                404,
            )
        raise LabError("NoSuchEntity", f"Policy {arn} does not exist or is not attachable.", 404)
    return mp


def check_name(value: str, field: str, maximum: int) -> None:
    """IAM's name rules (botocore checks only the minimum length)."""
    if len(value) > maximum:
        raise LabError(
            "ValidationError",
            f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy "
            f"constraint: Member must have length less than or equal to {maximum}",
            400,
        )
    if not NAME_RE.match(value):
        raise LabError(
            "ValidationError",
            f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy "
            r"constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+",
            400,
        )


def check_path(path: str | None) -> str:
    """Paths start and end with ``/``."""
    path = normalize_path(path)
    if not (path.startswith("/") and path.endswith("/")):
        raise LabError(
            "ValidationError",
            "The specified value for path is invalid. It must begin and end with / and "
            "contain only alphanumeric characters and/or / characters.",
            400,
        )
    return path


def boundary_shape(arn: str | None) -> dict[str, Any]:
    """The ``PermissionsBoundary`` member, or nothing."""
    if arn is None:
        return {}
    return {
        "PermissionsBoundary": {
            "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
            "PermissionsBoundaryArn": arn,
        }
    }


def user_shape(user: User) -> dict[str, Any]:
    """The IAM ``User`` structure."""
    out: dict[str, Any] = {
        "Path": user.path,
        "UserName": user.name,
        "UserId": user.unique_id,
        "Arn": user.arn,
        "CreateDate": user.created,
    }
    out.update(boundary_shape(user.boundary))
    if user.tags:
        out["Tags"] = list(user.tags)
    return out


def group_shape(group: Group) -> dict[str, Any]:
    """The IAM ``Group`` structure."""
    return {
        "Path": group.path,
        "GroupName": group.name,
        "GroupId": group.unique_id,
        "Arn": group.arn,
        "CreateDate": group.created,
    }


def role_shape(role: Role) -> dict[str, Any]:
    """The IAM ``Role`` structure (trust policy URL-encoded, as IAM sends it)."""
    out: dict[str, Any] = {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.unique_id,
        "Arn": role.arn,
        "CreateDate": role.created,
        "MaxSessionDuration": role.max_session_duration,
    }
    if role.trust is not None:
        out["AssumeRolePolicyDocument"] = quoted(role.trust.document)
    if role.description:
        out["Description"] = role.description
    out.update(boundary_shape(role.boundary))
    if role.tags:
        out["Tags"] = list(role.tags)
    return out


def policy_shape(mp: ManagedPolicy, attachments: int) -> dict[str, Any]:
    """The IAM ``Policy`` structure."""
    out: dict[str, Any] = {
        "PolicyName": mp.name,
        "PolicyId": mp.policy_id,
        "Arn": mp.arn,
        "Path": mp.path,
        "DefaultVersionId": mp.default_version,
        "AttachmentCount": attachments,
        "PermissionsBoundaryUsageCount": 0,
        "IsAttachable": True,
        "CreateDate": mp.created,
        "UpdateDate": mp.updated,
    }
    if mp.description:
        out["Description"] = mp.description
    return out


def document_text(document: str) -> str:
    """The policy JSON as sent (botocore passes strings through unchanged)."""
    return document if isinstance(document, str) else json.dumps(document)


def under_path(entities: Iterable[Any], params: dict) -> list[Any]:
    """Entities whose path starts with the request's ``PathPrefix`` (default ``/``), by name."""
    prefix = params.get("PathPrefix", "/")
    return sorted((e for e in entities if e.path.startswith(prefix)), key=lambda e: e.name.lower())


def page(items: list[Any], params: dict, key: str) -> dict[str, Any]:
    """IAM-style pagination with ``Marker``/``MaxItems`` (marker = index)."""
    try:
        start = int(params.get("Marker") or 0)
    except ValueError:
        raise LabError("InvalidInput", "Invalid Marker.", 400) from None
    size = params.get("MaxItems") or 100
    chunk = items[start : start + size]
    out: dict[str, Any] = {key: chunk, "IsTruncated": start + size < len(items)}
    if out["IsTruncated"]:
        out["Marker"] = str(start + size)
    return out
