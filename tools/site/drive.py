"""Drive a served site in the system Chromium as a learner would (browser test, benchmark).

Every request the browser makes (pages, web workers, the service worker) is recorded in
Chromium's own network log, so :func:`outside_requests` sees what leaves 127.0.0.1 even
where Playwright's request events do not reach; anything outside is also refused by
host rules, so nothing can actually leave the machine.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CHROMIUM = os.environ.get("IAMLAB_CHROMIUM") or next(
    filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
)
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-domain-reliability",
    "--metrics-recording-only",
    "--disable-features=AutofillServerCommunication,Translate,OptimizationHints,MediaRouter",
    # no name outside this machine resolves: a request that tries to leave fails at once
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
LOCAL = ("127.0.0.1", "localhost")
STATUS = ".jp-StatusBar-TextItem"
RUNNING = (
    "() => [...document.querySelectorAll('.jp-Notebook .jp-InputPrompt')]"
    ".some(p => p.textContent.includes('*'))"
)


def launch(playwright: Any, netlog: Path) -> Any:
    """The system Chromium, headless, writing its network log to ``netlog``."""
    if CHROMIUM is None:
        raise FileNotFoundError("Chromium is not installed (Debian: apt-get install chromium)")
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[*ARGS, f"--log-net-log={netlog}", "--net-log-capture-mode=Default"],
    )


def outside_requests(netlog: Path) -> list[str]:
    """Every URL the site's pages and workers asked for whose host is not this machine.

    A request belongs to the site when its initiator is the site (a page, a worker, the
    service worker); Chromium's own traffic (component updates, sign-in, autofill) has no
    initiator. An unreadable log counts every outside URL in it.
    """
    if not netlog.exists():
        return []
    text = netlog.read_text(errors="replace")
    try:
        log = json.loads(text)
    except ValueError:
        urls = re.findall(r'"url":"([^"]+)"', text)
        return sorted({u for u in urls if not _local(u)})
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    out = set()
    for event in log.get("events", []):
        params = event.get("params") or {}
        if event.get("type") != start or "url" not in params or _local(params["url"]):
            continue
        if urlsplit(params.get("initiator", "")).hostname in LOCAL:
            out.add(params["url"])
    return sorted(out)


def _local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in ("http", "https", "ws", "wss") or parts.hostname in LOCAL


def kernel_status(page: Any) -> str:
    """The kernel's state as the status bar shows it (``Idle``, ``Busy``, ...), or ``""``."""
    text = page.evaluate(
        "(sel) => [...document.querySelectorAll(sel)].map(e => e.textContent).join('|')",
        STATUS,
    )
    m = re.search(r"Pyodide\)\s*\|\s*(\w+)", text or "")
    return m.group(1) if m else ""


def open_notebook(page: Any, base: str, notebook: str, timeout: float = 120) -> dict[str, float]:
    """Open ``notebook`` in the site's JupyterLab; wait until its kernel is idle.

    Returns seconds from navigation until the notebook shows (``shown``) and until the
    kernel first reports Idle after starting (``kernel_ready``).
    """
    start = time.monotonic()
    page.goto(f"{base}lab/index.html?path={notebook}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout * 1000)
    shown = time.monotonic() - start
    started = False
    while time.monotonic() - start < timeout:
        status = kernel_status(page)
        if status and status != "Idle":
            started = True
        elif status == "Idle" and started:
            return {"shown": shown, "kernel_ready": time.monotonic() - start}
        time.sleep(0.05)
    raise TimeoutError(f"the kernel of {notebook} was not ready after {timeout:.0f} s")


def run_all(page: Any, timeout: float = 300) -> float:
    """Run every cell (Run > Run All Cells); seconds until none is queued or running."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    start = time.monotonic()
    page.wait_for_function(RUNNING, timeout=30000)  # the first cell is queued
    page.wait_for_function(f"() => !({RUNNING})()", timeout=timeout * 1000)
    return time.monotonic() - start


def cell_errors(page: Any) -> list[str]:
    """The text of every error (traceback) output in the open notebook."""
    outputs = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    texts = [outputs.nth(i).inner_text() for i in range(outputs.count())]
    return [t for t in texts if "Traceback" in t or re.search(r"^\w*(Error|Exception)\b", t, re.M)]


def unrun_cells(page: Any) -> int:
    """How many code cells have no execution count (never ran: run-all stopped before them)."""
    return page.evaluate(
        "() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]"
        ".filter(p => !/\\[\\d+\\]/.test(p.textContent)).length"
    )


def first_lines(text: str, n: int = 12) -> str:
    return "\n".join(text.splitlines()[:n])


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
