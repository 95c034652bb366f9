"""Prepare JupyterLab for learners: trusted lab notebooks and no news pop-ups.

* JupyterLab shows SVG outputs only from trusted notebooks; the lab's stored
  diagrams should render on first open, before any cell runs.
* JupyterLab 4 asks on first start whether to fetch news from the internet;
  the lab is offline, and the pop-up covers buttons.

Used by ``make lab`` and by ``binder/postBuild``; safe to run again.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
from nbformat.sign import NotebookNotary

ROOT = Path(__file__).resolve().parents[1]
NOTIFICATIONS = "@jupyterlab/apputils-extension:notification"
QUIET = {"fetchNews": "false", "checkForUpdates": False}


def trust_notebooks(
    folder: Path = ROOT / "labs", notary: NotebookNotary | None = None
) -> list[Path]:
    """Sign every notebook in ``folder`` in this user's trust database."""
    notary = notary or NotebookNotary()
    signed = []
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if not notary.check_signature(nb):
            notary.sign(nb)
        signed.append(path)
    return signed


def settings_overrides(prefix: Path = Path(sys.prefix)) -> Path:
    """Merge the quiet notification settings into JupyterLab's app-wide overrides."""
    target = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    current = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
    current.setdefault(NOTIFICATIONS, {}).update(QUIET)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return target


def main() -> int:
    count = len(trust_notebooks())
    where = settings_overrides()
    print(f"trusted {count} lab notebooks; JupyterLab news off ({where})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
