"""What an emulated AWS account holds: IAM entities, policies, keys and MFA devices.

Plain dataclasses, no behaviour beyond lookups. Names are unique without regard
to case (as in IAM), so maps are keyed by the lower-cased name and keep the
original spelling in the entity; dicts keep insertion order, so iteration is
deterministic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .mfa import MfaDevice


def normalize_path(path: str | None) -> str:
    """IAM paths start and end with ``/``; None means ``/``."""
    return path or "/"


@dataclass
class StoredPolicy:
    """An inline policy (or one managed-policy version): its text and parsed form."""

    name: str
    document: str  # the JSON text as the learner sent it
    parsed: Any  # iamlab.policy.Policy

    @property
    def as_dict(self) -> dict:
        """The document as a dict."""
        return json.loads(self.document)


@dataclass
class PolicyVersion:
    """One version of a customer-managed policy."""

    version_id: str
    policy: StoredPolicy
    created: datetime


@dataclass
class ManagedPolicy:
    """A customer-managed policy with versions."""

    name: str
    path: str
    policy_id: str
    arn: str
    created: datetime
    updated: datetime
    description: str = ""
    versions: dict[str, PolicyVersion] = field(default_factory=dict)
    default_version: str = "v1"
    next_version: int = 2

    @property
    def default(self) -> PolicyVersion:
        """The version in force."""
        return self.versions[self.default_version]


@dataclass
class Principal:
    """Fields shared by users, groups and roles."""

    name: str
    path: str
    unique_id: str
    arn: str
    created: datetime
    inline: dict[str, StoredPolicy] = field(default_factory=dict)
    attached: list[str] = field(default_factory=list)  # managed policy ARNs, in attach order
    tags: list[dict] = field(default_factory=list)


@dataclass
class User(Principal):
    """An IAM user."""

    boundary: str | None = None  # permissions boundary policy ARN
    password_set: bool = False


@dataclass
class Group(Principal):
    """An IAM group; ``members`` holds lower-cased user names in join order."""

    members: list[str] = field(default_factory=list)


@dataclass
class Role(Principal):
    """An IAM role with its trust policy."""

    trust: StoredPolicy | None = None
    max_session_duration: int = 3600
    description: str = ""
    boundary: str | None = None


@dataclass
class AccessKey:
    """A long-term access key of an IAM user (``user`` set) or of the root user."""

    access_key_id: str
    secret: str
    account: str
    user: str | None  # lower-cased user name; None for root
    created: datetime
    status: str = "Active"


@dataclass
class IdentityProvider:
    """An OIDC or SAML identity provider registered in IAM."""

    arn: str
    kind: str  # "oidc" | "saml"
    name: str  # OIDC: url without scheme; SAML: provider name
    created: datetime
    client_ids: list[str] = field(default_factory=list)
    thumbprints: list[str] = field(default_factory=list)
    metadata: str = ""


@dataclass
class AccountState:
    """One account: its root user's keys and all of its IAM."""

    account_id: str
    name: str
    created: datetime
    users: dict[str, User] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    policies: dict[str, ManagedPolicy] = field(default_factory=dict)  # by ARN
    access_keys: dict[str, AccessKey] = field(default_factory=dict)  # by key id
    mfa_devices: dict[str, MfaDevice] = field(default_factory=dict)  # by serial
    providers: dict[str, IdentityProvider] = field(default_factory=dict)  # by ARN
    aliases: list[str] = field(default_factory=list)
    password_policy: dict | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # per-service state (s3, ec2, ...)

    @property
    def root_arn(self) -> str:
        """``arn:aws:iam::ACCOUNT:root``."""
        return f"arn:aws:iam::{self.account_id}:root"

    def arn(self, kind: str, path: str, name: str) -> str:
        """An IAM ARN such as ``arn:aws:iam::ACCOUNT:user/path/Name``."""
        return f"arn:aws:iam::{self.account_id}:{kind}{normalize_path(path)}{name}"

    def user(self, name: str) -> User | None:
        """The user called ``name`` (case-insensitive), or None."""
        return self.users.get(name.lower())

    def group(self, name: str) -> Group | None:
        """The group called ``name`` (case-insensitive), or None."""
        return self.groups.get(name.lower())

    def role(self, name: str) -> Role | None:
        """The role called ``name`` (case-insensitive), or None."""
        return self.roles.get(name.lower())

    def groups_of(self, user_name: str) -> list[Group]:
        """The groups a user belongs to, in creation order."""
        key = user_name.lower()
        return [g for g in self.groups.values() if key in g.members]

    def devices_of(self, user_name: str) -> list[MfaDevice]:
        """MFA devices enabled for a user."""
        key = user_name.lower()
        return [d for d in self.mfa_devices.values() if d.user is not None and d.user == key]

    def keys_of(self, user_name: str | None) -> list[AccessKey]:
        """Access keys of a user (None: the root user's keys)."""
        key = user_name.lower() if user_name else None
        return [k for k in self.access_keys.values() if k.user == key]

    def extension(self, service: str, factory: Any = dict) -> Any:
        """Per-service state for service modules (created on first use)."""
        if service not in self.extra:
            self.extra[service] = factory()
        return self.extra[service]
