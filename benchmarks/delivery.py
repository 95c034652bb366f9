"""Delivery figures: every notebook under nbval, JupyterLab's start from `make lab`, and how
fast each widget panel redraws its table and diagram after a click."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .harness import Row, latencies_ms, p95

ROOT = Path(__file__).resolve().parents[1]


def nbval_run() -> Row:
    """Wall time of the notebook tests exactly as `make test` runs them."""
    start = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            "tests/nbval_sanitize.cfg",
            "labs/",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    notebooks = len(list((ROOT / "labs").glob("*.ipynb")))
    verdict = "passed" if proc.returncode == 0 else "FAILED"
    return Row(f"nbval over all {notebooks} notebooks ({verdict})", seconds, "s", "< 180 s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_start() -> Row:
    """From `make lab` (environment already installed) until JupyterLab answers on localhost."""
    port = free_port()
    env = dict(os.environ, PORT=str(port), JUPYTER_TOKEN="bench", BROWSER="true")
    start = time.perf_counter()
    proc = subprocess.Popen(
        ["make", "-s", "lab", f"PORT={port}", "LAB_ARGS=--no-browser --ServerApp.token=bench"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/api/status?token=bench"
    seconds = float("nan")
    try:
        deadline = start + 120
        while time.perf_counter() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        seconds = time.perf_counter() - start
                        break
            except OSError:
                time.sleep(0.1)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    return Row("`make lab` (warm) until JupyterLab answers", seconds, "s", "a few seconds")


def _panel_settings() -> list[tuple[str, object, list[dict]]]:
    from iamlab.scenarios import stories
    from iamlab.widgets import panels

    return [
        ("cross-account", panels.cross_account_panel, [{"mfa": m} for m in stories.MFA_CHOICES]),
        (
            "same-account EC2",
            panels.same_account_ec2_panel,
            [{"mfa_age": a} for _, a in panels.EC2_AGE_CHOICES],
        ),
        (
            "resource policy S3",
            panels.resource_policy_s3_panel,
            [{"credentials": c} for c in stories.NIKHIL_CHOICES],
        ),
        (
            "self-managed MFA",
            panels.self_managed_mfa_panel,
            [{"who": "Nikhil", "mfa": False}, {"who": "Sofia", "mfa": True}],
        ),
        (
            "revoking sessions",
            panels.revoking_panel,
            [{"how": h} for h in stories.REVOCATION_CHOICES],
        ),
        (
            "confused deputy",
            panels.confused_deputy_panel,
            [{"external_id": e} for e in ("12345", "67890", "")],
        ),
        (
            "MFA condition keys",
            panels.mfa_keys_panel,
            [{"mfa_age": a} for _, a in panels.mfa_keys.AGE_CHOICES],
        ),
    ]


def widget_redraw() -> list[Row]:
    """A learner's click on each panel: the story replayed, the table and the diagram redrawn
    (``Panel.set``, the same path as a widget change), 60 clicks cycling through the choices."""
    rows = []
    for name, make, choices in _panel_settings():
        panel = make()  # type: ignore[operator]
        clicks = iter(range(10**6))

        def click(
            panel: object = panel, choices: list[dict] = choices, clicks: object = clicks
        ) -> None:
            panel.set(**choices[next(clicks) % len(choices)])  # type: ignore[attr-defined,call-overload]

        times = latencies_ms(click, 60)
        rows.append(Row(f"widget change -> redraw ({name}, p95)", p95(times), "ms", "< 100 ms"))
    return rows


BENCHMARKS = [nbval_run, lab_start, widget_redraw]
