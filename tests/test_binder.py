"""Binder runs exactly the stack the tests run.

``make binder-check`` (part of ``make test``) builds the Binder environment and
runs the notebooks in it; these tests keep its inputs honest and fast to check.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tools import binder

tomllib = pytest.importorskip("tomllib")  # Python 3.11+; the checks are the same on any version

ROOT = Path(__file__).resolve().parents[1]


def _listed() -> dict[str, str]:
    out = {}
    for line in binder.TARGET.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            out[binder.canonical(name)] = version.strip()
    return out


def test_requirements_are_the_generated_closure() -> None:
    """A new transitive dependency, or a bumped pin, must go through `make binder`."""
    assert binder.TARGET.read_text(encoding="utf-8") == binder.render(), "run `make binder`"


def test_every_line_is_pinned_exactly_as_in_constraints() -> None:
    pins = binder.pins()
    listed = _listed()
    assert listed, "binder/requirements.txt lists nothing"
    for name, version in listed.items():
        assert re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", version), f"{name} is not pinned"
        pinned = pins[name][1]
        assert version == pinned, f"binder pins {name}=={version}, constraints has {pinned}"


def test_the_lab_extra_and_the_core_are_all_there() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    direct = project["dependencies"] + project["optional-dependencies"]["lab"]
    assert {binder.canonical(re.split(r"[<>=!~ \[;]", d, maxsplit=1)[0]) for d in direct} <= set(
        _listed()
    )


def test_test_tools_are_not_installed_for_learners() -> None:
    listed = _listed()
    for tool in ("pytest", "nbval", "ruff", "playwright", "hypothesis", "mypy"):
        assert tool not in listed


def test_closure_follows_requirement_extras() -> None:
    """``jsonschema[format-nongpl]`` (asked for by jupyter-events) brings its extra's packages."""
    needed = binder.closure()
    assert {"jupyterlab", "ipykernel", "jsonschema", "rfc3339-validator"} <= needed
    assert "iamlab" not in needed


def test_runtime_names_the_python_the_tests_run_with() -> None:
    written = binder.RUNTIME.read_text(encoding="utf-8")
    assert re.fullmatch(r"python-3\.\d+\n", written)
    if written != binder.runtime() and not os.environ.get("IAMLAB_CI"):
        pytest.skip(f"this Python is {binder.runtime().strip()}; CI checks {written.strip()}")
    assert written == binder.runtime()


def test_post_build_installs_iamlab_trusts_notebooks_and_silences_news() -> None:
    post = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps ." in post
    assert "tools.lab_setup" in post
    assert os.access(ROOT / "binder" / "postBuild", os.X_OK)


def test_lab_setup_writes_quiet_notification_overrides(tmp_path: Path) -> None:
    from tools import lab_setup

    target = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    target.parent.mkdir(parents=True)
    target.write_text('{"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}')
    lab_setup.settings_overrides(tmp_path)
    settings = json.loads(target.read_text())
    assert settings[lab_setup.NOTIFICATIONS] == {"fetchNews": "false", "checkForUpdates": False}
    assert settings["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}


def test_lab_setup_trusts_the_notebooks(tmp_path: Path) -> None:
    import nbformat
    from nbformat.sign import NotebookNotary

    from tools import lab_setup

    data = tmp_path / "data"
    data.mkdir()
    folder = tmp_path / "labs"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("1"))
    nbformat.write(nb, folder / "x.ipynb")
    notary = NotebookNotary(data_dir=str(data))
    assert not notary.check_signature(nbformat.read(folder / "x.ipynb", as_version=4))
    lab_setup.trust_notebooks(folder, notary)
    assert NotebookNotary(data_dir=str(data)).check_signature(
        nbformat.read(folder / "x.ipynb", as_version=4)
    )
