"""A real browser drives JupyterLab: stored diagrams show before running, panels redraw on screen.

JupyterLab is served from the project's environment on a free localhost port with a
one-off token, over a temporary folder: copies of labs/ (trusted, as `make lab` does)
and a small notebook with every widget panel. Its settings, data and workspaces are
temporary too, with JupyterLab's notifications off (so no "news" toast covers a button).
Playwright drives the system Chromium at 1400x900, JupyterLab's default layout (file
browser open). Waits are for explicit states (a kernel idle, a table saying "allowed"),
never for fixed times. Screenshots go to build/screenshots/.

Run with `make browser` (also part of `make test`).
"""

from __future__ import annotations

import json
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
from typing import Any

import pytest

sync_api = pytest.importorskip("playwright.sync_api")
nbformat = pytest.importorskip("nbformat")

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TOKEN = "iamlab-browser-test"
VIEWPORT = {"width": 1400, "height": 900}
WAIT = 20_000  # ms for a page element or a redraw; kernels get KERNEL_WAIT
KERNEL_WAIT = 90_000
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
# JupyterLab 4.6's settings (schema @jupyterlab/apputils-extension:notification): never ask
# to fetch news, never check for updates, show no toast at all
QUIET = {"fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True}
PANELS = {  # the notebook the panel test runs: one panel per cell, in this order
    "cross-account": "cross_account_panel()",
    "confused-deputy": "confused_deputy_panel()",
    "same-account-ec2": "same_account_ec2_panel()",
    "resource-policy-s3": "resource_policy_s3_panel()",
    "self-managed-mfa": "self_managed_mfa_panel()",
    "revoking-sessions": "revoking_panel()",
    "mfa-keys": "mfa_keys_panel()",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _panels_notebook(path: Path) -> None:
    cells = [nbformat.v4.new_code_cell("from iamlab.widgets import *")]
    for name, call in PANELS.items():
        cells.append(nbformat.v4.new_markdown_cell(f"## {name}"))
        cells.append(nbformat.v4.new_code_cell(call))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    nbformat.write(nb, path)


def _environment(top: Path) -> dict[str, str]:
    """Jupyter's config, data, runtime, settings and workspaces under ``top``."""
    env = dict(os.environ)
    for name, var in (
        ("config", "JUPYTER_CONFIG_DIR"),
        ("data", "JUPYTER_DATA_DIR"),
        ("runtime", "JUPYTER_RUNTIME_DIR"),
        ("settings", "JUPYTERLAB_SETTINGS_DIR"),
        ("workspaces", "JUPYTERLAB_WORKSPACES_DIR"),
    ):
        (top / name).mkdir(parents=True, exist_ok=True)
        env[var] = str(top / name)
    settings = top / "settings" / "@jupyterlab"
    for plugin, values in (
        ("apputils-extension/notification", QUIET),
        # render every cell (no windowing), so outputs further down exist in the page
        ("notebook-extension/tracker", {"windowingMode": "none"}),
    ):
        target = settings / f"{plugin}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values), encoding="utf-8")
    return env


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    top = tmp_path_factory.mktemp("jupyter")
    work = top / "notebooks"
    work.mkdir()
    for notebook in (ROOT / "labs").glob("*.ipynb"):
        shutil.copy(notebook, work / notebook.name)
    _panels_notebook(work / "panels.ipynb")
    env = _environment(top)
    # as `make lab` does: the lab notebooks are trusted, so stored diagrams render
    subprocess.run(
        [sys.executable, "-m", "jupyter", "trust", *sorted(str(p) for p in work.glob("*.ipynb"))],
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    log = open(top / "jupyter.log", "w")  # noqa: SIM115 (closed below)
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
        deadline = time.monotonic() + KERNEL_WAIT / 1000
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("JupyterLab did not start:\n" + (top / "jupyter.log").read_text())
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
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(browser: Any, base: str, notebook: str) -> Any:
    """A page showing ``notebook`` in a fresh workspace, its kernel idle."""
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(WAIT)
    workspace = notebook.split(".")[0].replace("_", "-")
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{notebook}?reset&token={TOKEN}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=KERNEL_WAIT)
    page.wait_for_selector(f"{INDICATOR}[data-status='idle']", timeout=KERNEL_WAIT)
    _accept_kernel_dialog(page)
    return page


def _accept_kernel_dialog(page: Any) -> None:
    """Under load JupyterLab may ask which kernel to start although the notebook names one:
    accept its choice (the notebook's own kernel) so no dialog blocks a click."""
    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    if dialog.count():
        dialog.locator("button", has_text="Select").first.click()
        dialog.wait_for(state="detached")


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=False)


def _first_notebook_with_a_diagram() -> str:
    for path in sorted((ROOT / "labs").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for output in cell.get("outputs", []):
                if "image/svg+xml" in output.get("data", {}):
                    return path.name
    pytest.skip("no lab notebook has a stored diagram")
    raise AssertionError  # unreachable


def test_a_saved_notebook_shows_its_diagrams_before_running(jupyter: str, browser: Any) -> None:
    """Opened, not run: the stored diagrams are pictures that fit the column, not text."""
    notebook = _first_notebook_with_a_diagram()
    page = _open(browser, jupyter, notebook)
    picture = page.locator(".jp-RenderedSVG img, .jp-RenderedSVG svg").first
    picture.wait_for(state="attached")
    picture.scroll_into_view_if_needed()
    sync_api.expect(picture).to_be_visible()
    outputs = page.locator(".jp-OutputArea-output")
    assert outputs.filter(has_text="Cannot display an untrusted SVG").count() == 0
    assert outputs.filter(has_text="Trust-flow diagram:").count() == 0  # the text form
    fits = picture.evaluate(
        """(el) => {
            const area = el.closest('.jp-OutputArea-output');
            const box = el.getBoundingClientRect(), outer = area.getBoundingClientRect();
            return {width: box.width, right: box.right, outer: outer.right,
                    scroll: area.scrollWidth - area.clientWidth, natural: el.naturalWidth};
        }"""
    )
    assert fits["width"] > 100, fits
    assert fits["right"] <= fits["outer"] + 1 and fits["scroll"] <= 1, fits
    _shot(page, f"{notebook.split('.')[0]}_unrun.png")
    page.close()


# ---- panels: after each change, the changed arrow is on screen and has a new colour ----

_CALL_EDGES = """(panel) => {
    const out = {};
    for (const g of panel.querySelectorAll('svg g.edge')) {
        if (!(g.getAttribute('class') || '').includes('call')) continue;
        const path = g.querySelector('path');
        const box = g.getBoundingClientRect();
        out[g.id] = {stroke: path ? path.getAttribute('stroke') : '',
                     left: box.left, top: box.top, right: box.right, bottom: box.bottom};
    }
    return out;
}"""

_VISIBLE = """(el) => {
    const view = el.closest('.jp-WindowedPanel-outer') || el.closest('.jp-Notebook');
    const r = view.getBoundingClientRect();
    return {left: Math.max(r.left, 0), top: Math.max(r.top, 0),
            right: Math.min(r.right, window.innerWidth),
            bottom: Math.min(r.bottom, window.innerHeight)};
}"""


def _panel(page: Any, title: str) -> Any:
    panel = page.locator(".iamlab-panel", has_text=title).first
    panel.wait_for(state="visible")
    # as a learner does: scroll until the panel's top is at the top of the notebook
    panel.evaluate("(el) => el.scrollIntoView({block: 'start'})")
    return panel


def _change(page: Any, panel: Any, act: Any, shot: str) -> None:
    """Do ``act`` (a click, a key) and check what the learner sees after the redraw."""
    before = panel.evaluate(_CALL_EDGES)
    svg_before = panel.locator("svg").first.inner_html()
    act()
    page.wait_for_function(
        "([el, old]) => { const s = el.querySelector('svg'); return s && s.innerHTML !== old; }",
        arg=[panel.element_handle(), svg_before],
    )
    after = panel.evaluate(_CALL_EDGES)
    changed = {k: v for k, v in after.items() if before.get(k, {}).get("stroke") != v["stroke"]}
    assert changed, f"{shot}: no call arrow changed colour ({before} -> {after})"
    view = panel.evaluate(_VISIBLE)
    table = panel.locator("table.iamlab-table").bounding_box()
    _shot(page, shot)
    for name, box in changed.items():
        assert view["left"] - 1 <= box["left"] and box["right"] <= view["right"] + 1, (
            f"{shot}: arrow {name} is off screen horizontally: {box} not in {view}"
        )
        assert view["top"] - 1 <= box["top"] and box["bottom"] <= view["bottom"] + 1, (
            f"{shot}: arrow {name} is off screen vertically: {box} not in {view}"
        )
    assert table is not None and table["y"] >= view["top"] - 1, f"{shot}: table above view"
    assert table["y"] + table["height"] <= view["bottom"] + 1, f"{shot}: table below view"
    overflow = panel.evaluate(
        "(el) => { const a = el.closest('.jp-OutputArea-output');"
        " return a.scrollWidth - a.clientWidth; }"
    )
    assert overflow <= 1, f"{shot}: the output scrolls horizontally by {overflow} px"


def _button(panel: Any, text: str) -> Any:
    return lambda: panel.locator("button", has_text=text).first.click()


def test_panels_redraw_the_changed_arrow_on_screen(jupyter: str, browser: Any) -> None:
    page = _open(browser, jupyter, "panels.ipynb")
    try:
        _exercise_panels(page)
    except Exception:
        _shot(page, "failed_panels.png")
        raise
    page.close()


def _run_all(page: Any) -> None:
    """Run > Run All Cells, until the first cell is seen to start (a click on a menu that is
    still settling can be lost; nothing here waits a fixed time)."""
    started = page.locator(".jp-InputPrompt", has_text="[*]").or_(
        page.locator(".jp-InputPrompt", has_text="[1]")
    )
    for _ in range(3):
        _accept_kernel_dialog(page)
        try:
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            item = page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first
            item.wait_for(state="visible")
            item.click()
            started.first.wait_for(state="attached", timeout=10_000)
            return
        except sync_api.TimeoutError:
            if not page.locator(".jp-Dialog").count():
                page.keyboard.press("Escape")  # close a menu left open
    raise AssertionError("Run All Cells did not start the notebook")


def _exercise_panels(page: Any) -> None:
    _run_all(page)
    last = page.locator(".iamlab-panel", has_text="MFA condition keys").first
    last.wait_for(state="visible", timeout=KERNEL_WAIT)
    page.wait_for_selector(f"{INDICATOR}[data-status='idle']", timeout=KERNEL_WAIT)
    assert page.locator(".jp-OutputArea-output", has_text="Traceback").count() == 0

    panel = _panel(page, "Choose how Richard calls AssumeRole")
    sync_api.expect(panel.locator("table.iamlab-table")).to_contain_text("allowed")
    _shot(page, "panel_cross_account_mfa_code.png")
    _change(page, panel, _button(panel, "no MFA"), "panel_cross_account_no_mfa.png")
    sync_api.expect(panel.locator("table.iamlab-table")).to_contain_text("denied (implicit)")
    _change(page, panel, _button(panel, "wrong code"), "03_cross_account_wrong_code.png")
    sync_api.expect(panel.locator("table.iamlab-table")).to_contain_text("refused")
    _change(page, panel, _button(panel, "MFA code"), "panel_cross_account_back.png")

    panel = _panel(page, "Type an external ID")
    field = panel.locator("input").first
    _shot(page, "08_confused_deputy_12345.png")

    def typed(value: str) -> Any:
        return lambda: (field.fill(value), field.press("Enter"))

    _change(page, panel, typed("67890"), "08_confused_deputy_67890.png")
    sync_api.expect(panel.locator("pre")).to_contain_text("sts:ExternalId")
    _change(page, panel, _button(panel, "other"), "panel_confused_deputy_other.png")

    panel = _panel(page, "Pick Sofia's credentials")
    _change(page, panel, _button(panel, "long-term keys"), "panel_ec2_long_term.png")
    _change(page, panel, _button(panel, "GetSessionToken with MFA"), "panel_ec2_mfa.png")
    handle = panel.locator(".noUi-handle, .slider-handle, [role=slider]").first
    _change(page, panel, lambda: (handle.focus(), handle.press("End")), "panel_ec2_36h.png")
    sync_api.expect(panel.locator("table.iamlab-table")).to_contain_text("refused")

    panel = _panel(page, "Pick the credentials Nikhil uses")
    _change(page, panel, _button(panel, "AssumeRole with MFA"), "panel_s3_assume_role.png")
    _change(page, panel, _button(panel, "long-term keys"), "panel_s3_long_term.png")

    panel = _panel(page, "Pick the user and whether")
    _change(page, panel, _button(panel, "Nikhil"), "panel_self_managed_nikhil.png")

    panel = _panel(page, "Pick what the administrator does")
    select = panel.locator("select").first
    _change(
        page,
        panel,
        lambda: select.select_option("deny the role in the bucket policy"),
        "panel_revoking_deny_role.png",
    )
    _change(page, panel, lambda: select.select_option("nothing"), "panel_revoking_nothing.png")

    panel = _panel(page, "Change the credentials, the operator")
    table = panel.locator("table.iamlab-table")
    panel.locator("button", has_text="long-term access keys").click()
    sync_api.expect(table).to_contain_text("denied (implicit)")
    panel.locator("button", has_text="BoolIfExists").click()
    sync_api.expect(table).to_contain_text("allowed")
    _shot(page, "panel_mfa_keys_bool_if_exists.png")
