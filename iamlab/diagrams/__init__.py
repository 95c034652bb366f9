"""iamlab.diagrams: trust-flow diagrams of a lab, coloured by each decision."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .from_lab import lab_flow, trail_calls
from .from_scenario import trust_flow
from .model import Edge, Node, TrustFlow
from .render import Diagram, draw

if TYPE_CHECKING:
    from iamlab.scenarios.base import Attempt, Scenario


def story_diagram(
    scenario: Scenario, attempts: Iterable[Attempt] = (), legend: bool = True, title: bool = True
) -> Diagram:
    """The trust-flow diagram of ``scenario``'s lab now, with ``attempts`` drawn as calls."""
    return draw(trust_flow(scenario, attempts), legend=legend, title=title)


def lab_diagram(lab: Any, title: str = "The lab", calls: Iterable[Any] = ()) -> Diagram:
    """The trust-flow diagram of any ``Lab``: everything in it, and ``calls`` drawn as coloured
    arrows (a story's attempts, or ``trail_calls(lab, since=n)``: the calls in the trail)."""
    return draw(lab_flow(lab, title, calls))


__all__ = [
    "Diagram",
    "Edge",
    "Node",
    "TrustFlow",
    "draw",
    "lab_diagram",
    "lab_flow",
    "story_diagram",
    "trail_calls",
    "trust_flow",
]
