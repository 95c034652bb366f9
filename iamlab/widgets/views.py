"""What a panel shows for one setting: the attempts as a table, the diagram and the explanation.

These are plain functions of the settings, so tests and notebooks run them
without a browser; the ipywidgets panels only glue controls to them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from iamlab.diagrams import Diagram, story_diagram
from iamlab.scenarios.base import Attempt, Scenario

OUTCOME_WORDS = {
    "allowed": "allowed",
    "explicitDeny": "denied (explicit)",
    "implicitDeny": "denied (implicit)",
    "error": "error",
}
COLUMNS = ["call", "outcome", "error", "reason"]


def attempts_table(attempts: Iterable[Attempt]) -> pd.DataFrame:
    """One row per attempt: what was tried, the outcome, the error code and why."""
    rows = []
    for a in attempts:
        outcome = OUTCOME_WORDS.get(a.outcome, a.outcome)
        if a.error and a.outcome == "allowed":
            outcome = "error"
        rows.append([a.label, outcome, a.error, a.reason])
    return pd.DataFrame(rows, columns=COLUMNS)


@dataclass
class View:
    """Everything a panel shows for one choice of settings."""

    settings: dict[str, Any]
    attempts: list[Attempt]
    table: pd.DataFrame
    diagram: Diagram | None
    explanation: str

    def _repr_html_(self) -> str:
        svg = self.diagram.svg() if self.diagram is not None else ""
        return self.table.to_html(index=False) + svg

    def __repr__(self) -> str:
        return self.table.to_string(index=False)


def explain_attempts(attempts: Iterable[Attempt]) -> str:
    """The explanation of the first attempt that did not succeed, else of the last one."""
    attempts = list(attempts)
    if not attempts:
        return ""
    chosen = next((a for a in attempts if not a.allowed), attempts[-1])
    head = f"{chosen.label}: {OUTCOME_WORDS.get(chosen.outcome, chosen.outcome)}"
    if chosen.error:
        head += f"\n{chosen.error}: {chosen.message}"
    return f"{head}\n\n{chosen.explanation}"


def view(scenario: Scenario, play: Callable[..., list[Attempt]], **settings: Any) -> View:
    """Run ``play(**settings)`` on ``scenario`` and build everything a panel shows."""
    attempts = play(**settings)
    return View(
        settings=settings,
        attempts=attempts,
        table=attempts_table(attempts),
        diagram=story_diagram(scenario, attempts),
        explanation=explain_attempts(attempts),
    )
