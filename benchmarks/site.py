"""The static site in Chromium: how long a learner waits (needs `make site`; served locally).

A first visit (empty browser cache) opens notebook 08 and runs every cell; a second
visit in the same browser shows what the HTTP cache saves. Each figure is the median
of ``IAMLAB_SITE_BENCH_RUNS`` visits (default 1: one visit takes about a minute).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
from pathlib import Path

from tools.site import OUT, ROOT, drive
from tools.site.build import inputs_digest, size
from tools.site.serve import serving

from .harness import Row

NOTEBOOK_GLOB = "08_*.ipynb"


def _runs() -> int:
    return max(1, int(os.environ.get("IAMLAB_SITE_BENCH_RUNS", "1")))


def _visit(base: str, notebook: str) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = drive.launch(p, Path(tmp) / "netlog.json")
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        first = drive.open_notebook(page, base, notebook)
        first["run_all"] = drive.run_all(page)
        first["errors"] = float(len(drive.cell_errors(page)))
        page.close()
        again = drive.open_notebook(context.new_page(), base, notebook)
        first["kernel_ready_again"] = again["kernel_ready"]
        browser.close()
        outside = drive.outside_requests(Path(tmp) / "netlog.json")
    first["outside"] = float(len(outside))
    return first


def site_figures() -> list[Row]:
    """Kernel ready, run-all and size of the built site, or a row saying it is not built."""
    info = OUT / "build-info.json"
    if not info.exists() or json.loads(info.read_text())["inputs"] != inputs_digest():
        return [Row("site: not built or older than the checkout (run `make site`)", 0, "", "")]
    if drive.CHROMIUM is None:
        return [Row("site: Chromium is not installed", 0, "", "")]
    notebook = sorted((ROOT / "labs").glob(NOTEBOOK_GLOB))[0].name
    with serving(OUT) as base:
        visits = [_visit(base, notebook) for _ in range(_runs())]

    def median(key: str) -> float:
        return statistics.median(v[key] for v in visits)

    rows = [
        Row("site: JupyterLab shown, first visit", median("shown"), "s", ""),
        Row("site: kernel ready, first visit", median("kernel_ready"), "s", "< 20 s"),
        Row("site: kernel ready, return visit", median("kernel_ready_again"), "s", ""),
        Row("site: notebook 08 run all", median("run_all"), "s", "< 15 s"),
        Row("site: size", size(OUT) / 1e6, "MB", ""),
    ]
    if any(v["errors"] or v["outside"] for v in visits):
        rows.append(Row("site: cells failed or requests left 127.0.0.1", 1, "", "0"))
    return rows


BENCHMARKS = [site_figures]
