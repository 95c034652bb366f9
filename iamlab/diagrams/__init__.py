"""iamlab.diagrams: trust-flow diagrams of a lab, coloured by each decision."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .from_scenario import trust_flow
from .model import Edge, Node, TrustFlow
from .render import Diagram, draw

if TYPE_CHECKING:
    from iamlab.scenarios.base import Attempt, Scenario


def story_diagram(scenario: Scenario, attempts: Iterable[Attempt] = ()) -> Diagram:
    """The trust-flow diagram of ``scenario`` with ``attempts`` drawn as coloured calls."""
    return draw(trust_flow(scenario, attempts))


__all__ = ["Diagram", "Edge", "Node", "TrustFlow", "draw", "story_diagram", "trust_flow"]
