"""The npm pieces of the site (Pyodide's runtime, @viz-js/viz), installed once per lock file."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import SITE, cache_dir


def _key() -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((SITE / name).read_bytes())
    return digest.hexdigest()[:16]


def node_modules() -> Path:
    """``node_modules`` of ``site/package-lock.json`` (``npm ci`` on first use, then cached)."""
    if shutil.which("npm") is None:
        raise SystemExit("site: npm is missing (Debian: apt-get install nodejs npm)")
    target = cache_dir() / f"npm-{_key()}"
    if (target / "node_modules" / ".complete").exists():
        return target / "node_modules"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        for name in ("package.json", "package-lock.json"):
            shutil.copy(SITE / name, Path(tmp) / name)
        subprocess.run(
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=tmp,
            check=True,
        )
        (Path(tmp) / "node_modules" / ".complete").touch()
        shutil.rmtree(target, ignore_errors=True)
        Path(tmp).rename(target)
        Path(tmp).mkdir()  # TemporaryDirectory removes it on exit
    return target / "node_modules"


def version(modules: Path, package: str) -> str:
    """The installed version of npm ``package``."""
    return json.loads((modules / package / "package.json").read_text())["version"]
