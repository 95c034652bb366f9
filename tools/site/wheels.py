"""Pure-Python wheels for Pyodide: what a wheel needs, what it provides, and pinning them.

``site/wheels.in`` names what the browser needs (the kernel's and the lab's
dependencies); ``python -m tools.site pin`` resolves it against PyPI into
``site/wheels.txt`` (every wheel pinned with its sha256). The build downloads exactly
that list with ``--require-hashes``.
"""

from __future__ import annotations

import email.parser
import hashlib
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from . import ROOT, SITE

WHEELS_IN = SITE / "wheels.in"
WHEELS_TXT = SITE / "wheels.txt"

# Requirements the site does not serve, and why (anything else missing fails the build).
NOT_SERVED = {
    "pandas": "no Pyodide wheel on PyPI; iamlab falls back to iamlab.tables (CDN: docs/site.md)",
    "numpy": "no Pyodide wheel on PyPI (pandas needs it); from Pyodide's CDN when reachable",
    "graphviz-pure": "a native executable; the browser draws DOT with @viz-js/viz",
    "jupyterlab": "the site is JupyterLab itself (jupyterlite-core)",
    "jupyterlab-widgets": "its browser part is built into the site; Python never imports it",
    "pexpect": "terminals only; not used in the browser",
}


def marker_environment(python_full_version: str) -> dict[str, str]:
    """PEP 508 marker values of Pyodide's Python (``python_full_version`` from its lock)."""
    major, minor = python_full_version.split(".")[:2]
    return {
        "implementation_name": "cpython",
        "implementation_version": python_full_version,
        "os_name": "posix",
        "platform_machine": "wasm32",
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_system": "Emscripten",
        "platform_version": "",
        "python_full_version": python_full_version,
        "python_version": f"{major}.{minor}",
        "sys_platform": "emscripten",
        "extra": "",
    }


@dataclass(frozen=True)
class Wheel:
    """One downloaded wheel: its file, project name, version, imports and requirements."""

    path: Path
    name: str
    version: str
    imports: tuple[str, ...]
    requires: tuple[str, ...]

    @property
    def key(self) -> str:
        """The canonical project name (the key of a Pyodide lock entry)."""
        return canonicalize_name(self.name)

    def sha256(self) -> str:
        return sha256_file(self.path)

    def depends(self, env: dict[str, str], extras: tuple[str, ...] = ()) -> list[str]:
        """Canonical names of the requirements that apply under ``env`` with ``extras``."""
        out = []
        for text in self.requires:
            req = Requirement(text)
            if req.marker is not None and not any(
                req.marker.evaluate({**env, "extra": extra}) for extra in ("", *extras)
            ):
                continue
            name = canonicalize_name(req.name)
            if name not in out:
                out.append(name)
        return out


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_wheel(path: Path) -> Wheel:
    """Name, version, top-level imports and Requires-Dist of the wheel at ``path``."""
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        meta_name = next(n for n in names if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
        meta = email.parser.Parser().parsestr(zf.read(meta_name).decode("utf-8"))
        top = next((n for n in names if n.endswith(".dist-info/top_level.txt")), None)
        found = set()
        if top is not None:
            found = {ln.strip() for ln in zf.read(top).decode().splitlines() if ln.strip()}
        if not found:  # top-level packages (folders) and modules (.py files) of the archive
            for n in names:
                head, sep, _ = n.partition("/")
                if sep and not head.endswith((".dist-info", ".data")):
                    found.add(head)
                elif not sep and head.endswith((".py", ".pyc")):
                    found.add(head.rsplit(".", 1)[0])
    imports = sorted(i.replace("/", ".") for i in found if i and not i.startswith("_"))
    return Wheel(
        path=path,
        name=meta["Name"],
        version=meta["Version"],
        imports=tuple(imports),
        requires=tuple(meta.get_all("Requires-Dist") or ()),
    )


def kernel_wheels(prefix: Path) -> list[Wheel]:
    """The wheels jupyterlite-pyodide-kernel ships (piplite, the kernel, stand-ins for
    ipykernel and widgetsnbextension): the newest of each project."""
    found: dict[str, Wheel] = {}
    pypi = prefix / "share/jupyter/labextensions/@jupyterlite/pyodide-kernel-extension"
    for path in sorted((pypi / "static" / "pypi").glob("*.whl")):
        wheel = read_wheel(path)
        old = found.get(wheel.key)
        if old is None or Version(wheel.version) > Version(old.version):
            found[wheel.key] = wheel
    return [found[k] for k in sorted(found)]


def slim_botocore(wheel: Wheel, services: list[str], dest: Path) -> Wheel:
    """``wheel`` (botocore) with the models of ``services`` only, written to ``dest``.

    botocore carries every AWS service's model (16 MB zipped); the emulator answers a
    handful. Entries keep their order and timestamps, and RECORD drops the removed
    files, so the result is the same bytes on every build.
    """
    keep = set(services)

    def wanted(name: str) -> bool:
        parts = name.split("/")
        if parts[:2] != ["botocore", "data"] or len(parts) < 4:
            return True  # code, and the shared data files (endpoints, partitions, ...)
        return parts[2] in keep

    dest.mkdir(parents=True, exist_ok=True)
    target = dest / wheel.path.name
    with zipfile.ZipFile(wheel.path) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            if not wanted(info.filename):
                continue
            data = zin.read(info)
            if info.filename.endswith(".dist-info/RECORD"):
                lines = data.decode().splitlines(keepends=True)
                data = "".join(ln for ln in lines if wanted(ln.split(",", 1)[0])).encode()
            zout.writestr(info, data, compress_type=info.compress_type)
    return read_wheel(target)


def pip_download(args: list[str], dest: Path) -> None:
    """``pip download`` of pure-Python wheels for Pyodide's Python into ``dest``."""
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "-qq",  # warnings too: this machine's pip config names absent local mirrors
        "--disable-pip-version-check",
        "--no-deps",
        "--only-binary=:all:",
        "--platform=any",
        "--implementation=py",
        "--abi=none",
        f"--python-version={python_version()}",
        "--dest",
        str(dest),
        *args,
    ]
    subprocess.run(cmd, check=True, cwd=ROOT)


def python_version() -> str:
    """Pyodide's Python version (major.minor), from the pin file's header."""
    for line in WHEELS_TXT.read_text().splitlines() if WHEELS_TXT.exists() else []:
        m = re.match(r"# python-version: (\d+\.\d+)", line)
        if m:
            return m.group(1)
    return _PYODIDE_PYTHON


_PYODIDE_PYTHON = "3.14"


def pinned() -> list[tuple[str, str, str]]:
    """(name, version, sha256) of every wheel in ``site/wheels.txt``."""
    out = []
    for line in WHEELS_TXT.read_text().splitlines():
        m = re.match(r"([A-Za-z0-9_.\-]+)==(\S+)\s+--hash=sha256:([0-9a-f]{64})", line)
        if m:
            out.append((m.group(1), m.group(2), m.group(3)))
    return out


def download_pinned(dest: Path) -> None:
    """Download every wheel of ``site/wheels.txt`` into ``dest`` (pip checks the hashes)."""
    dest.mkdir(parents=True, exist_ok=True)
    pip_download(["--require-hashes", "-r", str(WHEELS_TXT)], dest)


def checked(dest: Path) -> list[Wheel]:
    """The wheels of ``site/wheels.txt`` found in ``dest``, each checked against its pin."""
    found = {w.key: w for w in map(read_wheel, sorted(dest.glob("*.whl")))}
    out = []
    for name, version, digest in pinned():
        wheel = found.get(canonicalize_name(name))
        if wheel is None or wheel.version != version or wheel.sha256() != digest:
            raise SystemExit(f"site: {name}=={version} is missing or altered in {dest}")
        out.append(wheel)
    return out


def _roots() -> list[str]:
    out = []
    for line in WHEELS_IN.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


def _desktop_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if "==" in line:
            name, version = line.split("==", 1)
            pins[canonicalize_name(name)] = version.strip()
    return pins


def pin(lock_versions: dict[str, str], python_full_version: str) -> str:
    """Resolve ``site/wheels.in`` into the text of ``site/wheels.txt`` (needs PyPI).

    A version comes from ``constraints.txt`` (the desktop lab's pins) when it is there,
    else from Pyodide's lock, else the newest on PyPI.
    """
    env = marker_environment(python_full_version)
    desktop = _desktop_pins()
    queue = [canonicalize_name(Requirement(r).name) for r in _roots()]
    explicit = {canonicalize_name(Requirement(r).name): r for r in _roots()}
    done: dict[str, Wheel] = {}
    with tempfile.TemporaryDirectory() as tmp:
        while queue:
            key = queue.pop(0)
            if key in done or key in NOT_SERVED:
                continue
            version = desktop.get(key) or lock_versions.get(key)
            spec = explicit.get(key, key)
            if not Requirement(spec).specifier and version:
                spec = f"{key}=={version}"
            dest = Path(tmp) / key
            dest.mkdir()
            pip_download([spec], dest)
            wheel = read_wheel(next(dest.glob("*.whl")))
            done[key] = wheel
            queue.extend(d for d in wheel.depends(env) if d not in done)
        lines = [
            "# Pure-Python wheels the site serves (generated by `python -m tools.site pin`",
            "# from site/wheels.in; do not edit by hand).",
            f"# python-version: {'.'.join(python_full_version.split('.')[:2])}",
        ]
        for key in sorted(done):
            w = done[key]
            lines.append(f"{w.key}=={w.version} --hash=sha256:{w.sha256()}")
    return "\n".join(lines) + "\n"
