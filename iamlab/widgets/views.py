"""What a panel shows for one setting: the attempts as a table, the diagram and the explanation.

These are plain functions of the settings, so tests and notebooks run them
without a browser; the ipywidgets panels only glue controls to them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from iamlab import tables
from iamlab.diagrams import Diagram, browser, story_diagram
from iamlab.scenarios.base import Attempt, Scenario

OUTCOME_WORDS = {
    "allowed": "allowed",
    "explicitDeny": "denied (explicit)",
    "implicitDeny": "denied (implicit)",
    "refused": "refused before any policy",
    "refusedByRule": "refused by a service rule",
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

    def _repr_html_(self) -> str | None:
        if self.diagram is not None and browser.needed():
            return None  # the browser draws the diagram: see _repr_mimebundle_
        svg = self.diagram.svg() if self.diagram is not None else ""
        return self.table.to_html(index=False) + svg

    def _repr_mimebundle_(
        self, include: object = None, exclude: object = None
    ) -> dict[str, Any] | None:
        """Where Python cannot lay diagrams out (the browser site), the table and the
        browser's diagram widget, one above the other; elsewhere nothing (``_repr_html_``)."""
        if self.diagram is None or not browser.needed():
            return None
        import ipywidgets

        box = ipywidgets.VBox(
            [ipywidgets.HTML(self.table.to_html(index=False)), browser.widget(self.diagram)]
        )
        return {
            "application/vnd.jupyter.widget-view+json": {
                "version_major": 2,
                "version_minor": 0,
                "model_id": box.model_id,
            },
            "text/plain": repr(self),
        }

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
    if chosen.error == "ParamValidationError":
        return (
            f"{head}\n\nNo request was sent: botocore checks each parameter against the "
            "service's model before sending it (as it does with real AWS), so no policy was "
            "evaluated."
        )
    if chosen.outcome == "refused":
        return f"{head}\n\nNo policy was evaluated: the service turned the request away first."
    if chosen.outcome == "refusedByRule":
        return (
            f"{head}\n\nThe policies allowed it; a rule of the service refused it.\n\n"
            f"{chosen.explanation}"
        )
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
