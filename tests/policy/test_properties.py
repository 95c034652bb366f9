"""Properties of evaluate() that hold for any request and any policies (Hypothesis).

IAM User Guide, "Policy evaluation logic": an explicit Deny in any policy
overrides every Allow; the order of statements and of policies plays no part;
a Deny can only take permissions away and an Allow can never undo a Deny.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from iamlab import evaluate
from iamlab.policy.evaluation import resource_policy_kind

A, B = "111111111111", "222222222222"
PRINCIPALS = [
    f"arn:aws:iam::{A}:user/Anaya",
    f"arn:aws:iam::{B}:user/Richard",
    f"arn:aws:sts::{A}:assumed-role/Admin/s1",
    f"arn:aws:iam::{A}:role/Admin",
    f"arn:aws:iam::{A}:root",
    f"arn:aws:sts::{A}:federated-user/Bob",
    "cloudtrail.amazonaws.com",
    None,
]
ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "sts:AssumeRole",
    "kms:Decrypt",
    "kms:DeleteAlias",
    "ec2:StopInstances",
    "sts:GetCallerIdentity",
]
RESOURCES = [
    "arn:aws:s3:::reports/q1.csv",
    f"arn:aws:iam::{A}:role/Admin",
    f"arn:aws:kms:us-east-1:{A}:key/k1",
    f"arn:aws:kms:us-east-1:{A}:alias/aws/s3",
    f"arn:aws:ec2:us-east-1:{B}:instance/i-1",
    "*",
]
POLICY_ACTIONS = [
    "*",
    "s3:*",
    "s3:GetObject",
    "sts:*",
    "kms:*",
    "ec2:Stop*",
    "iam:*",
    "s3:Get?bject",
]
POLICY_RESOURCES = ["*", "arn:aws:s3:::reports/*", f"arn:aws:kms:*:{A}:*", "arn:aws:*:*:*:*"]
CONDITIONS: list[dict[str, Any]] = [
    {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    {"StringEquals": {"aws:username": "Anaya"}},
    {"StringNotEquals": {"aws:PrincipalAccount": A}},
    {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
    {"Null": {"aws:TokenIssueTime": "true"}},
]
PRINCIPAL_ELEMENTS: list[Any] = [
    "*",
    {"AWS": A},
    {"AWS": f"arn:aws:iam::{A}:user/Anaya"},
    {"AWS": f"arn:aws:iam::{A}:role/Admin"},
    {"AWS": B},
    {"Service": "cloudtrail.amazonaws.com"},
]
CONTEXT_VALUES = {
    "aws:MultiFactorAuthPresent": st.sampled_from(["true", "false", None]),
    "aws:MultiFactorAuthAge": st.sampled_from(["60", "7200"]),
    "aws:username": st.sampled_from(["Anaya", None]),
    "aws:TokenIssueTime": st.just("2026-11-29T00:00:00Z"),
}


@st.composite
def statements(draw: Any, kind: str, effect: str | None = None) -> dict[str, Any]:
    """One valid statement for a policy of ``kind``."""
    out: dict[str, Any] = {"Effect": effect or draw(st.sampled_from(["Allow", "Deny"]))}
    out["NotAction" if draw(st.integers(0, 5)) == 0 else "Action"] = draw(
        st.sampled_from(POLICY_ACTIONS)
    )
    if kind != "trust":
        out["NotResource" if draw(st.integers(0, 6)) == 0 else "Resource"] = draw(
            st.sampled_from(POLICY_RESOURCES)
        )
    if kind in ("resource", "trust", "rcp"):
        principal = draw(st.sampled_from(PRINCIPAL_ELEMENTS))
        if kind == "resource" and draw(st.integers(0, 5)) == 0:
            out["NotPrincipal"] = principal
        else:
            out["Principal"] = principal
    if draw(st.booleans()):
        out["Condition"] = draw(st.sampled_from(CONDITIONS))
    return out


def policy(kind: str, effect: str | None = None) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda sts: {"Version": "2012-10-17", "Statement": sts},
        st.lists(statements(kind, effect), min_size=1, max_size=3),
    )


@st.composite
def requests(draw: Any) -> dict[str, Any]:
    action = draw(st.sampled_from(ACTIONS))
    resource = draw(st.sampled_from(RESOURCES))
    rp_kind = resource_policy_kind(action, resource)
    request: dict[str, Any] = {
        "action": action,
        "resource": resource,
        "principal": draw(st.sampled_from(PRINCIPALS)),
        "context": draw(st.fixed_dictionaries({}, optional=CONTEXT_VALUES)),
        "identity_policies": draw(st.lists(policy("identity"), max_size=3)),
    }
    if draw(st.booleans()):
        request["resource_policy"] = draw(policy(rp_kind))
    if resource.startswith("arn:aws:s3") and draw(st.booleans()):
        request["resource_account"] = draw(st.sampled_from([A, B]))
    if draw(st.integers(0, 3)) == 0:
        request["permission_boundaries"] = draw(st.lists(policy("boundary"), max_size=2))
    if draw(st.integers(0, 3)) == 0:
        request["session_policies"] = draw(st.lists(policy("session"), max_size=2))
    if draw(st.integers(0, 3)) == 0:
        request["scps"] = draw(
            st.lists(st.lists(policy("scp"), min_size=1, max_size=2), max_size=2)
        )
    if draw(st.integers(0, 4)) == 0:
        request["rcps"] = [draw(st.lists(policy("rcp"), min_size=1, max_size=2))]
    return request


def outcome(request: dict[str, Any]) -> tuple[str, str | None, list[str]]:
    d = evaluate(**request)
    return d.decision, d.denied_by if not d else None, d.missing_context_values


SLOTS = ["identity", "resource", "boundary", "session", "scp"]


def add_statement(request: dict[str, Any], slot: str, statement_of: Any) -> dict[str, Any]:
    """A copy of ``request`` with one more statement (from ``statement_of(kind)``) in ``slot``."""
    out = copy.deepcopy(request)
    if slot == "resource":
        kind = resource_policy_kind(out["action"], out["resource"])
        rp = out.setdefault("resource_policy", {"Version": "2012-10-17", "Statement": []})
        rp["Statement"].append(statement_of(kind))
        return out
    key, kind = {
        "identity": ("identity_policies", "identity"),
        "boundary": ("permission_boundaries", "boundary"),
        "session": ("session_policies", "session"),
        "scp": ("scps", "scp"),
    }[slot]
    new = {"Version": "2012-10-17", "Statement": [statement_of(kind)]}
    if slot == "scp":
        levels = out.get("scps") or [[]]
        levels[-1].append(new)
        out["scps"] = levels
    else:
        out[key] = [*(out.get(key) or []), new]
    return out


@settings(max_examples=150, deadline=None)
@given(requests(), st.randoms(use_true_random=False))
def test_statement_and_policy_order_never_matter(request: dict[str, Any], rnd: Any) -> None:
    shuffled = copy.deepcopy(request)
    docs = list(shuffled["identity_policies"])
    if shuffled.get("resource_policy"):
        docs.append(shuffled["resource_policy"])
    for key in ("identity_policies", "permission_boundaries", "session_policies"):
        rnd.shuffle(shuffled.get(key) or [])
        docs += shuffled.get(key) or []
    for level in shuffled.get("scps") or []:
        rnd.shuffle(level)
        docs += level
    for doc in docs:
        rnd.shuffle(doc["Statement"])
    assert outcome(shuffled) == outcome(request)


@settings(max_examples=150, deadline=None)
@given(requests())
def test_an_explicit_deny_always_wins(request: dict[str, Any]) -> None:
    deny_all = add_statement(
        request,
        "resource",
        lambda kind: (
            {"Effect": "Deny", "Principal": "*", "Action": "*"}
            | ({} if kind == "trust" else {"Resource": "*"})
        ),
    )
    d = evaluate(**deny_all)
    signed = request["principal"] is not None
    if request["action"] == "sts:GetCallerIdentity" and signed:
        assert d.decision == "allowed"  # it needs no permission and cannot be denied
    else:
        assert d.decision == "explicitDeny", d.explain()
        assert all(m.effect == "Deny" for m in d.matched_statements)


@settings(max_examples=150, deadline=None)
@given(requests(), st.sampled_from(SLOTS), st.data())
def test_adding_a_deny_never_turns_a_denial_into_an_allow(
    request: dict[str, Any], slot: str, data: Any
) -> None:
    if evaluate(**request):
        return
    more = add_statement(request, slot, lambda kind: data.draw(statements(kind, "Deny")))
    assert not evaluate(**more)


@settings(max_examples=150, deadline=None)
@given(requests(), st.sampled_from(SLOTS), st.data())
def test_adding_an_allow_never_removes_an_explicit_deny(
    request: dict[str, Any], slot: str, data: Any
) -> None:
    if evaluate(**request).decision != "explicitDeny":
        return
    more = add_statement(request, slot, lambda kind: data.draw(statements(kind, "Allow")))
    assert evaluate(**more).decision == "explicitDeny"


VERDICTS = {
    "allowed": "ALLOWED - ",
    "explicitDeny": "DENIED (explicit deny) - ",
    "implicitDeny": "DENIED (implicit deny) - ",
}


@settings(max_examples=150, deadline=None)
@given(requests())
def test_explain_always_agrees_with_the_decision(request: dict[str, Any]) -> None:
    d = evaluate(**request)
    text = d.explain()
    first = text.splitlines()[0]
    assert first == VERDICTS[d.decision] + d.reason
    assert bool(d) is (d.decision == "allowed")
    assert (d.because() == "") is bool(d)
    assert (d.message() == "") is bool(d)
    effects = {m.effect for m in d.matched_statements}
    if d.decision == "explicitDeny":
        assert effects == {"Deny"}
        assert "explicit deny" in d.because()
    else:
        assert "Deny" not in effects
    if d.decision == "implicitDeny":
        assert d.matched_statements == []
    for key in d.missing_context_values:
        assert key in text
