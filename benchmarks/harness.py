"""A tiny timing harness: repeat, keep the best of several rounds, report one row."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Row:
    """One benchmark figure for the report table."""

    name: str
    value: float
    unit: str
    target: str

    def cells(self) -> list[str]:
        figure = f"{self.value:,.0f}" if self.value >= 100 else f"{self.value:.3g}"
        return [self.name, f"{figure} {self.unit}", self.target]


def per_second(fn: Callable[[], object], number: int, rounds: int = 5) -> float:
    """Best calls per second over ``rounds`` rounds of ``number`` calls."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, time.perf_counter() - start)
    return number / best


def latencies_ms(fn: Callable[[], object], number: int) -> list[float]:
    """Each call's latency in milliseconds."""
    out = []
    for _ in range(number):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]
