"""Building blocks for checkers: run a learner's policy through the engine over labelled cases."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from iamlab.policy import Decision, PolicyError, evaluate, parse_policy

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
    return dict(answer) if isinstance(answer, Mapping) else None


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


def decide(case: Case) -> Decision:
    """The engine's decision for one case."""
    return evaluate(
        action=case.action,
        resource=case.resource,
        principal=case.principal,
        context=case.context,
        identity_policies=case.identity_policies,
        resource_policy=case.resource_policy,
        resource_account=case.resource_account,
    )


def prediction_problems(
    answer: Any, truth: Mapping[str, str], questions: Mapping[str, str]
) -> list[str]:
    """Check a dict of predictions {way: "allowed" | "denied"} against what the lab decides.

    ``truth`` maps each way to the lab's outcome; ``questions`` gives, per way, the question a
    learner should ask themselves when the prediction is wrong.
    """
    if answer is None:
        return ["replace None with the dict of predictions from the notebook"]
    if not isinstance(answer, Mapping):
        return ['answer with a dict: {way: "allowed" or "denied", ...}']
    problems = []
    missing = [way for way in truth if way not in answer]
    if missing:
        problems.append("predict these too: " + "; ".join(missing))
    for way, said in answer.items():
        if way not in truth:
            problems.append(f"{way!r} is not one of the ways listed in the notebook")
        elif said is None:
            problems.append(f'{way}: replace None with "allowed" or "denied"')
        elif said not in ("allowed", "denied"):
            problems.append(f'{way}: answer "allowed" or "denied", not {said!r}')
        elif said != truth[way]:
            problems.append(f"{way}: not what the lab decides. Ask yourself: {questions[way]}")
    return problems


def case_problems(cases: Iterable[Case], place: str = "identity") -> list[str]:
    """Run each case with the learner's policy in ``place``; list the ones decided wrongly.

    The case's policies are used as given; ``place`` says where the learner's policy
    (already put into each case) sits, only for the wording.
    """
    problems = []
    for case in cases:
        got = decide(case).decision
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
