"""The site's build: what each wheel needs in Pyodide, the rewritten lock, the pins.

These run without a browser or a network; the last group checks a built ``_site/``
when there is one that matches the checkout.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path

import pytest

from tools.site import OUT, ROOT, SITE, landing
from tools.site.lock import CDN, rewrite
from tools.site.wheels import (
    NOT_SERVED,
    marker_environment,
    pinned,
    read_wheel,
    slim_botocore,
)

ENV = marker_environment("3.14.2")


def make_wheel(
    folder: Path, name: str, version: str, requires: list[str], files: dict[str, str]
) -> Path:
    path = folder / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    info = f"{name.replace('-', '_')}-{version}.dist-info"
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    meta += "".join(f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(path, "w") as zf:
        for file, text in files.items():
            zf.writestr(file, text)
        zf.writestr(f"{info}/METADATA", meta)
        record = "".join(f"{f},," + "\n" for f in [*files, f"{info}/METADATA"])
        zf.writestr(f"{info}/RECORD", record + f"{info}/RECORD,,\n")
    return path


def upstream() -> dict:
    return {
        "info": {"python": "3.14.2"},
        "packages": {
            "numpy": {
                "name": "numpy",
                "version": "2.4.6",
                "file_name": "numpy-2.4.6-cp314-cp314-pyemscripten_2026_0_wasm32.whl",
                "sha256": "a" * 64,
                "depends": [],
                "imports": ["numpy"],
            },
            "comm": {
                "name": "comm",
                "version": "0.1",
                "file_name": "comm-0.1-py3-none-any.whl",
                "sha256": "b" * 64,
                "depends": [],
                "imports": ["comm"],
            },
        },
    }


def test_markers_are_evaluated_for_pyodide(tmp_path: Path) -> None:
    """pexpect is skipped on emscripten; typing_extensions only below 3.12; extras opt in."""
    path = make_wheel(
        tmp_path,
        "ipython",
        "9.0",
        [
            "pexpect>4.3; sys_platform != 'win32' and sys_platform != 'emscripten'",
            "typing_extensions>=4.6; python_version < '3.12'",
            "Comm>=0.1",
            "pandas>=2; extra == 'lab'",
        ],
        {"IPython/__init__.py": ""},
    )
    wheel = read_wheel(path)
    assert wheel.depends(ENV) == ["comm"]
    assert wheel.depends(ENV, ("lab",)) == ["comm", "pandas"]
    assert wheel.imports == ("IPython",)


def test_imports_come_from_top_level_txt_or_the_archive(tmp_path: Path) -> None:
    listed = make_wheel(
        tmp_path,
        "pyyaml",
        "6",
        [],
        {"yaml/__init__.py": "", "x.dist-info/top_level.txt": "_yaml\nyaml\n"},
    )
    assert read_wheel(listed).imports == ("yaml",)  # private modules are not import names
    empty = make_wheel(
        tmp_path, "pyotp", "2.9", [], {"pyotp/__init__.py": "", "x.dist-info/top_level.txt": ""}
    )
    assert read_wheel(empty).imports == ("pyotp",)
    loose = make_wheel(tmp_path, "six", "1.17", [], {"six.py": "", "_private.py": ""})
    assert read_wheel(loose).imports == ("six",)
    compiled = make_wheel(tmp_path, "typing-extensions", "4", [], {"typing_extensions.pyc": ""})
    assert read_wheel(compiled).imports == ("typing_extensions",)


def test_the_lock_serves_our_wheels_and_points_the_rest_at_the_cdn(tmp_path: Path) -> None:
    comm = read_wheel(make_wheel(tmp_path, "comm", "0.2.3", [], {"comm/__init__.py": ""}))
    lab = read_wheel(
        make_wheel(
            tmp_path,
            "iamlab",
            "0.1.0",
            ["comm", "pandas; extra == 'lab'", "anywidget; extra == 'never'"],
            {"iamlab/__init__.py": ""},
        )
    )
    widget = read_wheel(make_wheel(tmp_path, "anywidget", "0.11", [], {"anywidget/x.py": ""}))
    lock, left_out = rewrite(upstream(), [comm, lab, widget], "314.0.6")
    packages = lock["packages"]
    assert packages["numpy"]["file_name"] == CDN.format(version="314.0.6") + (
        "numpy-2.4.6-cp314-cp314-pyemscripten_2026_0_wasm32.whl"
    )
    assert packages["numpy"]["sha256"] == "a" * 64  # Pyodide's own, checked by the browser
    assert packages["comm"]["file_name"] == comm.path.name
    assert packages["comm"]["version"] == "0.2.3"
    assert packages["comm"]["sha256"] == hashlib.sha256(comm.path.read_bytes()).hexdigest()
    # the lab's extra "lab" applies; anywidget is a browser-only requirement of iamlab
    assert packages["iamlab"]["depends"] == ["anywidget", "comm"]
    assert packages["iamlab"]["imports"] == ["iamlab"]
    assert left_out == [f"pandas (needed by iamlab): {NOT_SERVED['pandas']}"]
    assert upstream()["packages"]["comm"]["version"] == "0.1"  # the input is not changed


def test_an_unknown_requirement_fails_the_build_by_name(tmp_path: Path) -> None:
    lab = read_wheel(
        make_wheel(tmp_path, "iamlab", "0.1.0", ["requests>=2"], {"iamlab/__init__.py": ""})
    )
    with pytest.raises(SystemExit, match=r"requests \(needed by iamlab\)"):
        rewrite(upstream(), [lab], "314.0.6")


def test_botocore_keeps_only_the_emulated_services(tmp_path: Path) -> None:
    files = {
        "botocore/__init__.py": "",
        "botocore/data/endpoints.json": "{}",
        "botocore/data/sts/2011-06-15/service-2.json.gz": "sts",
        "botocore/data/lambda/2015-03-31/service-2.json.gz": "lambda",
    }
    wheel = read_wheel(make_wheel(tmp_path, "botocore", "1.44.5", [], files))
    slim = slim_botocore(wheel, ["sts"], tmp_path / "a")
    with zipfile.ZipFile(slim.path) as zf:
        names = zf.namelist()
        record = zf.read("botocore-1.44.5.dist-info/RECORD").decode()
    assert "botocore/data/sts/2011-06-15/service-2.json.gz" in names
    assert "botocore/data/endpoints.json" in names and "botocore/__init__.py" in names
    assert not any("lambda" in n for n in names) and "lambda" not in record
    again = slim_botocore(wheel, ["sts"], tmp_path / "b")
    assert again.path.read_bytes() == slim.path.read_bytes()  # reproducible


def test_the_served_botocore_models_are_the_emulated_services() -> None:
    from iamlab.aws.services._catalog import SERVICES
    from tools.site.build import botocore_services

    assert sorted(botocore_services()) == sorted(SERVICES)
    used = set()
    for source in (ROOT / "labs" / "src").glob("*.py"):
        used |= set(re.findall(r"""client\(["']([a-z0-9-]+)["']""", source.read_text()))
    assert used <= set(botocore_services()), "a notebook calls a service the site lacks"


def test_pins_match_the_desktop_lab_and_the_build_environment() -> None:
    wheels = {name: version for name, version, _ in pinned()}
    assert all(len(digest) == 64 for _, _, digest in pinned())
    desktop = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if "==" in line:
            name, version = line.split("==")
            desktop[name.lower().replace("_", "-")] = version.strip()
    for name in ("boto3", "botocore", "pyotp", "segno", "graphviz", "ipywidgets"):
        assert wheels[name] == desktop[name], f"{name}: the site and the desktop lab differ"
    build = dict(
        line.split("==")
        for line in (SITE / "requirements-site.txt").read_text().splitlines()
        if "==" in line
    )
    for name in ("anywidget", "ipywidgets"):
        assert wheels[name] == build[name], f"{name}: browser and Python halves differ"


def test_the_landing_page_lists_every_notebook_and_escapes_titles(tmp_path: Path) -> None:
    nb = tmp_path / "00_start_here.ipynb"
    nb.write_text(json.dumps({"cells": [{"cell_type": "markdown", "source": ["# A <b> & c\n"]}]}))
    other = tmp_path / "01 x.ipynb"
    other.write_text(json.dumps({"cells": []}))
    page = landing.page([nb, other])
    assert 'href="lab/index.html?path=00_start_here.ipynb"' in page
    assert "A &lt;b&gt; &amp; c" in page and "lab/index.html?path=01%20x.ipynb" in page
    assert 'id="jupyter-config-data"' in page  # JupyterLite's pages read the root's config


# ---- a built site (skipped when there is none that matches the checkout) ------------


@pytest.fixture(scope="module")
def built() -> Path:
    from tools.site.build import inputs_digest

    info = OUT / "build-info.json"
    if not info.exists() or json.loads(info.read_text())["inputs"] != inputs_digest():
        pytest.skip("no site matching the checkout: run `make site`")
    return OUT


def test_built_lock_matches_the_files_it_names(built: Path) -> None:
    runtime = built / "static" / "pyodide"
    lock = json.loads((runtime / "pyodide-lock.json").read_text())
    local = [e for e in lock["packages"].values() if "://" not in e["file_name"]]
    assert {"iamlab", "boto3", "botocore", "ipython", "anywidget"} <= {e["name"] for e in local}
    for entry in local:
        data = (runtime / entry["file_name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["name"]
    remote = [e for e in lock["packages"].values() if "://" in e["file_name"]]
    assert all(e["file_name"].startswith("https://cdn.jsdelivr.net/pyodide/") for e in remote)
    assert not any(e["name"] in ("pandas", "numpy") for e in local)


def test_built_site_is_configured_offline_and_complete(built: Path) -> None:
    config = json.loads((built / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["disablePyPIFallback"] is True
    assert kernel["pyodideUrl"].startswith("./static/pyodide/")
    for notebook in (ROOT / "labs").glob("*.ipynb"):
        assert (built / "files" / notebook.name).exists(), notebook.name
    assert (built / "static" / "viz" / "viz.js").exists()
    assert "MIT License" in (built / "static" / "viz" / "LICENSE.txt").read_text()
    assert not list(built.rglob("*.map")), "source maps inflate the site"
