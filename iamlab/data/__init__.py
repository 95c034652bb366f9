"""Data shipped with iamlab: the AWS pages' policy documents, scenario definitions, the action
catalogue and the notebooks' questions."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


def policy_names() -> list[str]:
    """Names of the shipped policies (file names without ``.json``)."""
    folder = resources.files(__package__) / "policies"
    return sorted(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json"))


def load_policy(name: str) -> dict[str, Any]:
    """A shipped policy document as a fresh dict, e.g. ``load_policy("self-managed-mfa")``."""
    path = resources.files(__package__) / "policies" / f"{name}.json"
    if not path.is_file():
        raise KeyError(f"no shipped policy named {name!r}; available: {', '.join(policy_names())}")
    return json.loads(path.read_text(encoding="utf-8"))


def scenario_names() -> list[str]:
    """Names of the shipped scenario definitions."""
    folder = resources.files(__package__) / "scenarios"
    return sorted(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json"))


def load_scenario(name: str) -> dict[str, Any]:
    """A shipped scenario definition (accounts, users, groups, roles, resources) as a dict."""
    path = resources.files(__package__) / "scenarios" / f"{name}.json"
    if not path.is_file():
        raise KeyError(f"no scenario named {name!r}; available: {', '.join(scenario_names())}")
    return json.loads(path.read_text(encoding="utf-8"))


# ---- who is who: the story characters' accounts and ARNs, from the scenario definitions ----


@cache
def _people() -> tuple[tuple[str, str, str, str], ...]:
    """(scenario, kind, name, account id) of every user and role of the definitions."""
    rows = []
    for sc in scenario_names():
        spec = load_scenario(sc)
        rows += [(sc, "user", u["name"], u["account"]) for u in spec.get("users", [])]
        rows += [(sc, "role", r["name"], r["account"]) for r in spec.get("roles", [])]
    return tuple(rows)


@cache
def _accounts() -> tuple[tuple[str, str, str], ...]:
    """(scenario, account name, account id) of every account of the definitions."""
    return tuple(
        (sc, a["name"], a["id"]) for sc in scenario_names() for a in load_scenario(sc)["accounts"]
    )


def account_id(name: str, scenario: str | None = None) -> str:
    """The id of a story's account: ``account_id("A")`` is account A's ``111111111111``.

    ``name`` is the letter of "Account A" (B, C), an account's name in the definitions
    ("Example Corp"), the label in its parentheses ("AWS1"), or an id already.
    """
    if len(name) == 12 and name.isdigit():
        return name
    wanted = name.strip().lower()
    found = set()
    for sc, label, ident in _accounts():
        label = label.lower()
        names = {label, label.removeprefix("account ")}
        if "(" in label:
            names.add(label[label.index("(") + 1 : label.rindex(")")])
        if (scenario is None or sc == scenario) and wanted in names:
            found.add(ident)
    if len(found) != 1:
        what = "is ambiguous" if found else "is not an account of the stories"
        raise KeyError(f"{name!r} {what}; pass an account id or a scenario")
    return found.pop()


def principal_arn(name: str, scenario: str | None = None) -> str:
    """The ARN of a story's IAM user or role: ``principal_arn("Richard")`` is
    ``arn:aws:iam::222222222222:user/Richard``.

    When two stories put the same name in different accounts (Nikhil is in account C in the
    S3 story and in account A in the self-managed MFA story), name the ``scenario``.
    """
    rows = [r for r in _people() if r[2] == name and (scenario is None or r[0] == scenario)]
    arns = {f"arn:aws:iam::{account}:{kind}/{who}" for _, kind, who, account in rows}
    if not arns:
        raise KeyError(f"no user or role named {name!r} in the stories")
    if len(arns) > 1:
        places = ", ".join(sorted(r[0] for r in rows))
        raise KeyError(f"{name!r} is in several accounts ({places}): name the scenario")
    return arns.pop()


def load_actions() -> dict[str, Any]:
    """The action catalogue (``actions.json``): per service, the IAM actions the stories touch
    and their neighbours, with the resource type each acts on and the ARN templates."""
    path = resources.files(__package__) / "actions.json"
    return json.loads(path.read_text(encoding="utf-8"))


def question_sets() -> list[str]:
    """Names of the shipped question files (``questions/NN.json``), e.g. ``["00", "01"]``."""
    folder = resources.files(__package__) / "questions"
    if not folder.is_dir():
        return []
    return sorted(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json"))


def load_questions(name: str) -> dict[str, Any]:
    """One notebook's multiple-choice questions and quiz (``questions/NN.json``) as a dict."""
    path = resources.files(__package__) / "questions" / f"{name}.json"
    if not path.is_file():
        raise KeyError(f"no question file {name!r}; available: {', '.join(question_sets())}")
    return json.loads(path.read_text(encoding="utf-8"))
