"""Pyodide's package lock, rewritten for a site that serves its own wheels.

The lock that ships with the npm package names every package of the Pyodide
distribution by a file relative to the runtime; those files live only on Pyodide's
CDN. The site's lock keeps them reachable there (absolute URLs, Pyodide's own sha256),
and replaces or adds an entry for every wheel the site serves itself (a file beside the
lock, the sha256 of the downloaded file, its imports and requirements), so that
``import boto3`` in a cell loads boto3 from the site.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from .wheels import NOT_SERVED, Wheel, marker_environment

CDN = "https://cdn.jsdelivr.net/pyodide/v{version}/full/"
# the extras of a served project that the browser installs with it
EXTRAS = {"iamlab": ("lab",)}
# requirements a served project has in the browser only
BROWSER_DEPENDS = {"iamlab": ("anywidget",)}  # iamlab.diagrams.browser draws the diagrams


def upstream_versions(lock: dict[str, Any]) -> dict[str, str]:
    """Canonical name -> version of every package in a Pyodide lock."""
    return {key: entry["version"] for key, entry in lock["packages"].items()}


def rewrite(
    lock: dict[str, Any], wheels: Iterable[Wheel], pyodide_version: str
) -> tuple[dict[str, Any], list[str]]:
    """The site's lock, and the requirements left out (``name: reason``, for the build log).

    ``wheels`` are served beside the lock; every other entry points at Pyodide's CDN for
    ``pyodide_version``. A requirement that is neither served nor listed in
    :data:`NOT_SERVED` is an error: the browser would fail on it at run time.
    """
    out = copy.deepcopy(lock)
    env = marker_environment(lock["info"]["python"])
    cdn = CDN.format(version=pyodide_version)
    for entry in out["packages"].values():
        if "://" not in entry["file_name"]:
            entry["file_name"] = cdn + entry["file_name"]
    wheels = list(wheels)
    served = {w.key for w in wheels}
    left_out: list[str] = []
    missing: list[str] = []
    for wheel in wheels:
        depends = []
        wanted = wheel.depends(env, EXTRAS.get(wheel.key, ()))
        wanted += [d for d in BROWSER_DEPENDS.get(wheel.key, ()) if d not in wanted]
        for dep in wanted:
            if dep in served:
                depends.append(dep)
            elif dep in NOT_SERVED:
                note = f"{dep} (needed by {wheel.key}): {NOT_SERVED[dep]}"
                if note not in left_out:
                    left_out.append(note)
            else:
                missing.append(f"{dep} (needed by {wheel.key})")
        out["packages"][wheel.key] = {
            "name": wheel.name,
            "version": wheel.version,
            "file_name": wheel.path.name,
            "install_dir": "site",
            "sha256": wheel.sha256(),
            "package_type": "package",
            "imports": list(wheel.imports),
            "depends": sorted(depends),
            "unvendored_tests": False,
        }
    if missing:
        raise SystemExit(
            "site: these requirements are neither served nor known to be unneeded: "
            + ", ".join(missing)
            + ".\nAdd them to site/wheels.in and run `python -m tools.site pin`, "
            "or list them in NOT_SERVED (tools/site/wheels.py) with the reason."
        )
    out["packages"] = dict(sorted(out["packages"].items()))
    return out, sorted(left_out)
