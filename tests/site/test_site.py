"""The static site in a real browser: notebook 08 runs in Pyodide with nothing from outside.

``make site`` builds ``_site/``; this serves it on 127.0.0.1 and drives the system
Chromium: open the confused-deputy notebook, run every cell, type the other customer's
external ID into the panel, and see the decision and the diagram change. Any request
that leaves 127.0.0.1 fails the test (Chromium's network log is the witness). Skipped
when no site is built, or when the site is older than the checkout (``make site-test``
rebuilds it first; ``IAMLAB_SITE_TEST=require`` turns these skips into failures).
Timings go to ``build/site-timings.json``; screenshots to ``build/screenshots/``.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

from tools.site import OUT, ROOT, drive  # noqa: E402
from tools.site.build import inputs_digest  # noqa: E402
from tools.site.serve import serving  # noqa: E402

pytestmark = pytest.mark.browser

SITE = Path(os.environ.get("IAMLAB_SITE_DIR") or OUT)
SHOTS = ROOT / "build" / "screenshots"
TIMINGS = ROOT / "build" / "site-timings.json"
PANEL = "Type an external ID"


def _unavailable(reason: str) -> None:
    if os.environ.get("IAMLAB_SITE_TEST") == "require":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    info = SITE / "build-info.json"
    if not info.exists():
        _unavailable(f"no site in {SITE}: run `make site`")
    if json.loads(info.read_text())["inputs"] != inputs_digest():
        _unavailable(f"the site in {SITE} is older than the checkout: run `make site`")
    if drive.CHROMIUM is None:
        _unavailable("Chromium is not installed (apt-get install chromium)")
    with serving(SITE) as base:
        yield base


@contextlib.contextmanager
def chromium(tmp_path: Path) -> Iterator[object]:
    """Chromium for one test; on leaving, its network log must show nothing outside."""
    netlog = tmp_path / "netlog.json"
    with sync_api.sync_playwright() as p:
        browser = drive.launch(p, netlog)
        try:
            yield browser
        finally:
            browser.close()
    outside = drive.outside_requests(netlog)  # complete once Chromium has exited
    assert outside == [], f"the site made requests outside 127.0.0.1: {outside}"


def _shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))  # type: ignore[attr-defined]


def test_the_landing_page_opens_the_first_notebook(site: str, tmp_path: Path) -> None:
    with chromium(tmp_path) as browser:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto(site)
        start = page.locator("a.start")
        assert start.get_attribute("href") == "lab/index.html?path=00_start_here.ipynb"
        notebooks = sorted(p.name for p in (ROOT / "labs").glob("*.ipynb"))
        assert page.locator("ul.notebooks a").count() == len(notebooks)
        assert page.locator("#unsupported").is_hidden()


def test_notebook_08_runs_and_its_panel_reacts(site: str, tmp_path: Path) -> None:
    notebook = sorted((ROOT / "labs").glob("08_*.ipynb"))[0].name
    with chromium(tmp_path) as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
        page.set_default_timeout(60000)
        times = drive.open_notebook(page, site, notebook)
        times["run_all"] = drive.run_all(page)
        drive.write_json(TIMINGS, {k: round(v, 2) for k, v in times.items()})
        errors = drive.cell_errors(page)
        if errors:
            _shot(page, "site_08_error.png")
            pytest.fail(
                f"{notebook}: {len(errors)} cell(s) failed in the browser; "
                f"{drive.unrun_cells(page)} code cell(s) never ran. The first error:\n"
                + drive.first_lines(errors[0], 30)
            )
        assert drive.unrun_cells(page) == 0
        panel = page.locator(".jp-OutputArea-output", has_text=PANEL).first
        panel.scroll_into_view_if_needed()
        table = panel.locator("table.iamlab-table")
        sync_api.expect(table).to_contain_text("allowed")
        drawn = panel.locator(".iamlab-diagram").first
        drawn.locator("svg").wait_for(state="visible", timeout=30000)  # laid out by viz.js
        before = drawn.locator("svg").inner_html()
        _shot(page, "site_08_12345.png")
        field = panel.locator("input").first
        field.fill("67890")  # the other customer's external ID
        field.press("Enter")
        sync_api.expect(table).to_contain_text("denied (implicit)")
        sync_api.expect(panel.locator("pre")).to_contain_text("sts:ExternalId")
        page.wait_for_function(
            "([el, old]) => el.querySelector('svg') && el.querySelector('svg').innerHTML !== old",
            arg=[drawn.element_handle(), before],
            timeout=30000,
        )
        _shot(page, "site_08_67890.png")


@pytest.mark.skipif(
    os.environ.get("IAMLAB_SITE_NOTEBOOKS") != "all",
    reason="every notebook in the browser takes minutes: IAMLAB_SITE_NOTEBOOKS=all runs it",
)
@pytest.mark.parametrize("notebook", sorted(p.name for p in (ROOT / "labs").glob("*.ipynb")))
def test_every_notebook_runs_in_the_browser(site: str, tmp_path: Path, notebook: str) -> None:
    with chromium(tmp_path) as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
        page.set_default_timeout(60000)
        drive.open_notebook(page, site, notebook)
        drive.run_all(page)
        errors = drive.cell_errors(page)
        assert not errors, f"{notebook}: the first error:\n" + drive.first_lines(errors[0], 30)
        assert drive.unrun_cells(page) == 0
