"""Data shipped with iamlab: the seed pages' policy documents and scenario definitions."""

from __future__ import annotations

import json
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
