"""What an emulated AWS account holds: IAM entities, policies, keys and MFA devices.

Plain dataclasses, no behaviour beyond lookups. Names are unique without regard
to case (as in IAM), so maps are keyed by the lower-cased name and keep the
original spelling in the entity; dicts keep insertion order, so iteration is
deterministic. :class:`AccountState` hands its parts to the running call's undo
journal (:mod:`iamlab.aws.atomic`) the first time the call touches them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .atomic import MISSING, copy_state, touch
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
    tags: list[dict] = field(default_factory=list)

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
    user_id: str | None = None  # the owner's unique id (AIDA...): keys die with their user


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
    tags: list[dict] = field(default_factory=list)


_AREAS = (
    "users",
    "groups",
    "roles",
    "policies",
    "access_keys",
    "mfa_devices",
    "providers",
    "aliases",
    "password_policy",
    "extra",
)


def _area(name: str, doc: str) -> property:
    """An account attribute that the running call's journal copies on first touch."""

    def get(self: AccountState) -> Any:
        value = self._state[name]
        touch(self, name, value)
        return value

    def put(self: AccountState, value: Any) -> None:
        touch(self, name, self._state[name])
        self._state[name] = value

    return property(get, put, doc=doc)


class AccountState:
    """One account: its root user's keys, all of its IAM, and per-service state.

    Each mutable part is an *area* (``users``, ``roles``, ..., and one area per service
    in ``extension``). Reading an area while a call runs lets the call's journal keep a
    copy of it, so a failed call leaves the account exactly as it was
    (:mod:`iamlab.aws.atomic`). Code that only reads (authentication, policy
    evaluation) uses :meth:`raw` and copies nothing.
    """

    users = _area("users", "IAM users by lower-cased name.")
    groups = _area("groups", "IAM groups by lower-cased name.")
    roles = _area("roles", "IAM roles by lower-cased name.")
    policies = _area("policies", "Customer-managed policies by ARN.")
    access_keys = _area("access_keys", "Long-term access keys (users' and root's) by key id.")
    mfa_devices = _area("mfa_devices", "Virtual MFA devices by serial number.")
    providers = _area("providers", "OIDC and SAML identity providers by ARN.")
    aliases = _area("aliases", "Account aliases.")
    password_policy = _area("password_policy", "The account password policy, or None.")
    extra = _area("extra", "Per-service state by service name (prefer :meth:`extension`).")

    def __init__(self, account_id: str, name: str, created: datetime) -> None:
        self.account_id = account_id
        self.name = name
        self.created = created
        self._state: dict[str, Any] = {
            "users": {},
            "groups": {},
            "roles": {},
            "policies": {},
            "access_keys": {},
            "mfa_devices": {},
            "providers": {},
            "aliases": [],
            "password_policy": None,
            "extra": {},
        }

    def raw(self, area: str) -> Any:
        """An area without journaling it: only for code that never changes it."""
        return self._state[area]

    def restore_area(self, area: str, value: Any) -> None:
        """Put back an area (or one service's extension) saved by a call's journal."""
        if area.startswith("extra:"):
            service = area[len("extra:") :]
            if value is MISSING:
                self._state["extra"].pop(service, None)
            else:
                self._state["extra"][service] = value
        else:
            self._state[area] = value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AccountState):
            return NotImplemented
        return (self.account_id, self.name, self.created, self._state) == (
            other.account_id,
            other.name,
            other.created,
            other._state,
        )

    __hash__ = None  # type: ignore[assignment]

    def __deepcopy__(self, memo: dict[int, Any]) -> AccountState:
        twin = AccountState(self.account_id, self.name, self.created)
        twin._state = copy_state(self._state, memo)
        return twin

    def __repr__(self) -> str:
        return f"AccountState({self.account_id!r}, name={self.name!r})"

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
        extra = self._state["extra"]
        touch(self, f"extra:{service}", extra.get(service, MISSING))
        if service not in extra:
            extra[service] = factory()
        return extra[service]
