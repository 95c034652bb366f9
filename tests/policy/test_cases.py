"""The engine's cases as data: every file in ``cases/`` is a list of requests and policies,
the decision AWS makes, and the AWS page and section that decide it.

A case either evaluates a request (``request`` + ``policies``), or validates one
policy document (``validate``).  ``expect`` holds what must come out:

* ``decision``: ``allowed`` | ``explicitDeny`` | ``implicitDeny``;
* ``denied_by``, ``matched`` (how many statements decided), ``missing`` (the
  missing context keys), ``reason_has`` / ``because_has`` / ``explain_has``
  (text the explanation must contain);
* ``raises`` and ``message_has``: the exception evaluate() raises instead;
* for ``validate``: ``valid: true``, or ``error`` (text of the PolicyError) and
  optionally ``location``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from iamlab import PolicyError, evaluate, parse_policy

CASES = Path(__file__).parent / "cases"
KINDS = {
    "identity": "identity_policies",
    "resource": "resource_policy",
    "boundaries": "permission_boundaries",
    "sessions": "session_policies",
    "scps": "scps",
    "rcps": "rcps",
}
EXPECT_KEYS = {
    "decision",
    "denied_by",
    "matched",
    "missing",
    "reason_has",
    "because_has",
    "explain_has",
    "raises",
    "message_has",
    "valid",
    "error",
    "location",
}


def load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.json")):
        table = json.loads(path.read_text(encoding="utf-8"))
        for case in table["cases"]:
            case.setdefault("aws", table.get("aws"))
            params.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return params


ALL = load_cases()


def test_there_are_cases_for_every_rule() -> None:
    names = {p.id.split(":")[0] for p in ALL}
    assert names >= {
        "get_caller_identity",
        "service_principals",
        "not_principal_boundaries",
        "kms",
        "anonymous",
        "absent_context",
        "validation_actions",
        "validation_resources",
        "validation_conditions",
        "validation_refused",
        "context_types",
    }


@pytest.mark.parametrize("case", ALL)
def test_case(case: dict[str, Any]) -> None:
    source = case["aws"]
    assert source and source["page"] and source["section"], "every case names its AWS page"
    expect = case["expect"]
    assert set(expect) <= EXPECT_KEYS, f"unknown expectations {set(expect) - EXPECT_KEYS}"
    if "validate" in case:
        check_validation(case["validate"], expect)
    else:
        check_evaluation(case, expect)


def check_validation(validate: dict[str, Any], expect: dict[str, Any]) -> None:
    policy, kind = validate["policy"], validate["kind"]
    if expect.get("valid"):
        parse_policy(policy, kind)
        return
    with pytest.raises(PolicyError) as info:
        parse_policy(policy, kind)
    assert expect["error"] in str(info.value)
    if "location" in expect:
        assert info.value.location == expect["location"]


def check_evaluation(case: dict[str, Any], expect: dict[str, Any]) -> None:
    request = dict(case["request"])
    kwargs = {KINDS[k]: v for k, v in case.get("policies", {}).items()}
    if "raises" in expect:
        error = {"TypeError": TypeError, "ValueError": ValueError}[expect["raises"]]
        with pytest.raises(error) as info:
            evaluate(**request, **kwargs)
        assert type(info.value) is error
        assert expect["message_has"] in str(info.value)
        return
    d = evaluate(**request, **kwargs)
    text = d.explain()
    assert d.decision == expect["decision"], text
    assert bool(d) is (expect["decision"] == "allowed")
    if "denied_by" in expect:
        assert d.denied_by == expect["denied_by"], text
    if "matched" in expect:
        assert len(d.matched_statements) == expect["matched"], text
    if "missing" in expect:
        assert d.missing_context_values == expect["missing"], text
    if "reason_has" in expect:
        assert expect["reason_has"] in d.reason, text
    if "because_has" in expect:
        assert expect["because_has"] in d.because()
    for needle in expect.get("explain_has", []):
        assert needle in text, text
