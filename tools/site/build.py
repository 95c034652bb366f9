"""Assemble ``_site/``: JupyterLite, the Pyodide runtime, the wheels, the notebooks, a landing page.

Every input is pinned in ``site/``; what is downloaded or built is cached by content
hash (see :func:`tools.site.cache_dir`), so a second build only re-runs JupyterLite and
copies files. The result replaces ``out`` only when complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

from . import LABS, ROOT, SITE, cache_dir, landing, npm
from .lock import rewrite
from .wheels import (
    WHEELS_TXT,
    Wheel,
    checked,
    download_pinned,
    kernel_wheels,
    pinned,
    read_wheel,
    slim_botocore,
)

# files of the npm package ``pyodide`` the browser loads (no maps, typings or consoles)
RUNTIME = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
# the zip timestamps of the iamlab wheel (reproducible builds)
SOURCE_DATE_EPOCH = "1764460800"  # 2025-11-30


def _log(message: str) -> None:
    print(f"site: {message}", flush=True)


def _digest(paths: list[Path], base: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.relative_to(base)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def kernel_pyodide_version() -> str:
    """The Pyodide version the installed jupyterlite-pyodide-kernel pins (its default URL)."""
    schema = (
        Path(sys.prefix)
        / "share/jupyter/labextensions/@jupyterlite/pyodide-kernel-extension"
        / "static/schema/kernel.v0.schema.json"
    )
    default = json.loads(schema.read_text())["properties"]["pyodideUrl"]["default"]
    return default.split("/pyodide/v", 1)[1].split("/", 1)[0]


def check_versions(pyodide_version: str) -> None:
    """The npm runtime matches the kernel; browser and Python halves of widgets match."""
    wanted = kernel_pyodide_version()
    if wanted != pyodide_version:
        raise SystemExit(
            f"site: jupyterlite-pyodide-kernel pins Pyodide {wanted}, but site/package.json "
            f"installs pyodide {pyodide_version}; make them equal"
        )
    pins = {name: version for name, version, _ in pinned()}
    for name in ("anywidget", "ipywidgets"):
        have = metadata.version(name)
        if pins.get(name) != have:
            raise SystemExit(
                f"site: {name} {have} builds the browser part but site/wheels.txt serves "
                f"{pins.get(name)}; make them equal"
            )


def cached_wheels() -> list[Wheel]:
    """The wheels of ``site/wheels.txt``, downloaded once per version of that file."""
    target = cache_dir() / f"wheels-{_digest([WHEELS_TXT], SITE)}"
    if not (target / ".complete").exists():
        _log("downloading the pinned wheels from PyPI")
        shutil.rmtree(target, ignore_errors=True)
        download_pinned(target)
        (target / ".complete").touch()
    return checked(target)


def botocore_services() -> list[str]:
    """The services of ``site/botocore-services.txt``."""
    lines = (SITE / "botocore-services.txt").read_text().splitlines()
    return [ln.split("#", 1)[0].strip() for ln in lines if ln.split("#", 1)[0].strip()]


def slimmed(wheels: list[Wheel]) -> list[Wheel]:
    """``wheels`` with botocore cut down to the emulator's services (cached)."""
    out = []
    services = botocore_services()
    for wheel in wheels:
        if wheel.key == "botocore":
            key = hashlib.sha256((wheel.sha256() + " ".join(services)).encode()).hexdigest()
            target = cache_dir() / f"botocore-{key[:16]}"
            done = target / ".complete"
            if done.exists():
                wheel = read_wheel(target / wheel.path.name)
            else:
                wheel = slim_botocore(wheel, services, target)
                done.touch()
        out.append(wheel)
    return out


PYC = Path(__file__).with_name("pyc.mjs")
SOURCE_KEPT = {"iamlab"}  # learners read its tracebacks and source: it stays .py


def compiled(wheels: list[Wheel], runtime: Path) -> list[Wheel]:
    """``wheels`` with their modules compiled by Pyodide's Python (cached per wheel).

    Importing from bytecode saves the browser compiling every module at start-up
    (IPython, jedi and boto3 import in about half the time).
    """
    tool = hashlib.sha256(PYC.read_bytes() + (runtime / "pyodide.asm.wasm").read_bytes())
    tool_key = tool.hexdigest()[:16]
    todo: dict[Path, Wheel] = {}
    out: list[Wheel | Path] = []
    for wheel in wheels:
        if wheel.key in SOURCE_KEPT:
            out.append(wheel)
            continue
        target = cache_dir() / f"pyc-{tool_key}-{wheel.sha256()[:16]}"
        out.append(target / wheel.path.name)
        if not (target / ".complete").exists():
            todo[target] = wheel
    if todo:
        _log(f"compiling {len(todo)} wheels to bytecode with Pyodide (node)")
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = Path(tmp) / "in", Path(tmp) / "out"
            src.mkdir()
            dst.mkdir()
            for wheel in todo.values():
                shutil.copy(wheel.path, src / wheel.path.name)
            names = [w.path.name for w in todo.values()]
            proc = subprocess.run(
                ["node", str(PYC), str(runtime), str(src), str(dst), *names],
                capture_output=True,  # SyntaxWarnings of third-party tests: shown on failure
                text=True,
            )
            if proc.returncode != 0:
                sys.stderr.write(proc.stderr)
                raise SystemExit(f"site: compiling wheels failed ({proc.returncode})")
            for target, wheel in todo.items():
                shutil.rmtree(target, ignore_errors=True)
                target.mkdir(parents=True)
                shutil.copy(dst / wheel.path.name, target / wheel.path.name)
                (target / ".complete").touch()
    return [w if isinstance(w, Wheel) else read_wheel(w) for w in out]


def iamlab_sources() -> list[Path]:
    """The files the iamlab wheel is built from."""
    files = [ROOT / "pyproject.toml", ROOT / "README.md", ROOT / "LICENSE"]
    for path in sorted((ROOT / "iamlab").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            files.append(path)
    return [f for f in files if f.exists()]


def iamlab_wheel() -> Wheel:
    """A wheel of the checkout's iamlab (rebuilt only when its sources change)."""
    sources = iamlab_sources()
    target = cache_dir() / f"iamlab-{_digest(sources, ROOT)}"
    if not (target / ".complete").exists():
        _log("building the iamlab wheel from the checkout")
        shutil.rmtree(target, ignore_errors=True)
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "src"
            for path in sources:
                dest = src / path.relative_to(ROOT)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, dest)
            env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH)
            subprocess.run(
                [
                    sys.executable,
                    *("-m", "pip", "wheel", "-qq", "--no-deps", "--no-build-isolation"),
                    *("--wheel-dir", str(target), str(src)),
                ],
                check=True,
                env=env,
            )
        (target / ".complete").touch()
    return read_wheel(next(target.glob("iamlab-*.whl")))


def lite_build(staging: Path, notebooks: list[Path]) -> None:
    """Run ``jupyter lite build`` with the configuration in ``site/`` into ``staging``."""
    with tempfile.TemporaryDirectory() as tmp:
        lite_dir = Path(tmp)
        for name in ("jupyter-lite.json", "jupyter_lite_config.json", "overrides.json"):
            shutil.copy(SITE / name, lite_dir / name)
        cmd = [str(Path(sys.executable).with_name("jupyter-lite")), "build"]
        cmd += ["--lite-dir", str(lite_dir), "--output-dir", str(staging)]
        for notebook in notebooks:
            cmd += ["--contents", str(notebook)]
        env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1")
        log = lite_dir / "build.log"
        with open(log, "w") as f:
            proc = subprocess.run(cmd, cwd=lite_dir, stdout=f, stderr=subprocess.STDOUT, env=env)
        if proc.returncode != 0:
            sys.stderr.write(log.read_text())
            raise SystemExit(f"site: jupyter lite build failed ({proc.returncode})")


def add_runtime(staging: Path, modules: Path, wheels: list[Wheel], lock: dict) -> None:
    """Pyodide's runtime, the wheels and the rewritten lock under ``static/pyodide/``."""
    target = staging / "static" / "pyodide"
    target.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME:
        shutil.copy(modules / "pyodide" / name, target / name)
    for wheel in wheels:
        shutil.copy(wheel.path, target / wheel.path.name)
    (target / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n")


def add_viz(staging: Path, modules: Path) -> None:
    """@viz-js/viz's browser module under ``static/viz/``, with its licence."""
    target = staging / "static" / "viz"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(modules / "@viz-js" / "viz" / "dist" / "viz.js", target / "viz.js")
    shutil.copy(SITE / "licenses" / "viz-js.txt", target / "LICENSE.txt")


def add_notices(staging: Path, versions: dict[str, str]) -> None:
    """A page listing what the site bundles and under which licences."""
    text = (SITE / "licenses" / "THIRD-PARTY.md").read_text()
    for name, version in versions.items():
        text = text.replace("{" + name + "}", version)
    (staging / "THIRD-PARTY.md").write_text(text)
    shutil.copy(ROOT / "LICENSE", staging / "LICENSE.txt")


def inputs() -> list[Path]:
    """Every file the site is built from (the build's own pins, tools and the lab)."""
    files = [p for p in sorted(SITE.rglob("*")) if p.is_file() and "node_modules" not in p.parts]
    files += sorted((ROOT / "tools" / "site").glob("*.py"))
    files += sorted((ROOT / "tools" / "site").glob("*.mjs"))
    files += iamlab_sources() + sorted(LABS.glob("*.ipynb"))
    return files


def inputs_digest() -> str:
    """A digest of :func:`inputs`: a site whose ``build-info.json`` differs is stale."""
    return _digest(inputs(), ROOT)


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build(out: Path, force: bool = False) -> Path:
    """Build the site into ``out`` (replaced only once the new site is complete), unless
    ``out`` was built from exactly the current inputs."""
    start = time.monotonic()
    info = out / "build-info.json"
    fresh = info.exists() and json.loads(info.read_text()).get("inputs") == inputs_digest()
    if fresh and not force:
        _log(f"{out} is up to date (its build-info.json matches every input)")
        return out
    modules = npm.node_modules()
    pyodide_version = npm.version(modules, "pyodide")
    check_versions(pyodide_version)
    wheels = [*slimmed(cached_wheels()), *kernel_wheels(Path(sys.prefix)), iamlab_wheel()]
    wheels = compiled(wheels, modules / "pyodide")
    upstream = json.loads((modules / "pyodide" / "pyodide-lock.json").read_text())
    lock, left_out = rewrite(upstream, wheels, pyodide_version)
    for note in left_out:
        _log(f"not served: {note}")
    notebooks = sorted(LABS.glob("*.ipynb"))
    if not notebooks:
        raise SystemExit("site: no notebooks in labs/")
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    # jupyter lite build, given SOURCE_DATE_EPOCH, re-dates every file under the parent
    # of its output folder: that parent must be a private, empty folder of its own
    private = Path(tempfile.mkdtemp(prefix=f".{out.name}-build-", dir=out.parent))
    try:
        _assemble(private / "site", out, modules, wheels, lock, notebooks, pyodide_version)
    finally:
        shutil.rmtree(private, ignore_errors=True)
    seconds = time.monotonic() - start
    _log(f"{out} ready: {size(out) / 1e6:.1f} MB, {len(wheels)} wheels, {seconds:.1f} s")
    return out


def _assemble(
    staging: Path,
    out: Path,
    modules: Path,
    wheels: list[Wheel],
    lock: dict,
    notebooks: list[Path],
    pyodide_version: str,
) -> None:
    """Build the site in ``staging``, then put it in place of ``out``."""
    _log(f"building JupyterLite with {len(notebooks)} notebooks")
    lite_build(staging, notebooks)
    add_runtime(staging, modules, wheels, lock)
    add_viz(staging, modules)
    add_notices(
        staging,
        {
            "pyodide": pyodide_version,
            "viz": npm.version(modules, "@viz-js/viz"),
            "jupyterlite": metadata.version("jupyterlite-core"),
        },
    )
    (staging / "index.html").write_text(landing.page(notebooks))
    (staging / ".nojekyll").touch()  # GitHub Pages: serve every file as it is
    info = {"inputs": inputs_digest(), "pyodide": pyodide_version, "notebooks": len(notebooks)}
    (staging / "build-info.json").write_text(json.dumps(info, indent=1) + "\n")
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)
