"""Principals: who made a request, and the Principal / NotPrincipal element that may name them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from .arn import parse_arn
from .errors import PolicyError

_ACCOUNT = re.compile(r"[0-9]{12}")
_UNIQUE_ID = re.compile(r"A(IDA|ROA|GPA)[A-Z0-9]{12,}", re.ASCII)
_HOST = re.compile(r"[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)+(/[\w./-]*)?", re.ASCII)
PRINCIPAL_KEYS = ("AWS", "Service", "Federated", "CanonicalUser")
# principals that can have a permissions boundary
BOUNDED_TYPES = frozenset({"User", "Role", "AssumedRole"})


@dataclass(frozen=True)
class Caller:
    """The principal making a request, as derived from its ARN.

    ``type`` is the ``aws:PrincipalType`` value: ``Account`` (root), ``User``,
    ``AssumedRole``, ``FederatedUser``, ``Role`` (a role ARN given directly),
    ``Service``, ``WebIdentity`` (a federated identity provider) or ``Anonymous``
    (an unsigned request; :data:`ANONYMOUS`).
    """

    arn: str
    type: str
    account: str | None
    name: str | None = None
    role_name: str | None = None
    # for a federated user: the IAM user who called GetFederationToken
    parent_arn: str | None = None

    @property
    def is_root(self) -> bool:
        return self.type == "Account"

    @property
    def principal_arn(self) -> str:
        """The ``aws:PrincipalArn`` value: the role ARN for role sessions."""
        if self.type == "AssumedRole":
            return f"arn:aws:iam::{self.account}:role/{self.role_name}"
        return self.arn

    @property
    def kind_words(self) -> str:
        return _KIND_WORDS.get(self.type, self.type)

    @cached_property
    def implied(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """(key in lower case, key, values) of the condition keys this principal implies."""
        return tuple((key.lower(), key, (value,)) for key, value in _implied_keys(self))

    @cached_property
    def implied_values(self) -> dict[str, tuple[str, ...]]:
        """The implied keys as a request context's values (lower-case key -> values)."""
        return {lower: values for lower, _, values in self.implied}


_KIND_WORDS = {
    "Account": "root user",
    "User": "IAM user",
    "Group": "IAM group",
    "AssumedRole": "role session",
    "FederatedUser": "federated user",
    "Role": "role",
    "Service": "AWS service",
    "WebIdentity": "federated identity",
    "Anonymous": "anonymous caller",
}


def _implied_keys(caller: Caller) -> tuple[tuple[str, str], ...]:
    """Condition keys a principal implies (IAM User Guide, global condition context keys)."""
    if caller.type == "Anonymous":
        return (("aws:PrincipalType", "Anonymous"),)
    if caller.type == "Service":
        return (("aws:PrincipalServiceName", caller.arn),)
    keys = [("aws:PrincipalArn", caller.principal_arn)]
    if caller.account:
        keys.append(("aws:PrincipalAccount", caller.account))
    if caller.type in ("Account", "User", "AssumedRole", "FederatedUser"):
        keys.append(("aws:PrincipalType", caller.type))
    if caller.type == "User" and caller.name:
        keys.append(("aws:username", caller.name))
    elif caller.type == "Account" and caller.account:
        keys.append(("aws:userid", caller.account))
    elif caller.type == "FederatedUser":
        keys.append(("aws:userid", f"{caller.account}:{caller.name}"))
    return tuple(keys)


# An unsigned request: no credentials at all (``evaluate(principal=None)``).
ANONYMOUS_ARN = "anonymous"


ANONYMOUS = Caller(ANONYMOUS_ARN, "Anonymous", None)


def federated_caller(federated_arn: str, parent_arn: str | None) -> Caller:
    """A federated user together with the IAM user whose GetFederationToken created it."""
    caller = caller_from(federated_arn)
    if caller.type != "FederatedUser":
        raise ValueError(f"not a federated-user ARN: {federated_arn}")
    return Caller(caller.arn, caller.type, caller.account, caller.name, None, parent_arn)


@lru_cache(maxsize=4096)
def caller_from(principal: str) -> Caller:
    """Read a principal ARN (or service name, or ``*``) into a :class:`Caller`."""
    if principal in ("*", ANONYMOUS_ARN, ""):
        return ANONYMOUS if principal != "*" else Caller(principal, "Anonymous", None)
    if _ACCOUNT.fullmatch(principal):
        return Caller(f"arn:aws:iam::{principal}:root", "Account", principal)
    arn = parse_arn(principal)
    if arn is None:
        if not _HOST.fullmatch(principal):
            raise ValueError(
                f"principal {principal!r} is not an ARN, an account id, a service principal "
                "(such as ec2.amazonaws.com), an identity provider or '*'"
            )
        if principal.endswith(".amazonaws.com") and not principal.startswith(
            ("cognito-identity.", "oidc.")
        ):
            return Caller(principal, "Service", None)
        return Caller(principal, "WebIdentity", None)
    resource = arn.resource
    if arn.service == "iam":
        if resource == "root":
            return Caller(principal, "Account", arn.account)
        kind, _, rest = resource.partition("/")
        name = rest.rsplit("/", 1)[-1] if rest else None
        if kind == "user":
            return Caller(principal, "User", arn.account, name)
        if kind == "role":
            return Caller(principal, "Role", arn.account, name, role_name=name)
        if kind in ("saml-provider", "oidc-provider"):
            return Caller(principal, "WebIdentity", arn.account)
    if arn.service == "sts":
        kind, _, rest = resource.partition("/")
        if kind == "assumed-role" and "/" in rest:
            role, session = rest.split("/", 1)
            return Caller(principal, "AssumedRole", arn.account, session, role_name=role)
        if kind == "federated-user" and rest:
            return Caller(principal, "FederatedUser", arn.account, rest)
    raise ValueError(f"not a principal ARN iamlab understands: {principal}")


# How a Principal entry named the caller; decides how resource-policy grants combine.
DIRECT = "direct"  # the user, role session or federated user ARN itself, or "*"
ROLE = "role"  # the role ARN of a role session
ACCOUNT = "account"  # the caller's account (root ARN or account id)


@dataclass(frozen=True)
class PrincipalSpec:
    """A parsed Principal or NotPrincipal element."""

    everyone: bool
    aws: frozenset[str]
    others: frozenset[tuple[str, str]]

    def match(self, caller: Caller) -> str | None:
        """How this element names ``caller``: DIRECT, ROLE, ACCOUNT, or None."""
        if self.everyone:
            return DIRECT
        arn = caller.arn
        if arn in self.aws:
            return ROLE if caller.type == "Role" else DIRECT
        if caller.type == "AssumedRole" and (
            caller.principal_arn in self.aws or _role_by_name(self.aws, caller)
        ):
            return ROLE
        if caller.parent_arn is not None and caller.parent_arn in self.aws:
            # naming the IAM user who called GetFederationToken covers every federated user it
            # created; like a role grant, boundary and session policies still limit it
            return ROLE
        if caller.account and f"arn:aws:iam::{caller.account}:root" in self.aws:
            return ACCOUNT
        if caller.type in ("Service", "WebIdentity"):
            for _, value in self.others:
                if value == arn:
                    return DIRECT
        return None

    def describe(self) -> str:
        if self.everyone:
            return "everyone (*)"
        items = sorted(self.aws) + [f"{k}:{v}" for k, v in sorted(self.others)]
        return ", ".join(items)


def _role_by_name(aws: frozenset[str], caller: Caller) -> bool:
    """Role ARNs with a path still name the session, whose ARN omits the path."""
    prefix = f"arn:aws:iam::{caller.account}:role/"
    return any(a.startswith(prefix) and a.rsplit("/", 1)[-1] == caller.role_name for a in aws)


def _aws_principal(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise PolicyError(f'Invalid principal in policy: "AWS":{value!r}', where)
    if value == "*":
        return value
    if _ACCOUNT.fullmatch(value):
        return f"arn:aws:iam::{value}:root"
    if _UNIQUE_ID.fullmatch(value):
        return value
    arn = parse_arn(value)
    if (
        arn is not None
        and "*" not in value
        and "?" not in value
        and _ACCOUNT.fullmatch(arn.account)
    ):
        kind = arn.resource.split("/", 1)[0]
        if arn.service == "iam" and (arn.resource == "root" or kind in ("user", "role")):
            return value
        if arn.service == "sts" and kind in ("assumed-role", "federated-user"):
            return value
    raise PolicyError(f'Invalid principal in policy: "AWS":"{value}"', where)


def parse_principal(element: Any, where: str) -> PrincipalSpec:
    """Parse a Principal/NotPrincipal element (``"*"`` or a map of principal types)."""
    if element == "*":
        return PrincipalSpec(True, frozenset(), frozenset())
    if not isinstance(element, dict) or not element:
        raise PolicyError('Principal must be "*" or an object such as {"AWS": ...}', where)
    aws: set[str] = set()
    others: set[tuple[str, str]] = set()
    everyone = False
    for key, raw in element.items():
        if key not in PRINCIPAL_KEYS:
            raise PolicyError(f"Invalid principal type {key} in policy", where)
        items = raw if isinstance(raw, list) else [raw]
        if not items:
            raise PolicyError(f"Principal {key} has no values", where)
        for value in items:
            if key == "AWS":
                parsed = _aws_principal(value, where)
                if parsed == "*":
                    everyone = True
                else:
                    aws.add(parsed)
            else:
                if not isinstance(value, str) or not value or ("*" in value and value != "*"):
                    raise PolicyError(f'Invalid principal in policy: "{key}":{value!r}', where)
                others.add((key, value))
    return PrincipalSpec(everyone, frozenset(aws), frozenset(others))
