"""Build the lab as a static JupyterLite site in ``_site/`` (``make site``).

Everything the browser needs is served by the site itself: JupyterLab (jupyterlite-core),
the Pyodide kernel, the Pyodide runtime (npm ``pyodide``), the pure-Python wheels of the
kernel and the lab (PyPI), an ``iamlab`` wheel built from the checkout, and the Graphviz
renderer for diagrams (npm ``@viz-js/viz``). Inputs are pinned in ``site/``; downloads are
cached by content hash under ``build/site-cache/`` (or ``$IAMLAB_SITE_CACHE``).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
OUT = ROOT / "_site"
LABS = ROOT / "labs"


def cache_dir() -> Path:
    """Where downloads and built pieces are kept between builds."""
    return Path(os.environ.get("IAMLAB_SITE_CACHE") or ROOT / "build" / "site-cache")
