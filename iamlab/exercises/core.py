"""Exercises: a learner's answer is checked, the feedback names what is still wrong, and hints
point at what this answer gets wrong, one step more specific for each *different* wrong answer.

:func:`define` registers an exercise: the checker receives ``(answer, attempt)`` and returns
:class:`Problem` objects, each with a topic; hints are ladders per topic; the untouched
placeholder (``None``, ``...``, the notebook's starting template) is "not answered yet" and
spends no hint; re-running the same answer gives the same feedback.
"""

from __future__ import annotations

import contextlib
import dis
import html
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

INSTRUCTOR_ENV = "IAMLAB_INSTRUCTOR"
GUIDE = "docs/solutions.md"
GENERAL = "general"
FORMAT = "format"
DEFAULT_PLACEHOLDER = "write your answer in place of None, then run this cell again"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an answer, and the topic its hints are filed under."""

    text: str
    topic: str = GENERAL

    def __str__(self) -> str:
        return self.text


@dataclass
class Feedback:
    """The result of one ``check``: solved, or the problems and the hint for this answer."""

    exercise: str
    solved: bool
    problems: list[str]
    hint: str | None
    topics: list[str] = field(default_factory=list)
    answered: bool = True  # False for the untouched placeholder
    note: str | None = None  # said after "Correct" (why a choice is right)

    def __bool__(self) -> bool:
        return self.solved

    def __str__(self) -> str:
        if self.solved:
            text = f"[{self.exercise}] Correct - well done."
            return f"{text}\n{self.note}" if self.note else text
        if not self.answered:
            return f"[{self.exercise}] Not answered yet: {self.problems[0]}."
        lines = [f"[{self.exercise}] Not yet:"] + [f"  - {p}" for p in self.problems]
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.solved else "#6e7781" if not self.answered else "#bc4c00"
        body = html.escape(str(self)).replace("\n", "<br>")
        return f'<div style="border-left: 4px solid {colour}; padding-left: 8px">{body}</div>'


@dataclass(frozen=True)
class Attempt:
    """What a checker knows about this try: ``number`` counts the different answers given so
    far, this one included (1 on the first answer, 2 on the second different one...), and
    ``earlier`` is the feedback those earlier answers got, oldest first."""

    number: int
    earlier: tuple[Feedback, ...] = ()


Checker = Callable[[Any, Attempt], Sequence["Problem | str"]]


@dataclass
class Exercise:
    """One registered exercise (or question): its checker, hints, solution and try state."""

    id: str
    title: str
    checker: Callable[..., Sequence[Problem | str]]
    hints: dict[str, list[str]]
    solution: str  # the model answer as instructors read it (docs/solutions.md)
    template: Any = None  # the notebook's starting value: "not answered yet"
    placeholder: str = DEFAULT_PLACEHOLDER
    answer: Any = None  # the model answer as a value a learner could type
    secrets: tuple[str, ...] = ()  # literal pieces of the answer no hint may contain
    kind: str = "exercise"  # exercise | choice | quiz
    notes: list[str] = field(default_factory=list)  # extra lines for the solutions page
    on_solved: Callable[[Any], str | None] | None = None  # a note shown with "Correct"
    warm: Callable[[], Any] | None = None  # prepares the checker (run on the placeholder)
    tries: int = field(default=0, repr=False)
    _seen: dict[str, Feedback] = field(default_factory=dict, repr=False)
    _levels: dict[str, int] = field(default_factory=dict, repr=False)

    def forget(self) -> None:
        """Forget every answer given so far."""
        self.tries = 0
        self._seen.clear()
        self._levels.clear()

    def hint_list(self) -> list[str]:
        """Every hint, ladder by ladder (for the solutions page and the leak tests)."""
        return [h for ladder in self.hints.values() for h in ladder]


_REGISTRY: dict[str, Exercise] = {}


def register(ex: Exercise) -> Exercise:
    """Add ``ex`` to the registry (a second registration of an id replaces the first)."""
    _REGISTRY[ex.id] = ex
    return ex


def define(
    exercise_id: str,
    title: str,
    *,
    hints: Mapping[str, Sequence[str]],
    solution: Any,
    template: Any = None,
    placeholder: str = DEFAULT_PLACEHOLDER,
    secrets: Sequence[str] = (),
    notes: Sequence[str] = (),
    warm: Callable[[], Any] | None = None,
) -> Callable[[Checker], Checker]:
    """Register a checker ``(answer, attempt) -> problems`` (empty when solved).

    ``hints`` maps a topic to its ladder, least specific first; a problem's topic picks the
    ladder (``"general"`` is the fallback). ``solution`` is the model answer as a value (or
    text); ``template`` is what the notebook cell starts with, which counts as "not answered
    yet" like ``None`` and ``...``; ``placeholder`` is the one line shown for it; ``secrets``
    are literal pieces of the answer that no hint may contain (tests enforce it). ``warm``
    prepares what the checker needs (a lab, the reference's decisions): it runs when the
    placeholder is checked, so "Run All" pays for it and the learner's first answer does not.
    """

    def register_checker(checker: Checker) -> Checker:
        text = solution if isinstance(solution, str) else json.dumps(solution, indent=2)
        register(
            Exercise(
                exercise_id,
                title,
                checker,
                {topic: list(ladder) for topic, ladder in hints.items()},
                text,
                template,
                placeholder,
                answer=solution,
                secrets=tuple(secrets),
                notes=list(notes),
                warm=warm,
            )
        )
        return checker

    return register_checker


def _get(exercise_id: str) -> Exercise:
    from . import catalog  # noqa: F401  (registers every exercise)

    try:
        return _REGISTRY[exercise_id]
    except KeyError:
        raise KeyError(
            f"no exercise {exercise_id!r}; exercises: {', '.join(sorted(_REGISTRY))}"
        ) from None


# ---- answers: placeholders and a canonical form --------------------------------------------


def _normal(value: Any) -> Any:
    """``value`` as plain JSON data, so that equal answers have equal canonical forms."""
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in "{[":
            try:
                return _normal(json.loads(text))
            except ValueError:
                return value
        return value
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if value is Ellipsis:
        return {"...": "..."}
    if isinstance(value, Mapping):
        return {str(k): _normal(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normal(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_normal(v) for v in value), key=repr)
    code = getattr(value, "__code__", None)
    if code is not None:  # a function: what it does, not where it lives
        cells = []
        for cell in getattr(value, "__closure__", None) or ():
            try:
                content = cell.cell_contents
            except ValueError:  # an empty cell
                content = None
            inner = getattr(content, "__code__", None)
            cells.append(_code(inner) if inner is not None else repr(content))
        return {
            **_code(code),
            "defaults": repr(getattr(value, "__defaults__", None)),
            "closure": cells,
        }
    return {"repr": repr(value)}


def _code(code: Any) -> dict[str, Any]:
    """A code object as data: its bytecode, names and constants, nested functions (and
    comprehensions) included, so that the same source defined twice gives the same data (a
    code object's own repr names its address)."""
    return {
        "code": code.co_code.hex(),
        "consts": [_code(c) if hasattr(c, "co_code") else repr(c) for c in code.co_consts],
        "names": list(code.co_names),
    }


def canonical(answer: Any) -> str:
    """A canonical text of ``answer`` (sorted JSON): two answers are "the same" when equal."""
    return json.dumps(_normal(answer), sort_keys=True)


def _all_empty(value: Any) -> bool:
    if value is None or value is Ellipsis:
        return True
    if isinstance(value, Mapping):
        return bool(value) and all(_all_empty(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return bool(value) and all(_all_empty(v) for v in value)
    return False


_EMPTY_BODY = {"RESUME", "NOP", "CACHE", "LOAD_CONST", "RETURN_CONST", "RETURN_VALUE"}


def _empty_function(value: Any) -> bool:
    """A function whose body is only a docstring, ``...`` or ``pass`` (it returns None and
    touches nothing): the untouched draft of an exercise that asks for a function."""
    code = getattr(value, "__code__", None)
    if code is None or code.co_names:
        return False
    for ins in dis.get_instructions(code):
        if ins.opname not in _EMPTY_BODY:
            return False
        if ins.opname in ("LOAD_CONST", "RETURN_CONST") and ins.argval is not None:
            return False
    return True


def placeholder_reason(answer: Any, template: Any = None) -> str | None:
    """Why ``answer`` counts as "not answered yet", or None when it is an answer.

    Placeholders: ``None``, ``...``, an empty string, the exercise's starting ``template``,
    a dict or list whose values are all None, a policy whose Statement list still holds
    a None, and a function whose body is only a docstring and ``...`` (or ``pass``).
    """
    if answer is None or answer is Ellipsis or _empty_function(answer):
        return "none"
    if isinstance(answer, str) and answer.strip() in ("", "..."):
        return "none"
    if template is not None and canonical(answer) == canonical(template):
        return "template"
    if _all_empty(answer):
        return "none"
    statements = answer.get("Statement") if isinstance(answer, Mapping) else None
    if isinstance(statements, list) and any(s is None or s is Ellipsis for s in statements):
        return "statement"
    return None


# ---- check, reset, solution, exercises -------------------------------------------------------


def _as_problem(found: Problem | str) -> Problem:
    return found if isinstance(found, Problem) else Problem(str(found))


def _hint_for(ex: Exercise, topic: str) -> str | None:
    ladder = ex.hints.get(topic) or ex.hints.get(GENERAL) or []
    if not ladder:
        return None
    key = topic if topic in ex.hints else GENERAL
    level = min(ex._levels.get(key, 0) + 1, len(ladder))
    ex._levels[key] = level
    return ladder[level - 1]


def check(exercise_id: str, answer: Any) -> Feedback:
    """Check ``answer``. A new wrong answer unlocks the next hint of the topic it gets wrong;
    the same answer again gets the same feedback; the placeholder spends nothing."""
    ex = _get(exercise_id)
    reason = placeholder_reason(answer, ex.template)
    if reason is not None:
        line = (
            "the Statement list still holds None: write your statement in its place"
            if reason == "statement"
            else ex.placeholder
        )
        if ex.warm is not None:
            # deterministic and silent: the first real answer is then quick; if preparing
            # fails, the real answer reports it ("could not be checked"), not the placeholder
            with contextlib.suppress(Exception):
                ex.warm()
        return Feedback(exercise_id, False, [line], None, [], answered=False)
    key = canonical(answer)
    if key in ex._seen:
        return ex._seen[key]
    attempt = Attempt(len(ex._seen) + 1, tuple(ex._seen.values()))
    try:
        problems = [_as_problem(p) for p in ex.checker(answer, attempt)]
    except Exception as exc:  # a learner's answer may be anything: say what went wrong
        problems = [
            Problem(f"your answer could not be checked: {type(exc).__name__}: {exc}", FORMAT)
        ]
    if not problems:
        feedback = Feedback(exercise_id, True, [], None, note=_solved_note(ex, answer))
    else:
        topics = list(dict.fromkeys(p.topic for p in problems))
        hint = _hint_for(ex, problems[0].topic)
        feedback = Feedback(exercise_id, False, [p.text for p in problems], hint, topics)
    ex._seen[key] = feedback
    return feedback


def _solved_note(ex: Exercise, answer: Any) -> str | None:
    return ex.on_solved(answer) if ex.on_solved is not None else None


def reset(exercise_id: str | None = None) -> None:
    """Forget the answers given (to one exercise, or all), so hints start again."""
    for ex in [_get(exercise_id)] if exercise_id else list(_REGISTRY.values()):
        ex.forget()


def solution(exercise_id: str, instructor: bool = False) -> str:
    """The model answer: for instructors (``instructor=True``, or IAMLAB_INSTRUCTOR=1)."""
    ex = _get(exercise_id)
    if not (instructor or os.environ.get(INSTRUCTOR_ENV) == "1"):
        return (
            f"The model solutions are for instructors: they are in the instructor guide, {GUIDE}."
        )
    return ex.solution


def exercises() -> list[str]:
    """Ids of every exercise and question."""
    from . import catalog  # noqa: F401

    return sorted(_REGISTRY)
