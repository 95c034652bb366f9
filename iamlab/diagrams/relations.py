"""Who may assume which role and who may act on which resource, decided by the policy engine.

For every pair of a principal and a role (or resource) in the lab, the engine evaluates
the policies as stored: identity policies (with the groups'), the trust policy or the
bucket policy, and the cross-account rule. Conditions are not a property of the pair but
of the request, so each Allow is evaluated with its conditions set aside and the words of
those conditions become the edge's label ("may assume if MFA"). A Deny that applies only
under a condition is reported the same way ("denied if no MFA"). A statement that allows
everything (``"Action": "*"`` on ``"*"``) draws no arrows: the node says "full access".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from iamlab.policy import Decision, Policy, evaluate, parse_policy
from iamlab.policy.glob import glob

from .inventory import Account, Holder, NamedPolicy, Resource
from .words import condition_words

# actions that never act on one bucket, table or instance (their resource is "*")
_LISTING = tuple(
    glob(p, True)
    for p in (
        "s3:listallmybuckets",
        "dynamodb:listtables",
        "dynamodb:describelimits",
        "ec2:describe*",
    )
)
_SERVICE = {"bucket": "s3", "table": "dynamodb", "instance": "ec2"}
_ASSUME = {"oidc": "sts:AssumeRoleWithWebIdentity", "saml": "sts:AssumeRoleWithSAML"}
_ASSUME_ROLE = ("sts:AssumeRole",)


@dataclass(frozen=True)
class Relation:
    """An arrow between a principal and a role or resource, and the words on it."""

    kind: str  # trust | permission
    source: str  # ARN of a user, group, role or identity provider
    target: str  # ARN of a role or resource
    actions: tuple[str, ...]
    conditions: tuple[str, ...] = ()  # "MFA", "external ID = 12345"
    denied_if: tuple[str, ...] = ()  # conditions under which a Deny applies


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def full_access(statement: dict[str, Any]) -> bool:
    """Whether a statement (as written) allows every action on every resource, always."""
    return (
        statement.get("Effect") == "Allow"
        and "*" in _items(statement.get("Action", []))
        and "*" in _items(statement.get("Resource", []))
        and not statement.get("Condition")
    )


def statements(named: NamedPolicy) -> list[dict[str, Any]]:
    """The statements of a stored policy, as written."""
    return list(_items(named.policy.document.get("Statement", [])))


@lru_cache(maxsize=1024)
def _parse(text: str, kind: str, name: str) -> Policy:
    return parse_policy(text, kind=kind, name=name)


def _variant(named: NamedPolicy, keep: Any, suffix: str) -> tuple[Policy, list[dict]] | None:
    """The policy with only the statements ``keep`` accepts, their conditions removed
    (parsed under a name of its own), and the kept statements as written."""
    kept = [st for st in statements(named) if keep(st)]
    if not kept:
        return None
    document = {
        "Version": named.policy.document.get("Version", "2012-10-17"),
        "Statement": [{k: v for k, v in st.items() if k != "Condition"} for st in kept],
    }
    text = json.dumps(document, sort_keys=True)
    return _parse(text, named.policy.kind, f"{named.name}{suffix}"), kept


class _Policies:
    """Relaxed policies for the engine, and the statements as written behind them."""

    def __init__(self) -> None:
        self.written: dict[tuple[str, int], dict[str, Any]] = {}  # (name, index) -> statement

    def add(self, named: NamedPolicy, keep: Any, suffix: str) -> Policy | None:
        got = _variant(named, keep, suffix)
        if got is None:
            return None
        policy, kept = got
        for index, statement in enumerate(kept):
            self.written[(policy.name or "", index)] = statement
        return policy

    def relaxed(self, named: NamedPolicy) -> Policy | None:
        """Allows without their conditions (full access set aside), unconditional Denies."""

        def keep(st: dict[str, Any]) -> bool:
            if st.get("Effect") == "Allow":
                return not full_access(st)
            return not st.get("Condition")

        return self.add(named, keep, "")

    def conditional_denies(self, named: NamedPolicy) -> Policy | None:
        """The Denies that apply only under a condition, without it."""
        return self.add(
            named,
            lambda st: st.get("Effect") == "Deny" and bool(st.get("Condition")),
            " (its conditional Deny)",
        )

    def words(self, decision: Decision) -> tuple[str, ...]:
        """The condition words of the statements that decided, as written, without repeats."""
        out: list[str] = []
        for matched in decision.matched_statements:
            written = self.written.get((matched.policy, matched.index), matched.statement)
            words = condition_words(written)
            if words and words not in out:
                out.append(words)
        return tuple(out)


class _Principal:
    """A principal that can make requests, with the policies the engine needs."""

    def __init__(self, holder: Holder, groups: dict[str, Holder], book: _Policies) -> None:
        self.holder = holder
        named = list(holder.policies)
        for name in holder.groups:
            named += groups[name].policies
        self.named = named
        self.identity = [p for p in (book.relaxed(n) for n in named) if p is not None]
        self.denies = [p for p in (book.conditional_denies(n) for n in named) if p is not None]
        if holder.kind == "role":
            # a role acts through its sessions; resource policies may name the role
            self.arn = (
                f"arn:aws:sts::{holder.account}:assumed-role/{holder.name}/{holder.name}-session"
            )
        else:
            self.arn = holder.arn
        owners: dict[str, str] = {n.name: holder.arn for n in holder.policies}
        for name in holder.groups:
            for n in groups[name].policies:
                owners[n.name] = groups[name].arn
        self.owners = owners  # policy name -> ARN of the user, group or role holding it


def _decide(
    book: _Policies,
    principal: _Principal,
    action: str,
    resource: str,
    account: str,
    resource_policy: NamedPolicy | None,
) -> tuple[Decision, tuple[str, ...]] | None:
    """The relaxed decision, and the conditions under which a Deny applies, when allowed."""
    relaxed = book.relaxed(resource_policy) if resource_policy is not None else None
    d = evaluate(
        action=action,
        resource=resource,
        principal=principal.arn,
        identity_policies=principal.identity,
        resource_policy=relaxed,
        resource_account=account,
    )
    if not d:
        return None
    denied_if: tuple[str, ...] = ()
    rp_denies = book.conditional_denies(resource_policy) if resource_policy is not None else None
    if principal.denies or rp_denies is not None:
        check = evaluate(
            action=action,
            resource=resource,
            principal=principal.arn,
            identity_policies=[*principal.identity, *principal.denies],
            resource_policy=rp_denies if rp_denies is not None else relaxed,
            resource_account=account,
        )
        if check.decision == "explicitDeny":
            denied_if = book.words(check)
    return d, denied_if


def _trust(
    book: _Policies, role: Holder, principals: list[_Principal], accounts: list[Account]
) -> list[Relation]:
    out: list[Relation] = []
    trust = role.trust
    if trust is None:
        return out
    for principal in principals:
        got = _decide(book, principal, "sts:AssumeRole", role.arn, role.account, trust)
        if got is not None:
            d, denied_if = got
            words = book.words(d)
            out.append(
                Relation("trust", principal.holder.arn, role.arn, _ASSUME_ROLE, words, denied_if)
            )
    relaxed = book.relaxed(trust)
    for account in accounts:
        for provider in account.providers:
            action = _ASSUME.get(provider.kind)
            if action is None or relaxed is None:
                continue
            d = evaluate(
                action=action,
                resource=role.arn,
                principal=provider.arn,
                resource_policy=relaxed,
                resource_account=role.account,
            )
            if d:
                out.append(Relation("trust", provider.arn, role.arn, (action,), book.words(d)))
    return out


def _candidates(principal: _Principal, resource: Resource) -> list[str]:
    """The actions the principal's policies or the resource's policy name for its service."""
    service = _SERVICE[resource.kind]
    named = list(principal.named)
    if resource.policy is not None:
        named.append(resource.policy)
    out: list[str] = []
    for item in named:
        for st in statements(item):
            if st.get("Effect") != "Allow" or "Action" not in st or full_access(st):
                continue
            for action in _items(st["Action"]):
                if not isinstance(action, str) or action in out:
                    continue
                if action.split(":", 1)[0].lower() != service:
                    continue
                if any(p.match(action.lower()) for p in _LISTING):
                    continue
                out.append(action)
    return out


def _permissions(book: _Policies, principal: _Principal, resource: Resource) -> list[Relation]:
    """One arrow per holder of the granting policies and set of conditions."""
    arns = [resource.arn, resource.arn + "/*"] if resource.kind == "bucket" else [resource.arn]
    grouped: dict[tuple[str, tuple[str, ...], tuple[str, ...]], list[str]] = {}
    for action in _candidates(principal, resource):
        for arn in arns:
            got = _decide(book, principal, action, arn, resource.account, resource.policy)
            if got is None:
                continue
            d, denied_if = got
            owners = [
                principal.owners[m.policy]
                for m in d.matched_statements
                if m.policy_type == "identity" and m.policy in principal.owners
            ]
            # drawn from the group when the permission comes from a group's policy
            source = owners[0] if owners else principal.holder.arn
            grouped.setdefault((source, book.words(d), denied_if), []).append(action)
            break
    return [
        Relation("permission", source, resource.arn, tuple(actions), words, denied_if)
        for (source, words, denied_if), actions in grouped.items()
    ]


def _fingerprint(accounts: list[Account]) -> tuple[Any, ...]:
    def policies(items: Iterable[NamedPolicy | None]) -> tuple[Any, ...]:
        return tuple((n.name, n.policy.text) for n in items if n is not None)

    return tuple(
        (
            a.id,
            tuple(
                (h.kind, h.arn, tuple(h.groups), policies([*h.policies, h.trust]))
                for h in a.holders()
            ),
            tuple((p.arn, p.kind) for p in a.providers),
            tuple((r.kind, r.arn, policies([r.policy])) for r in a.resources),
        )
        for a in accounts
    )


def relations(accounts: list[Account]) -> list[Relation]:
    """Every trust and permission arrow of the lab described by ``accounts``."""
    return list(_relations(_fingerprint(accounts), _Frozen(accounts)))


class _Frozen:
    """Carries the accounts through the cache without taking part in the key."""

    def __init__(self, accounts: list[Account]) -> None:
        self.accounts = accounts

    def __hash__(self) -> int:
        return 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Frozen)


@lru_cache(maxsize=64)
def _relations(key: tuple[Any, ...], frozen: _Frozen) -> tuple[Relation, ...]:
    accounts = frozen.accounts
    book = _Policies()
    principals = [
        _Principal(h, {g.name: g for g in a.groups if g.name in h.groups}, book)
        for a in accounts
        for h in (*a.users, *a.roles)
    ]
    out: list[Relation] = []
    for account in accounts:
        for role in account.roles:
            others = [p for p in principals if p.holder.arn != role.arn]
            out += _trust(book, role, others, accounts)
    seen: set[Relation] = set()
    for principal in principals:
        for account in accounts:
            for resource in account.resources:
                for rel in _permissions(book, principal, resource):
                    if rel not in seen:  # two members of a group: one arrow from the group
                        seen.add(rel)
                        out.append(rel)
    return tuple(out)
