"""Delivery figures: running every notebook under nbval, and JupyterLab's start from `make lab`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .harness import Row

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


BENCHMARKS = [nbval_run, lab_start]
