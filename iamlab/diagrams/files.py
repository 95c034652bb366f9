"""The committed diagrams of every seed story (``iamlab diagrams --out diagrams/``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from iamlab.scenarios import BUILDERS

from .from_scenario import trust_flow
from .render import Diagram, draw


def story_diagrams() -> dict[str, Diagram]:
    """Each story's diagram after its default calls, by scenario name."""
    out = {}
    for name, build in BUILDERS.items():
        scenario: Any = build()
        out[name] = draw(trust_flow(scenario, scenario.play()))
    return out


def write_diagrams(folder: str | Path) -> list[Path]:
    """Write ``NAME.dot`` and ``NAME.svg`` for every story into ``folder``; return the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, diagram in story_diagrams().items():
        for suffix in (".dot", ".svg"):
            written.append(diagram.save(folder / f"{name}{suffix}"))
    return written
