"""Building blocks for checkers: run a learner's policy through the engine over labelled cases."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from iamlab.policy import PolicyError, evaluate, parse_policy

OUTCOME_WORDS = {
    "allowed": "allowed",
    "explicitDeny": "denied by an explicit Deny",
    "implicitDeny": "denied (nothing allows it)",
}


@dataclass
class Case:
    """One request a correct answer must decide a certain way."""

    label: str  # e.g. "Richard with MFA"
    expected: str  # allowed | denied | explicitDeny | implicitDeny
    action: str
    resource: str
    principal: str
    context: dict[str, Any] = field(default_factory=dict)
    identity_policies: list[Any] = field(default_factory=list)
    resource_policy: Any = None
    resource_account: str | None = None


def as_document(answer: Any) -> dict[str, Any] | None:
    """The learner's policy as a dict (a JSON string is parsed), or None when it is not one."""
    if isinstance(answer, str):
        try:
            answer = json.loads(answer)
        except ValueError:
            return None
    return answer if isinstance(answer, Mapping) else None


def policy_problems(answer: Any, kind: str = "identity") -> list[str]:
    """What IAM would reject in the learner's policy (empty when valid)."""
    doc = as_document(answer)
    if doc is None:
        return ["write the policy as a dict (or a JSON string) with Version and Statement"]
    try:
        parse_policy(doc, kind)
    except PolicyError as exc:
        return [f"IAM would reject this policy: {exc}"]
    return []


def case_problems(cases: Iterable[Case], place: str = "identity") -> list[str]:
    """Run each case with the learner's policy in ``place``; list the ones decided wrongly.

    The case's policies are used as given; ``place`` says where the learner's policy
    (already put into each case) sits, only for the wording.
    """
    problems = []
    for case in cases:
        d = evaluate(
            action=case.action,
            resource=case.resource,
            principal=case.principal,
            context=case.context,
            identity_policies=case.identity_policies,
            resource_policy=case.resource_policy,
            resource_account=case.resource_account,
        )
        got = d.decision
        want = case.expected
        ok = got == want or (want == "denied" and got != "allowed")
        if not ok:
            should = {"allowed": "allowed", "explicitDeny": "denied by an explicit Deny"}.get(
                want, "denied"
            )
            problems.append(
                f"{case.label}: your {place} policy gives {OUTCOME_WORDS[got]}, "
                f"but it should be {should}"
            )
    return problems
