"""Build the :class:`TrustFlow` of a scenario: who trusts whom, who may do what, what was tried."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from iamlab.data import load_policy
from iamlab.policy import parse_policy
from iamlab.policy.arn import parse_arn

from .model import Edge, Node, TrustFlow

if TYPE_CHECKING:
    from iamlab.scenarios.base import Attempt, Scenario

# friendly words for the condition keys the stories use
_KEY_WORDS = {
    "aws:multifactorauthpresent": "MFA",
    "aws:multifactorauthage": "MFA age",
    "sts:externalid": "external ID",
    "aws:tokenissuetime": "token issued",
}
_PLACES = {
    "identity": "an identity policy",
    "resource": "the resource policy",
    "trust": "the trust policy",
    "boundary": "the boundary",
    "session": "the session policy",
    "scp": "an SCP",
    "rcp": "an RCP",
}
_NOTE = re.compile(r"\(([^)]*)\)")
_FAILED = re.compile(r"- (\S+) (\S+): .*-> not met")


def _node_id(account: str, kind: str, name: str) -> str:
    return f"{account}_{kind}_{re.sub(r'[^A-Za-z0-9]', '_', name)}"


def condition_words(statement: dict[str, Any]) -> str:
    """A short phrase for a statement's conditions: ``if MFA``, ``if external ID = 12345``."""
    phrases = []
    for operator, block in (statement.get("Condition") or {}).items():
        for key, value in block.items():
            words = _KEY_WORDS.get(key.lower(), key)
            values = value if isinstance(value, list) else [value]
            shown = ", ".join(str(v) for v in values)
            if operator.startswith("Bool") and key.lower() == "aws:multifactorauthpresent":
                wanted = str(values[0]).lower() == "true"
                phrases.append(words if wanted else f"no {words}")
            elif operator.startswith("NumericLessThan"):
                phrases.append(f"{words} < {shown} s")
            elif operator.startswith("StringEquals"):
                phrases.append(f"{words} = {shown}")
            else:
                phrases.append(f"{operator} {words} {shown}")
    return ("if " + " and ".join(phrases)) if phrases else ""


def _short_actions(actions: Iterable[str]) -> str:
    items = list(actions)
    shown = ", ".join(a.split(":", 1)[-1] if ":" in a else a for a in items[:3])
    service = items[0].split(":", 1)[0] + ":" if items and ":" in items[0] else ""
    more = f" +{len(items) - 3}" if len(items) > 3 else ""
    return f"{service}{shown}{more}"


class _Builder:
    def __init__(self, scenario: Scenario) -> None:
        self.sc = scenario
        self.spec = scenario.definition
        self.flow = TrustFlow(scenario.title, dict(scenario.accounts))
        self.by_arn: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        self.identity: dict[str, list[dict[str, Any]]] = {}  # node id -> all its policy docs
        self.own: dict[str, list[dict[str, Any]]] = {}  # node id -> policies attached to it

    def principals(self) -> None:
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for group in self.spec.get("groups", []):
            gid = _node_id(group["account"], "group", group["name"])
            self.flow.add_node(Node(gid, group["name"], "group", group["account"]))
            docs = [load_policy(p) for p in group.get("policies", {}).values()]
            groups[(group["account"], group["name"])] = docs
            self.identity[gid] = self.own[gid] = docs
            self.by_name[group["name"]] = gid
        for user in self.spec.get("users", []):
            actor = self.sc.actors[user["name"]]
            uid = _node_id(actor.account, "user", actor.name)
            self.flow.add_node(Node(uid, actor.name, "user", actor.account, actor.detail))
            self.by_arn[actor.arn] = uid
            self.by_name[actor.name] = uid
            docs = [load_policy(p) for p in user.get("policies", {}).values()]
            self.own[uid] = list(docs)
            for group in user.get("groups", []):
                self.flow.add_edge(
                    Edge(uid, _node_id(actor.account, "group", group), "member", "member of")
                )
                docs += groups[(actor.account, group)]
            self.identity[uid] = docs
            if actor.mfa_serial:
                mid = uid + "_mfa"
                self.flow.add_node(
                    Node(mid, f"{actor.name}'s phone", "mfa", actor.account, actor.mfa_serial)
                )
                self.flow.add_edge(Edge(mid, uid, "mfa"))
        for role in self.spec.get("roles", []):
            rid = _node_id(role["account"], "role", role["name"])
            self.flow.add_node(Node(rid, role["name"], "role", role["account"]))
            arn = self.sc.roles[f"{role['account']}/{role['name']}"]
            self.by_arn[arn] = rid
            self.by_name.setdefault(role["name"], rid)
            docs = [load_policy(p) for p in role.get("policies", {}).values()]
            self.identity[rid] = self.own[rid] = docs

    def resources(self) -> None:
        kinds = {"buckets": "bucket", "tables": "table"}
        for key, kind in kinds.items():
            for item in self.spec.get(key, []):
                nid = _node_id(item["account"], kind, item["name"])
                self.flow.add_node(Node(nid, item["name"], kind, item["account"]))
                self.by_arn[self.sc.resources[item["name"]]] = nid
        for name, arn in self.sc.resources.items():
            if name.startswith("i-"):
                account = parse_arn(arn).account  # type: ignore[union-attr]
                nid = _node_id(account, "instance", name)
                self.flow.add_node(Node(nid, name, "instance", account))
                self.by_arn[arn] = nid

    def trust(self) -> None:
        for role in self.spec.get("roles", []):
            rid = _node_id(role["account"], "role", role["name"])
            arn = self.sc.roles[f"{role['account']}/{role['name']}"]
            trust = load_policy(role["trust"])
            statements = trust["Statement"]
            for st in statements if isinstance(statements, list) else [statements]:
                if st.get("Effect") != "Allow":
                    continue
                accounts = st.get("Principal", {}).get("AWS", [])
                accounts = accounts if isinstance(accounts, list) else [accounts]
                label = " ".join(w for w in ("may assume", condition_words(st)) if w)
                for principal in accounts:
                    account = principal if principal.isdigit() else principal.split(":")[4]
                    for uid in self._users_allowed(account, "sts:AssumeRole", arn):
                        self.flow.add_edge(Edge(uid, rid, "trust", label))

    def _users_allowed(self, account: str, action: str, resource: str) -> list[str]:
        """Users of ``account`` (not its administrators) whose own policies allow ``action``."""
        out = []
        for user in self.spec.get("users", []):
            if user["account"] != account or user.get("detail") == "administrator":
                continue
            uid = self.by_name[user["name"]]
            if _identity_allows(self.identity[uid], action, resource):
                out.append(uid)
        return out

    def permissions(self) -> None:
        for nid, docs in self.own.items():
            for doc in docs:
                policy = parse_policy(doc)
                for st in policy.statements:
                    if not st.allow or st.actions.any or st.resources is None:
                        continue
                    for arn, target in self.by_arn.items():
                        node = self.flow.node(target)
                        if node is None or node.kind not in ("bucket", "table", "instance"):
                            continue
                        if st.resources.any and node.kind != "instance":
                            continue  # "*" grants are drawn for instances only, to stay legible
                        candidates = [arn, arn + "/x"] if node.kind == "bucket" else [arn]
                        if any(st.resources.match(c, _EMPTY) for c in candidates):
                            label = " ".join(
                                w
                                for w in (
                                    _short_actions(st.actions.items),
                                    condition_words(st.source),
                                )
                                if w
                            )
                            self.flow.add_edge(Edge(nid, target, "permission", label))
        for bucket in self.spec.get("buckets", []):
            if not bucket.get("policy"):
                continue
            target = self.by_arn[self.sc.resources[bucket["name"]]]
            doc = load_policy(bucket["policy"])
            statements = (
                doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
            )
            for st in statements:
                accounts = st.get("Principal", {}).get("AWS", [])
                accounts = accounts if isinstance(accounts, list) else [accounts]
                names = [self.sc.accounts.get(a, a) for a in accounts]
                label = f"bucket policy: {', '.join(names)} {condition_words(st)}".strip()
                for account in accounts:
                    for user in self.spec.get("users", []):
                        if user["account"] == account and user.get("detail") != "administrator":
                            self.flow.add_edge(
                                Edge(self.by_name[user["name"]], target, "permission", label)
                            )

    def _session_node(self, arn: str) -> str:
        """A node for a role session or federated user that made calls."""
        parsed = parse_arn(arn)
        kind_word, _, rest = parsed.resource.partition("/")  # type: ignore[union-attr]
        if kind_word == "assumed-role":
            role, session = rest.split("/", 1)
            nid = _node_id(parsed.account, "session", rest)  # type: ignore[union-attr]
            self.flow.add_node(Node(nid, session, "session", parsed.account, f"session of {role}"))  # type: ignore[union-attr]
            role_id = self.by_name.get(role)
            if role_id:
                self.flow.add_edge(Edge(role_id, nid, "member", "session of"))
        else:
            nid = _node_id(parsed.account, "federated", rest)  # type: ignore[union-attr]
            self.flow.add_node(Node(nid, rest, "federated", parsed.account))  # type: ignore[union-attr]
        self.by_arn[arn] = nid
        return nid

    def empty_accounts(self) -> None:
        used = {node.account for node in self.flow.nodes}
        for account in self.sc.accounts:
            if account not in used:
                self.flow.add_node(
                    Node(
                        _node_id(account, "account", "empty"),
                        "nobody from this account acts in this story",
                        "account",
                        account,
                    )
                )

    def calls(self, attempts: Iterable[Attempt]) -> None:
        for attempt in attempts:
            source = self.by_name.get(attempt.who) or self.by_arn.get(attempt.who)
            if source is None and attempt.who.startswith("arn:aws:sts::"):
                source = self._session_node(attempt.who)
            if attempt.who == "root":
                account = next(iter(self.sc.accounts))
                source = _node_id(account, "root", "root")
                self.flow.add_node(Node(source, "root", "root", account))
            target = self.by_arn.get(attempt.target) or self.by_arn.get(
                attempt.target.split("/", 1)[0] if attempt.target.startswith("arn:aws:s3") else ""
            )
            if source is None or target is None:
                continue
            outcome = "error" if attempt.error and attempt.outcome == "allowed" else attempt.outcome
            label = attempt.action.split(":", 1)[-1]
            note = _NOTE.search(attempt.label)
            if note:
                label += f" ({note.group(1)})"
            failed = _FAILED.search(attempt.explanation or "")
            if attempt.denied_by and outcome == "explicitDeny":
                label += f"\nexplicit Deny in {_PLACES.get(attempt.denied_by, attempt.denied_by)}"
            elif outcome != "allowed" and failed:
                label += (
                    f"\n{_KEY_WORDS.get(failed.group(2).lower(), failed.group(2))} check failed"
                )
            elif "MultiFactorAuthentication failed" in attempt.message:
                label += "\nMFA code rejected"
            elif attempt.error:
                label += f"\n{attempt.error}"
            self.flow.add_edge(Edge(source, target, "call", label, outcome))


def _identity_allows(docs: list[dict[str, Any]], action: str, resource: str) -> bool:
    """Whether an Allow statement of ``docs`` lists ``action`` on ``resource`` (no conditions)."""
    for doc in docs:
        for st in parse_policy(doc).statements:
            if (
                st.allow
                and st.actions.match(action.lower()) != st.not_action
                and st.resources is not None
                and st.resources.match(resource, _EMPTY) != st.not_resource
            ):
                return True
    return False


class _Empty:
    def get(self, key: str) -> None:
        return None


_EMPTY: Any = _Empty()


def trust_flow(scenario: Scenario, attempts: Iterable[Attempt] = ()) -> TrustFlow:
    """The trust-flow model of ``scenario`` with ``attempts`` drawn as coloured calls."""
    builder = _Builder(scenario)
    builder.principals()
    builder.resources()
    builder.trust()
    builder.permissions()
    builder.calls(attempts)
    builder.empty_accounts()
    return builder.flow
