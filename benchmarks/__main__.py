"""Run every benchmark and print a Markdown table (`make bench`)."""

from __future__ import annotations

import os
import platform

from . import delivery, lab, notebooks, policy_engine
from .harness import Row

SUITES = [policy_engine, lab, delivery, notebooks]


def machine() -> str:
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{python}, {platform.machine()}, {os.cpu_count()} cores"


def main() -> None:
    rows: list[Row] = []
    for suite in SUITES:
        for bench in suite.BENCHMARKS:
            result = bench()
            rows.extend(result if isinstance(result, list) else [result])
    print(f"Measured on {machine()}\n")
    print("| benchmark | figure | target |")
    print("|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row.cells()) + " |")


if __name__ == "__main__":
    main()
