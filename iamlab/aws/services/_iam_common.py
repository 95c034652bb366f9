"""Helpers shared by the IAM handler modules: lookups, ARNs, response shapes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from ..errors import LabError
from ..state import AccountState, Group, ManagedPolicy, Role, User, normalize_path
from ..validation import coral_error, violation
from ._call import Call


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
    """A name length IAM enforces beyond its model (the model's own limits, patterns and
    enums are checked for every call by :mod:`iamlab.aws.validation`)."""
    if len(value) > maximum:
        raise coral_error(
            "ValidationError",
            [violation(field, value, f"Member must have length less than or equal to {maximum}")],
        )


def check_path(path: str | None) -> str:
    """The request's path, ``/`` when omitted (its form is checked against the model)."""
    return normalize_path(path)


def check_tags(tags: list[dict] | None) -> list[dict]:
    """IAM's tag rules beyond the model: unique keys (case-insensitive) and no ``aws:`` prefix.

    IAM User Guide, "Tagging IAM resources" (tag keys are case-insensitive; ``aws:`` is
    reserved); the duplicate-key message is IAM's ``InvalidInput`` text.
    """
    tags = list(tags or [])
    seen: set[str] = set()
    for tag in tags:
        key = tag["Key"]
        if key.lower().startswith("aws:"):
            raise LabError(
                "InvalidInput",
                f"User-defined tag keys can't start with 'aws:'. The tag key {key} is reserved "
                "for AWS use.",
                400,
            )
        if key.lower() in seen:
            raise LabError(
                "InvalidInput",
                "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
                400,
            )
        seen.add(key.lower())
    return [{"Key": t["Key"], "Value": t.get("Value", "")} for t in tags]


def missing_principal(lab: Any, policy: Any) -> str | None:
    """The first IAM user or role ARN a trust or resource policy names that does not exist.

    IAM stores such principals as unique ids, so it refuses ones it cannot resolve with
    ``Invalid principal in policy`` (docs/aws-behaviour.md, "Lab decisions" D9). Accounts,
    ``*``, services, sessions and federated users are not checked.
    """
    for statement in policy.statements:
        for key in ("Principal", "NotPrincipal"):
            element = statement.source.get(key)
            if not isinstance(element, dict):
                continue
            values = element.get("AWS", [])
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, str) and not _principal_exists(lab, value):
                    return value
    return None


_IAM_ENTITY = re.compile(r"arn:aws:iam::(\d{12}):(user|role)(/.*)?/([^/]+)", re.ASCII)


def _principal_exists(lab: Any, value: str) -> bool:
    m = _IAM_ENTITY.fullmatch(value)
    if m is None:
        return True
    acct = lab.accounts.get(m.group(1))
    if acct is None:
        return False
    entity = (acct.user if m.group(2) == "user" else acct.role)(m.group(4))
    return entity is not None and entity.arn == value


def invalid_principal(value: str, code: str = "MalformedPolicyDocument") -> LabError:
    """IAM's (or, with ``code="MalformedPolicy"``, S3's) error for a principal that does not
    exist."""
    return LabError(code, f'Invalid principal in policy: "AWS":"{value}"', 400)


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


def policy_shape(mp: ManagedPolicy, attachments: int, boundary_uses: int = 0) -> dict[str, Any]:
    """The IAM ``Policy`` structure."""
    out: dict[str, Any] = {
        "PolicyName": mp.name,
        "PolicyId": mp.policy_id,
        "Arn": mp.arn,
        "Path": mp.path,
        "DefaultVersionId": mp.default_version,
        "AttachmentCount": attachments,
        "PermissionsBoundaryUsageCount": boundary_uses,
        "IsAttachable": True,
        "CreateDate": mp.created,
        "UpdateDate": mp.updated,
    }
    if mp.description:
        out["Description"] = mp.description
    if mp.tags:
        out["Tags"] = list(mp.tags)
    return out


def document_text(document: str) -> str:
    """The policy JSON as sent (botocore passes strings through unchanged)."""
    return document if isinstance(document, str) else json.dumps(document)


def under_path(entities: Iterable[Any], params: dict) -> list[Any]:
    """Entities whose path starts with the request's ``PathPrefix`` (default ``/``), by name."""
    prefix = params.get("PathPrefix", "/")
    return sorted((e for e in entities if e.path.startswith(prefix)), key=lambda e: e.name.lower())


_MARKER_KEY = b"iamlab IAM paging marker"


def _marker(key: str, start: int) -> str:
    """An opaque token for the page that starts at ``start`` of the ``key`` listing."""
    index = start.to_bytes(4, "big")
    mac = hmac.new(_MARKER_KEY, key.encode() + index, hashlib.sha256).digest()[:12]
    return base64.b64encode(index + mac).decode()


def _marker_start(key: str, marker: str) -> int:
    """The index a marker from :func:`_marker` points to; ``InvalidInput`` for any other."""
    try:
        raw = base64.b64decode(marker.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raw = b""
    if len(raw) == 16:
        start = int.from_bytes(raw[:4], "big")
        if hmac.compare_digest(_marker(key, start), marker):
            return start
    raise LabError("InvalidInput", "Invalid Marker.", 400)


def page(items: list[Any], params: dict, key: str) -> dict[str, Any]:
    """IAM-style pagination with ``Marker``/``MaxItems``.

    Markers are opaque: only one this listing returned is accepted (an invented or
    edited one is ``InvalidInput``, as in IAM).
    """
    marker = params.get("Marker")
    start = 0 if marker is None else _marker_start(key, marker)
    size = params.get("MaxItems") or 100
    chunk = items[start : start + size]
    out: dict[str, Any] = {key: chunk, "IsTruncated": start + size < len(items)}
    if out["IsTruncated"]:
        out["Marker"] = _marker(key, start + size)
    return out
