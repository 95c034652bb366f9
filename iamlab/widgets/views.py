"""What a panel shows for one setting: the attempts as a table, the diagram and the explanation.

These are plain functions of the settings, so tests and notebooks run them
without a browser; the ipywidgets panels only glue controls to them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from iamlab import tables
from iamlab.diagrams import Diagram, story_diagram
from iamlab.scenarios.base import Attempt, Scenario

OUTCOME_WORDS = {
    "allowed": "allowed",
    "explicitDeny": "denied (explicit)",
    "implicitDeny": "denied (implicit)",
    "refused": "refused before any policy",
    "error": "error",
}
COLUMNS = ["call", "outcome", "error", "reason"]


def outcome_words(attempt: Attempt) -> str:
    """How a table names an attempt's outcome (``error`` when allowed but then failed)."""
    if attempt.error and attempt.outcome == "allowed":
        return "error"
    return OUTCOME_WORDS.get(attempt.outcome, attempt.outcome)


def attempts_table(attempts: Iterable[Attempt]) -> Any:
    """One row per attempt: what was tried, the outcome, the error code and why (a pandas
    DataFrame where pandas is installed, else an :class:`iamlab.tables.Table`)."""
    rows = [[a.label, outcome_words(a), a.error, a.reason] for a in attempts]
    return tables.frame(rows, columns=COLUMNS)


@dataclass
class View:
    """Everything a panel shows for one choice of settings."""

    settings: dict[str, Any]
    attempts: list[Attempt]
    table: Any  # a DataFrame, or an iamlab.tables.Table without pandas
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
    head = f"{chosen.label}: {outcome_words(chosen)}"
    if chosen.error:
        head += f"\n{chosen.error}: {chosen.message}"
    if chosen.outcome == "refused":
        return f"{head}\n\nNo policy was evaluated: the service turned the request away first."
    return f"{head}\n\n{chosen.explanation}"


def view(
    scenario: Scenario,
    play: Callable[..., list[Attempt]],
    legend: bool = True,
    **settings: Any,
) -> View:
    """Run ``play(**settings)`` on ``scenario`` and build everything a panel shows.

    ``legend=False`` leaves the legend and the title out of the diagram (a panel shows
    its own).
    """
    attempts = play(**settings)
    return View(
        settings=settings,
        attempts=attempts,
        table=attempts_table(attempts),
        diagram=story_diagram(scenario, attempts, legend=legend, title=legend),
        explanation=explain_attempts(attempts),
    )
