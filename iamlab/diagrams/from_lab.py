"""Build the :class:`TrustFlow` of a running lab: what exists, who may do what, what was tried.

Nodes are what the lab holds now (accounts, users and their MFA devices, groups, roles,
identity providers, buckets, tables, instances), including what a learner created
through boto3. Trust and permission arrows are decided by the policy engine from the
policies as stored (:mod:`iamlab.diagrams.relations`). Each call arrow carries the
decision the lab recorded for that call in its trail.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from iamlab.aws.trail import device_of, rule_parts
from iamlab.policy.arn import parse_arn

from .inventory import Account, Device, inventory
from .model import DECISIONS, Edge, Node, TrustFlow
from .relations import Relation, full_access, relations, statements
from .words import KEY_WORDS, condition_words, short_actions

__all__ = ["CallRecord", "TrailCall", "condition_words", "lab_flow", "node_id", "trail_calls"]

_PLACES = {
    "identity": "an identity policy",
    "resource": "the resource policy",
    "trust": "the trust policy",
    "boundary": "the permissions boundary",
    "session": "the session policy",
    "scp": "an SCP",
    "rcp": "an RCP",
}
_NOTE = re.compile(r"\(([^)]*)\)")
_FAILED = re.compile(r"- \S+ (\S+): [^\n]*-> not met")
_WHERE = re.compile(r"explicit deny in (an? [\w -]+?(?:policy|boundary))")
# the IAM calls on a user that are about one of the user's MFA devices (the trail names it)
_DEVICE_ACTIONS = frozenset(
    {"iam:enablemfadevice", "iam:deactivatemfadevice", "iam:resyncmfadevice"}
)
_SERVICES = {"s3": "S3", "ec2": "EC2", "iam": "IAM", "sts": "STS", "dynamodb": "DynamoDB"}


class CallRecord(Protocol):
    """What a diagram needs to know about one call (a scenario's ``Attempt`` has it)."""

    label: str
    who: str
    action: str
    target: str
    outcome: str
    error: str
    message: str
    explanation: str
    denied_by: str | None


def _text(record: CallRecord) -> str:
    """The trail's reason for a call (an ``Attempt``'s ``reason``, a ``TrailCall``'s message)."""
    return getattr(record, "reason", "") or record.message or ""


@dataclass(frozen=True)
class TrailCall:
    """One row of ``lab.trail()`` as a call to draw."""

    label: str
    who: str
    action: str
    target: str
    outcome: str
    error: str
    message: str
    explanation: str
    denied_by: str | None = None
    principal: str = ""
    resource: str = ""
    credentials: str = ""  # how the caller signed ("long-term", "GetSessionToken+MFA")


def trail_calls(lab: Any, since: int = 0) -> list[TrailCall]:
    """The calls recorded in ``lab.trail()`` from row ``since`` on, each with the outcome
    the trail recorded (a call refused before any policy is ``refused``)."""
    from iamlab.scenarios.base import classify

    frame = lab.trail()
    out = []
    for row in frame.iloc[since:].itertuples(index=False):
        out.append(
            TrailCall(
                row.operation,
                row.principal,
                row.action,
                row.resource,
                classify(row.decision, row.error),
                row.error,
                row.reason,
                row.reason,
                principal=row.principal,
                resource=row.resource,
                credentials=row.credentials,
            )
        )
    return out


def node_id(account: str, kind: str, name: str) -> str:
    """A stable DOT node id such as ``222222222222_user_Richard``."""
    return f"{account}_{kind}_{re.sub(r'[^A-Za-z0-9]', '_', name)}"


class _Builder:
    def __init__(self, title: str, accounts: list[Account], notes: Mapping[str, str]) -> None:
        self.accounts = accounts
        self.notes = notes
        self.flow = TrustFlow(title, {a.id: a.name for a in accounts})
        self.by_arn: dict[str, str] = {}  # ARN -> node id
        self.by_name: dict[str, str] = {}  # user or role name -> node id
        # (caller's ARN, with MFA?) -> the node of the credentials its latest allowed
        # GetSessionToken issued: calls signed with them are drawn from there
        self.issued: dict[tuple[str, bool], str] = {}

    # ---- what exists ----------------------------------------------------------------
    def things(self) -> None:
        for account in self.accounts:
            groups = {g.name: g for g in account.groups}
            for user in account.users:
                nid = node_id(account.id, "user", user.name)
                named = [*user.policies, *(p for g in user.groups for p in groups[g].policies)]
                full = any(full_access(st) for n in named for st in statements(n))
                detail = self.notes.get(user.arn) or ("full access (Action *)" if full else "")
                self._add(Node(nid, user.name, "user", account.id, detail), user.arn, user.name)
                for device in account.devices:
                    if device.user == user.name:
                        self._device(device, nid)
            for group in account.groups:
                gid = node_id(account.id, "group", group.name)
                self._add(Node(gid, group.name, "group", account.id), group.arn)
                for member in group.members:
                    uid = self.by_arn.get(f"arn:aws:iam::{account.id}:user/{member}")
                    uid = uid or node_id(account.id, "user", member)
                    self.flow.add_edge(Edge(uid, gid, "member"))
            for role in account.roles:
                rid = node_id(account.id, "role", role.name)
                self._add(Node(rid, role.name, "role", account.id), role.arn, role.name)
            for provider in account.providers:
                pid = node_id(account.id, "provider", provider.name)
                words = "SAML provider" if provider.kind == "saml" else "OIDC provider"
                self._add(Node(pid, provider.name, "provider", account.id, words), provider.arn)
            for resource in account.resources:
                rid = node_id(account.id, resource.kind, resource.name)
                node = Node(rid, resource.name, resource.kind, account.id, resource.detail)
                self._add(node, resource.arn)
            for device in account.devices:
                if device.user is None:
                    self._device(device, None)

    def _device(self, device: Device, user_node: str | None) -> None:
        """An MFA device, named by its name: beside its user, or unassigned."""
        label = f"MFA device {device.name}"
        node = Node(node_id(device.account, "mfa", device.name), label, "mfa", device.account)
        if user_node is None:
            node.state = "unassigned\n(not enabled)"
        else:
            node.detail = f"enabled for {device.user}"
        mid = self._add(node, device.serial)
        if user_node is not None:
            self.flow.add_edge(Edge(mid, user_node, "mfa"))

    def _add(self, node: Node, arn: str, name: str | None = None) -> str:
        """Add the node of ``arn`` (a new id if another thing's name gives the same one)."""
        base, n = node.id, 1
        while self.flow.node(node.id) is not None:  # Bob-phone and Bob_phone, team/x and team_x
            n += 1
            node.id = f"{base}_{n}"
        self.flow.add_node(node)
        self.by_arn[arn] = node.id
        if name is not None:
            self.by_name.setdefault(name, node.id)
        return node.id

    # ---- who may do what --------------------------------------------------------------
    def relations(self) -> None:
        for rel in relations(self.accounts):
            source, target = self.by_arn.get(rel.source), self.by_arn.get(rel.target)
            if source is not None and target is not None:
                self.flow.add_edge(Edge(source, target, rel.kind, _relation_words(rel)))

    # ---- what was tried ---------------------------------------------------------------
    def calls(self, records: Iterable[CallRecord]) -> None:
        """One arrow per caller, target and outcome; the actions it covers are listed."""
        merged: dict[tuple[str, str, str, str, str], dict[str, int]] = {}
        for record in records:
            decision = record.outcome if record.outcome in DECISIONS else "error"
            if record.error and decision == "allowed":
                decision = "error"
            source = self._caller(record)
            target = self._target(record, source, decision) if source is not None else None
            if source is None or target is None:
                continue
            note = _NOTE.search(record.label)
            qualifier = note.group(1) if note else ""
            account = self._account_of(source)
            if target == source and account is not None:
                # a call on oneself (GetUser of one's own user) goes to the service, so that
                # no arrow loops back onto the node: its words say whose it was
                target = self._service(account, record.action.lower())
                own = "on own user" if self._is(source, "user") else "on itself"
                qualifier = f"{qualifier}; {own}" if qualifier else own
            key = (source, target, decision, _why(record, decision), qualifier)
            actions = merged.setdefault(key, {})
            action = record.action.split(":", 1)[-1]
            actions[action] = actions.get(action, 0) + 1
        for (source, target, decision, why, qualifier), actions in merged.items():
            label = ", ".join(f"{a} x{n}" if n > 1 else a for a, n in actions.items())
            if qualifier:
                label += f" ({qualifier})"
            self.flow.add_edge(Edge(source, target, "call", label, decision, note=why))

    def _caller(self, record: CallRecord) -> str | None:
        arn = getattr(record, "principal", "") or ""
        signed = getattr(record, "credentials", "") or ""
        if signed.startswith("GetSessionToken"):  # drawn from the credentials, once drawn
            issued = self.issued.get((arn or record.who, signed.endswith("+MFA")))
            if issued is not None:
                return issued
        if arn in self.by_arn:
            return self.by_arn[arn]
        if arn:
            made = self._principal_node(arn)
            if made is not None:
                return made
        if record.who in self.by_name:
            return self.by_name[record.who]
        if record.who in self.by_arn:
            return self.by_arn[record.who]
        if record.who.startswith("arn:"):
            return self._principal_node(record.who)
        if record.who == "root" and self.accounts:
            return self._principal_node(f"arn:aws:iam::{self.accounts[0].id}:root")
        return None

    def _principal_node(self, arn: str) -> str | None:
        """A node for a root user, role session or federated user that made calls."""
        parsed = parse_arn(arn)
        if parsed is None or not parsed.account:
            return None
        account = parsed.account
        kind_word, _, rest = parsed.resource.partition("/")
        if parsed.service == "iam" and parsed.resource == "root":
            nid = node_id(account, "root", "root")
            self.flow.add_node(Node(nid, "root user", "root", account))
        elif kind_word == "assumed-role" and "/" in rest:
            role, session = rest.split("/", 1)
            nid = node_id(account, "session", rest)
            self.flow.add_node(Node(nid, session, "session", account, f"role session of {role}"))
            role_id = self.by_arn.get(f"arn:aws:iam::{account}:role/{role}") or self.by_name.get(
                role
            )
            if role_id:
                self.flow.add_edge(Edge(role_id, nid, "member"))
        elif kind_word == "federated-user":
            nid = node_id(account, "federated", rest)
            self.flow.add_node(Node(nid, rest, "federated", account))
        else:
            return None
        self.by_arn[arn] = nid
        return nid

    def _target(self, record: CallRecord, source: str, decision: str) -> str | None:
        """What a call is drawn to: the credentials GetSessionToken asked for, the MFA device
        an IAM call on a user was about, the role or resource, or (a call on ``*``) the
        service of the caller's account."""
        action = record.action.lower()
        account = self._account_of(source)
        if action == "sts:getsessiontoken" and account is not None:
            return self._credentials(record, source, account, decision)
        if action in _DEVICE_ACTIONS and account is not None:
            serial = device_of(_text(record), account)
            if serial is not None and serial in self.by_arn:
                return self.by_arn[serial]
        arns = [getattr(record, "resource", "") or "", record.target]
        for arn in arns:
            if not arn:
                continue
            if arn in self.by_arn:
                return self.by_arn[arn]
            if arn.startswith("arn:aws:s3:::"):
                bucket = "arn:aws:s3:::" + arn[len("arn:aws:s3:::") :].split("/", 1)[0]
                if bucket in self.by_arn:
                    return self.by_arn[bucket]
        if account is not None and (all(not a for a in arns) or any(_wide(a) for a in arns)):
            return self._service(account, action)
        return None  # a role or resource that does not exist (any more)

    def _is(self, nid: str, kind: str) -> bool:
        node = self.flow.node(nid)
        return node is not None and node.kind == kind

    def _account_of(self, nid: str) -> str | None:
        node = self.flow.node(nid)
        return node.account if node is not None and node.account in self.flow.accounts else None

    def _credentials(self, record: CallRecord, caller: str, account: str, decision: str) -> str:
        """The node of the temporary credentials a GetSessionToken call asked for: MFA
        credentials with the device it named, or credentials without MFA."""
        owner = getattr(record, "principal", "") or record.who
        root = owner.endswith(":root") or owner == "root"
        serial = None if root else device_of(_text(record), account)
        if serial is not None:
            device = serial.removeprefix(f"arn:aws:iam::{account}:")
            nid = node_id(account, "credentials", f"{caller}_{device}")
            node = Node(nid, f"MFA credentials\n(device {device})", "credentials", account)
        else:
            nid = node_id(account, "credentials", f"{caller}_none")
            node = Node(nid, "temporary credentials\nwithout MFA", "credentials", account)
        issued = decision == "allowed" and not record.error
        node.state = "" if issued else "not issued"
        stored = self.flow.add_node(node)
        if issued:
            stored.state = ""  # issued at least once
            self.issued[(owner, serial is not None)] = stored.id
        return stored.id

    def _service(self, account: str, action: str) -> str:
        """The node of a service in ``account``, for calls on ``*`` (ListAllMyBuckets)."""
        service = action.split(":", 1)[0]
        where = self.flow.accounts.get(account, account)
        if where == account:
            where = f"account {account}"
        elif where.startswith("Account "):
            where = "account " + where.removeprefix("Account ")
        name = _SERVICES.get(service, service.upper())
        nid = node_id(account, "service", service)
        return self.flow.add_node(Node(nid, f"{name} in {where}", "service", account)).id

    def empty_accounts(self) -> None:
        used = {node.account for node in self.flow.nodes}
        for account in self.flow.accounts:
            if account not in used:
                self.flow.add_node(
                    Node(
                        node_id(account, "account", "empty"),
                        "no users, roles or resources yet",
                        "account",
                        account,
                    )
                )


def _wide(arn: str) -> bool:
    """Whether a call's resource is no one role or resource: ``*``, ``arn:aws:s3:::``, or
    an ARN with a wildcard (``table/*``)."""
    if arn == "*":
        return True
    parts = arn.split(":", 5)
    return len(parts) == 6 and parts[0] == "arn" and (not parts[5] or "*" in parts[5])


def _relation_words(rel: Relation) -> str:
    if rel.kind == "trust":
        head = "may assume" if rel.actions == ("sts:AssumeRole",) else short_actions(rel.actions)
    else:
        head = short_actions(rel.actions)
    parts = [head]
    if rel.conditions:
        parts.append(" and ".join(rel.conditions))
    if rel.denied_if:
        parts.append("denied " + " and ".join(rel.denied_if))
    return " ".join(parts)


def _why(record: CallRecord, decision: str) -> str:
    """The second line of a call's label: why it was refused, denied or failed."""
    if decision == "allowed":
        return ""
    if decision == "refused":
        return _first_sentence(record.message) or record.error
    if decision == "refusedByRule":
        return rule_parts(_text(record))[0]
    if decision == "explicitDeny":
        if record.denied_by is None:  # a row of the trail: its reason says where
            where = _WHERE.search(_text(record))
            if where:
                return f"in {where.group(1)}"
        place = _PLACES.get(record.denied_by or "", record.denied_by or "a policy")
        return f"in {place}"
    if decision == "implicitDeny":
        failed = _FAILED.search(record.explanation or "")
        if failed:
            key = failed.group(1)
            return f"{KEY_WORDS.get(key.lower(), key)} condition not met"
        if record.denied_by in ("boundary", "session"):
            return f"not allowed by {_PLACES[record.denied_by]}"
        return ""
    return f"{record.error}: {record.message}" if record.message else record.error


def _first_sentence(message: str) -> str:
    """A service's message, its first sentence only when it is long (the rest is in the
    table and the explanation)."""
    first, dot, rest = (message or "").partition(". ")
    return f"{first}." if dot and rest and len(message) > 80 else message or ""


def lab_flow(
    lab: Any,
    title: str,
    calls: Iterable[CallRecord] = (),
    notes: Mapping[str, str] | None = None,
) -> TrustFlow:
    """The trust-flow model of ``lab`` now, with ``calls`` drawn as coloured arrows.

    ``notes`` maps a user's ARN to a few words shown under its name (e.g. "administrator").
    """
    builder = _Builder(title, inventory(lab), notes or {})
    builder.things()
    builder.relations()
    builder.calls(calls)
    builder.empty_accounts()
    return builder.flow
