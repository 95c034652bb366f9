"""The Binder files agree with pyproject.toml and constraints.txt."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+; the checks are the same on any version

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if "==" in line:
            name, version = line.split("==", 1)
            pins[_name(name)] = version.strip()
    return pins


def _binder() -> dict[str, str]:
    out = {}
    for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            out[_name(name)] = version.strip()
    return out


def test_binder_installs_exactly_the_runtime_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert set(_binder()) == {_name(d) for d in project["dependencies"]}


def test_binder_pins_the_versions_we_test_with() -> None:
    pins = _pins()
    for name, version in _binder().items():
        assert version == pins[name], f"binder pins {name}=={version}, constraints has {pins[name]}"


def test_post_build_installs_iamlab() -> None:
    post = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps ." in post
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111


def test_runtime_python_satisfies_requires_python() -> None:
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    major, minor = map(int, runtime.removeprefix("python-").split(".")[:2])
    required = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    low = tuple(map(int, required.removeprefix(">=").split(".")))
    assert (major, minor) >= low


def test_readme_badge_opens_the_first_notebook() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "mybinder.org/v2/" in readme
    assert "urlpath=lab/tree/labs/00_start_here.ipynb" in readme
