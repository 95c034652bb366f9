"""What exists in a lab right now, as plain data: the one place diagrams read the Lab's state.

Everything a diagram draws comes from here (accounts, users, groups, roles, MFA devices,
identity providers, buckets, tables, instances and their policies as stored), so a user
or a trust policy a learner changed through boto3 shows up in the next drawing. Policies
are the parsed :class:`iamlab.policy.Policy` objects the emulator itself evaluates.

This module relies on ``lab.accounts`` (account id -> account state) and on these
fields of each account: ``name``, ``users``, ``groups``, ``roles``, ``policies``,
``mfa_devices`` (each with ``serial``, ``name``, ``user``), ``providers`` and the
per-service state of S3, DynamoDB and EC2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from iamlab.policy import Policy


@dataclass(frozen=True)
class NamedPolicy:
    """A policy as stored, with the name a learner gave it and where it is attached."""

    name: str  # e.g. "inline policy BooksAccess of role CrossAccountRole"
    policy: Policy


@dataclass
class Holder:
    """A user, group or role: an identity that holds policies."""

    kind: str  # user | group | role
    name: str
    arn: str
    account: str
    policies: list[NamedPolicy] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)  # users: their groups' names
    members: list[str] = field(default_factory=list)  # groups: their users' names
    mfa: list[str] = field(default_factory=list)  # users: serials of enabled MFA devices
    trust: NamedPolicy | None = None  # roles: the trust policy


@dataclass
class Resource:
    """A bucket, table or instance, with its resource-based policy if it has one."""

    kind: str  # bucket | table | instance
    name: str
    arn: str
    account: str
    policy: NamedPolicy | None = None
    detail: str = ""  # instances: their state when not running


@dataclass
class Provider:
    """An OIDC or SAML identity provider registered in IAM."""

    arn: str
    kind: str  # oidc | saml
    name: str
    account: str


@dataclass(frozen=True)
class Device:
    """A virtual MFA device: enabled for a user, or unassigned (created, never enabled)."""

    serial: str  # arn:aws:iam::111111111111:mfa/Bob-phone
    name: str  # its path and name after "mfa/": Bob-phone, or team/Bob-phone
    account: str
    user: str | None = None  # the user's name as created; None while unassigned


@dataclass
class Account:
    """One account and everything in it."""

    id: str
    name: str
    users: list[Holder] = field(default_factory=list)
    groups: list[Holder] = field(default_factory=list)
    roles: list[Holder] = field(default_factory=list)
    providers: list[Provider] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)  # in creation order

    def holders(self) -> list[Holder]:
        """Users, groups and roles, in that order."""
        return [*self.users, *self.groups, *self.roles]


def _managed(acct: Any, arns: list[str], owner: str) -> list[NamedPolicy]:
    out = []
    for arn in arns:
        managed = acct.policies.get(arn)
        if managed is not None:
            out.append(
                NamedPolicy(
                    f"managed policy {managed.name} of {owner}", managed.default.policy.parsed
                )
            )
    return out


def _inline(entity: Any, owner: str) -> list[NamedPolicy]:
    return [
        NamedPolicy(f"inline policy {name} of {owner}", stored.parsed)
        for name, stored in entity.inline.items()
    ]


def _holder(acct: Any, kind: str, entity: Any) -> Holder:
    owner = f"{kind} {entity.name}"
    return Holder(
        kind,
        entity.name,
        entity.arn,
        acct.account_id,
        _inline(entity, owner) + _managed(acct, list(entity.attached), owner),
    )


def _resources(acct: Any, region: str) -> list[Resource]:
    out = []
    extra = acct.extra
    for name, bucket in extra.get("s3", {}).get("buckets", {}).items():
        stored = bucket.get("policy")
        policy = NamedPolicy(f"bucket policy of {name}", stored["parsed"]) if stored else None
        out.append(Resource("bucket", name, f"arn:aws:s3:::{name}", acct.account_id, policy))
    for tables in extra.get("dynamodb", {}).get("tables", {}).values():
        for name, table in tables.items():
            out.append(Resource("table", name, table["arn"], acct.account_id))
    for iid, inst in extra.get("ec2", {}).get("instances", {}).items():
        arn = f"arn:aws:ec2:{inst.get('region', region)}:{acct.account_id}:instance/{iid}"
        state = inst.get("state", "")
        detail = state if state and state != "running" else ""
        out.append(Resource("instance", iid, arn, acct.account_id, detail=detail))
    return out


def inventory(lab: Any) -> list[Account]:
    """Every account of ``lab`` with its identities, providers and resources, in creation order."""
    region = getattr(lab, "region", "us-east-1")
    accounts = []
    for account_id, acct in lab.accounts.items():
        account = Account(account_id, acct.name)
        for user in acct.users.values():
            holder = _holder(acct, "user", user)
            holder.groups = [g.name for g in acct.groups_of(user.name)]
            holder.mfa = [d.serial for d in acct.devices_of(user.name)]
            account.users.append(holder)
        names = {u.name.lower(): u.name for u in acct.users.values()}
        for group in acct.groups.values():
            holder = _holder(acct, "group", group)
            holder.members = [names.get(m, m) for m in group.members]
            account.groups.append(holder)
        for role in acct.roles.values():
            holder = _holder(acct, "role", role)
            if role.trust is not None:
                holder.trust = NamedPolicy(f"trust policy of role {role.name}", role.trust.parsed)
            account.roles.append(holder)
        for provider in acct.providers.values():
            account.providers.append(
                Provider(provider.arn, provider.kind, provider.name, account_id)
            )
        account.resources = _resources(acct, region)
        for device in acct.mfa_devices.values():
            name = device.serial.split(":", 5)[-1].removeprefix("mfa/")
            user = names.get(device.user, device.user) if device.user else None
            account.devices.append(Device(device.serial, name, account_id, user))
        accounts.append(account)
    return accounts
