"""A real browser drives JupyterLab: open the notebooks, run every cell, use a widget.

JupyterLab is served from the project's environment on a free localhost port
with a one-off token, over a temporary copy of labs/ (so nothing the browser
does touches the committed notebooks); Playwright drives the system Chromium.
Screenshots go to build/screenshots/.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TOKEN = "iamlab-browser-test"
INDICATOR = ".jp-Notebook-ExecutionIndicator"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    work = tmp_path_factory.mktemp("labs")
    for notebook in (ROOT / "labs").glob("*.ipynb"):
        shutil.copy(notebook, work / notebook.name)
    # render every cell (no windowing), so widgets further down exist in the page
    settings = tmp_path_factory.mktemp("lab-settings")
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text('{"windowingMode": "none"}')
    news = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    news.parent.mkdir(parents=True)
    news.write_text('{"fetchNews": "false"}')  # no "get news?" toast over the screenshots
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings))
    port = _free_port()
    log = open(work / "jupyter.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--ServerApp.token={TOKEN}",
            f"--ServerApp.root_dir={work}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("JupyterLab did not start:\n" + (work / "jupyter.log").read_text())
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open_and_run_all(browser: object, base: str, notebook: str, live_text: str) -> object:
    """Open ``notebook``, run all cells from the Run menu, and wait until the widget whose
    text includes ``live_text`` is live (rendered by the running kernel)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page.set_default_timeout(120000)  # a loaded CI machine can be slow
    # a workspace of its own (reset), so tabs from another test are not restored
    workspace = notebook.split(".")[0].replace("_", "-")
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{notebook}?reset&token={TOKEN}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120000)
    page.wait_for_selector(f"{INDICATOR}[data-status='idle']", timeout=120000)
    live = page.locator(".jp-OutputArea-output", has_text=live_text)
    for _ in range(3):  # the menu can miss a click while the page is still settling
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        item = page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first
        item.wait_for(state="visible", timeout=10000)
        item.click()
        with contextlib.suppress(sync_api.TimeoutError):
            live.first.wait_for(state="visible", timeout=90000)
            break
        page.keyboard.press("Escape")
    else:
        _shot(page, f"failed_{workspace}.png")
        pytest.fail(f"{notebook}: the widget never came alive (see build/screenshots)")
    # wait until no cell is queued or running any more
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.jp-InputPrompt')]"
        ".some(p => p.textContent.includes('*'))",
        timeout=180000,
    )
    page.wait_for_selector(f"{INDICATOR}[data-status='idle']", timeout=120000)
    return page


def _shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=False)  # type: ignore[attr-defined]


def test_start_here_runs_and_its_widget_reacts(jupyter: str, browser: object) -> None:
    page = _open_and_run_all(browser, jupyter, "00_start_here.ipynb", "Change the credentials")
    assert page.locator(".jp-OutputArea-output", has_text="Traceback").count() == 0
    panel = page.locator(".jp-OutputArea-output", has_text="Change the credentials").first
    panel.scroll_into_view_if_needed()
    table = panel.locator("table.iamlab-table")
    sync_api.expect(table).to_contain_text("allowed")
    _shot(page, "00_start_here_panel_before.png")
    panel.locator("button", has_text="long-term access keys").click()
    sync_api.expect(table).to_contain_text("denied (implicit)")
    sync_api.expect(panel.locator("pre")).to_contain_text("not in the request context")
    _shot(page, "00_start_here_panel_after.png")
    panel.locator("button", has_text="BoolIfExists").click()
    sync_api.expect(table).to_contain_text("allowed")


def test_confused_deputy_panel_recolours_the_diagram(jupyter: str, browser: object) -> None:
    notebooks = sorted((ROOT / "labs").glob("08_*.ipynb"))
    assert notebooks, "the confused-deputy notebook labs/08_*.ipynb is missing"
    page = _open_and_run_all(browser, jupyter, notebooks[0].name, "Type an external ID")
    assert page.locator(".jp-OutputArea-output", has_text="Traceback").count() == 0
    panel = page.locator(".jp-OutputArea-output", has_text="Type an external ID").first
    panel.scroll_into_view_if_needed()
    table = panel.locator("table.iamlab-table")
    sync_api.expect(table).to_contain_text("allowed")
    svg_before = panel.locator("svg").first.inner_html()
    _shot(page, "08_confused_deputy_12345.png")
    field = panel.locator("input").first
    field.fill("67890")
    field.press("Enter")
    sync_api.expect(table).to_contain_text("denied (implicit)")
    sync_api.expect(panel.locator("pre")).to_contain_text("sts:ExternalId")
    assert panel.locator("svg").first.inner_html() != svg_before
    _shot(page, "08_confused_deputy_67890.png")
