"""Prediction exercises that cannot be solved by elimination.

The learner predicts one outcome per item ("long-term keys": "explicitDeny", ...). The first
time an answer has wrong predictions, the checker says only *how many*; from the next
different answer on, it names each wrong item with a question to ask oneself. Items that are
missing or not one of the allowed words are always named (that tells nothing about the
truth); an answer with nothing but such slips does not use up the count.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .core import FORMAT, Attempt, Problem, define

COUNT_TOPIC = "predictions"


def prediction_problems(
    answer: Any,
    truth: Mapping[str, str],
    choices: Sequence[str],
    questions: Mapping[str, str],
    attempt: Attempt,
) -> list[Problem]:
    """What is wrong with a dict of predictions ``{item: choice}`` against ``truth``.

    A wrong item's problem has the topic ``item:<name>``, so each item can have its own hint
    ladder; the count-only problem of a first answer has the topic ``predictions``.
    """
    words = ", ".join(f'"{c}"' for c in choices)
    if not isinstance(answer, Mapping):
        return [Problem(f"answer with a dict: one of {words} for each item", FORMAT)]
    problems = []
    for item in answer:
        if item not in truth:
            problems.append(Problem(f"{item!r} is not one of the items in the notebook", FORMAT))
    for item in truth:
        said = answer.get(item)
        if item not in answer or said is None:
            problems.append(Problem(f"{item}: no prediction yet", FORMAT))
        elif said not in choices:
            problems.append(Problem(f"{item}: answer one of {words}, not {said!r}", FORMAT))
    wrong = [item for item in truth if answer.get(item) in choices and answer[item] != truth[item]]
    if not wrong:
        return problems
    if not any(COUNT_TOPIC in earlier.topics for earlier in attempt.earlier):
        n = len(wrong)
        answered = sum(1 for item in truth if answer.get(item) in choices)
        problems.append(
            Problem(
                f"{n} of your {answered} prediction{'s' if answered > 1 else ''} "
                f"{'are' if n > 1 else 'is'} not what IAM decides. The checker does not say "
                "which yet: think each one through again, then change your answer",
                COUNT_TOPIC,
            )
        )
        return problems
    for item in wrong:
        problems.append(
            Problem(
                f"{item}: not {answer[item]!r}. Ask yourself: {questions[item]}", f"item:{item}"
            )
        )
    return problems


def prediction_exercise(
    exercise_id: str,
    title: str,
    truth: Callable[[], Mapping[str, str]],
    *,
    choices: Sequence[str],
    questions: Mapping[str, str],
    hints: Mapping[str, Sequence[str]],
    solution: Mapping[str, str],
    template: Mapping[str, Any] | None = None,
    placeholder: str = "replace each None with your prediction, then run this cell again",
    secrets: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> None:
    """Register a prediction exercise; ``truth()`` computes the outcomes (a lab, the engine)
    on first use. ``solution`` is the expected answer (tests check it equals ``truth()``)."""
    if template is None:
        template = {item: None for item in solution}

    def checker(answer: Any, attempt: Attempt) -> list[Problem]:
        return prediction_problems(answer, truth(), choices, questions, attempt)

    define(
        exercise_id,
        title,
        hints=hints,
        solution=dict(solution),
        template=template,
        placeholder=placeholder,
        secrets=secrets,
        notes=notes,
        warm=truth,
    )(checker)
