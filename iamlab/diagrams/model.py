"""The trust-flow model: accounts, the principals and resources in them, and the edges between.

A :class:`TrustFlow` is plain data; :mod:`iamlab.diagrams.render` draws it and
:mod:`iamlab.diagrams.from_lab` builds one from a running lab.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NODE_KINDS = (
    "account",
    "root",
    "user",
    "group",
    "role",
    "session",
    "federated",
    "mfa",
    "credentials",
    "service",
    "bucket",
    "table",
    "instance",
    "third-party",
    "provider",
)
EDGE_KINDS = ("trust", "member", "permission", "mfa", "call")
# what happened to a call: IAM's three decisions, "refused" (turned away before any policy
# was evaluated: a wrong, reused or expired MFA code, an unknown key, an expired token, a
# parameter the service refuses), "refusedByRule" (the policies allowed it and a rule of the
# service refused it: AWS-2023-001) and "error" (allowed, but the service failed the
# request, e.g. NoSuchKey)
DECISIONS = ("allowed", "explicitDeny", "implicitDeny", "refused", "refusedByRule", "error")


@dataclass
class Node:
    """A principal, device or resource, drawn inside its account."""

    id: str
    label: str
    kind: str
    account: str | None = None
    detail: str = ""
    state: str = ""  # drawn dashed, in words: an unassigned MFA device, credentials not issued

    def __post_init__(self) -> None:
        if self.kind not in NODE_KINDS:
            raise ValueError(f"unknown node kind {self.kind!r}; expected one of {NODE_KINDS}")


@dataclass
class Edge:
    """A relation (trust, membership, permission, MFA device) or an attempted call."""

    source: str
    target: str
    kind: str
    label: str = ""
    decision: str | None = None
    count: int = 1
    note: str = ""  # for calls: the service's message or the policy that decided

    def __post_init__(self) -> None:
        if self.kind not in EDGE_KINDS:
            raise ValueError(f"unknown edge kind {self.kind!r}; expected one of {EDGE_KINDS}")
        if self.decision is not None and self.decision not in DECISIONS:
            raise ValueError(f"unknown decision {self.decision!r}; expected one of {DECISIONS}")


@dataclass
class TrustFlow:
    """Everything one diagram shows."""

    title: str
    accounts: dict[str, str] = field(default_factory=dict)  # id -> display name
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    def add_node(self, node: Node) -> Node:
        """Add ``node`` unless a node with its id exists; return the stored node."""
        for existing in self.nodes:
            if existing.id == node.id:
                return existing
        self.nodes.append(node)
        return node

    def add_edge(self, edge: Edge) -> Edge:
        """Add ``edge``; a relation already drawn, or the same call again, is counted once.

        The same call (same caller, target, words and decision) made again is drawn
        once with its count.
        """
        for existing in self.edges:
            same = (existing.source, existing.target, existing.kind, existing.label) == (
                edge.source,
                edge.target,
                edge.kind,
                edge.label,
            )
            if not same:
                continue
            if edge.kind != "call":
                return existing
            if (existing.decision, existing.note) == (edge.decision, edge.note):
                existing.count += edge.count
                return existing
        self.edges.append(edge)
        return edge

    def node(self, node_id: str) -> Node | None:
        """The node with id ``node_id``, or None."""
        return next((n for n in self.nodes if n.id == node_id), None)

    def calls(self) -> list[Edge]:
        """The call edges, in the order they were made."""
        return [e for e in self.edges if e.kind == "call"]

    def summary(self) -> str:
        """One line: the title and what each call got (the text form of a diagram)."""
        names = {n.id: " ".join(n.label.split()) for n in self.nodes}
        calls = [
            f"{names.get(e.source, e.source)} {e.label.splitlines()[0]} "
            f"{names.get(e.target, e.target)}: {e.decision}"
            + (f" x{e.count}" if e.count > 1 else "")
            for e in self.calls()
        ]
        accounts = ", ".join(self.accounts.values())
        what = "; ".join(calls) if calls else "no calls yet"
        return f"{self.title} [{accounts}] - {what}"
