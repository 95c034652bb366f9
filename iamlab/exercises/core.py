"""Exercises: a learner's answer is checked, the feedback names what is still wrong, and each
failed try unlocks a more specific hint (never the answer itself).
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

INSTRUCTOR_ENV = "IAMLAB_INSTRUCTOR"


@dataclass
class Exercise:
    """One exercise: its question, a checker returning what is wrong, hints, and a solution."""

    id: str
    title: str
    checker: Callable[[Any], list[str]]
    hints: list[str]
    solution: str
    tries: int = field(default=0, repr=False)


@dataclass
class Feedback:
    """The result of one ``check``: solved, or the problems and the hint unlocked so far."""

    exercise: str
    solved: bool
    problems: list[str]
    hint: str | None

    def __bool__(self) -> bool:
        return self.solved

    def __str__(self) -> str:
        if self.solved:
            return f"[{self.exercise}] Correct - well done."
        lines = [f"[{self.exercise}] Not yet:"] + [f"  - {p}" for p in self.problems]
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.solved else "#bc4c00"
        body = html.escape(str(self)).replace("\n", "<br>")
        return f'<div style="border-left: 4px solid {colour}; padding-left: 8px">{body}</div>'


_REGISTRY: dict[str, Exercise] = {}


def exercise(
    exercise_id: str, title: str, hints: list[str], solution: str
) -> Callable[[Callable[[Any], list[str]]], Callable[[Any], list[str]]]:
    """Register a checker function (returns the list of problems, empty when solved)."""

    def register(checker: Callable[[Any], list[str]]) -> Callable[[Any], list[str]]:
        _REGISTRY[exercise_id] = Exercise(exercise_id, title, checker, hints, solution)
        return checker

    return register


def _get(exercise_id: str) -> Exercise:
    from . import catalog  # noqa: F401  (registers every exercise)

    try:
        return _REGISTRY[exercise_id]
    except KeyError:
        raise KeyError(
            f"no exercise {exercise_id!r}; exercises: {', '.join(sorted(_REGISTRY))}"
        ) from None


def check(exercise_id: str, answer: Any) -> Feedback:
    """Check ``answer``; each failed try unlocks the next, more specific hint."""
    ex = _get(exercise_id)
    try:
        problems = ex.checker(answer)
    except Exception as exc:  # a learner's answer may be anything: say what went wrong
        problems = [f"your answer could not be checked: {type(exc).__name__}: {exc}"]
    if not problems:
        return Feedback(exercise_id, True, [], None)
    ex.tries += 1
    hint = ex.hints[min(ex.tries, len(ex.hints)) - 1] if ex.hints else None
    return Feedback(exercise_id, False, problems, hint)


def reset(exercise_id: str | None = None) -> None:
    """Forget the tries (of one exercise, or all), so hints start again from the first."""
    for ex in [_get(exercise_id)] if exercise_id else list(_REGISTRY.values()):
        ex.tries = 0


def solution(exercise_id: str, instructor: bool = False) -> str:
    """The model answer: for instructors (``instructor=True`` or IAMLAB_INSTRUCTOR=1)."""
    if not (instructor or os.environ.get(INSTRUCTOR_ENV) == "1"):
        return (
            "Solutions are for instructors: try the hints first "
            f"(or set {INSTRUCTOR_ENV}=1 / pass instructor=True)."
        )
    return _get(exercise_id).solution


def exercises() -> list[str]:
    """Ids of every exercise."""
    from . import catalog  # noqa: F401

    return sorted(_REGISTRY)
