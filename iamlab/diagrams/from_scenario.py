"""The :class:`TrustFlow` of a seed story: its lab as it is now, and the calls it made."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .from_lab import lab_flow
from .model import TrustFlow
from .words import condition_words

if TYPE_CHECKING:
    from iamlab.scenarios.base import Attempt, Scenario

__all__ = ["condition_words", "trust_flow"]


def trust_flow(scenario: Scenario, attempts: Iterable[Attempt] = ()) -> TrustFlow:
    """The trust-flow model of ``scenario``'s lab with ``attempts`` drawn as coloured calls.

    Drawn from the lab, so users, roles and policies added or changed since the story was
    built appear too; each actor's ``detail`` is written under its name.
    """
    notes = {actor.arn: actor.detail for actor in scenario.actors.values() if actor.detail}
    return lab_flow(scenario.lab, scenario.title, attempts, notes)
