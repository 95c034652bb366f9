"""Multiple-choice "why" questions and end-of-notebook quizzes, from data.

Each notebook's questions live in ``iamlab/data/questions/NN.json``. A question has a prompt
and lettered options; exactly one is right, and every wrong option names the misconception
that leads to it, with feedback written for that misconception. :func:`ask` renders a
question (or a quiz) for the notebook from the same data the checker uses, so what the learner
reads and what ``check`` accepts cannot drift apart.

File format::

    {"questions": [{"id": "01.why", "title": "...", "prompt": "...",
                    "options": [{"key": "a", "text": "...", "correct": true,
                                 "feedback": "why it is right"},
                                {"key": "b", "text": "...",
                                 "misconception": "BoolIfExists is safer than Bool in an Allow",
                                 "feedback": "written for that misconception"}]}],
     "quiz": {"id": "01.quiz", "title": "...", "questions": [{"prompt": ..., "options": ...}]}}
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from iamlab.data import load_questions, question_sets

from .core import FORMAT, Attempt, Exercise, Problem, register

QUIZ_SIZE = (3, 5)


@dataclass(frozen=True)
class Option:
    """One lettered option: right, or the misconception it comes from."""

    key: str
    text: str
    feedback: str
    correct: bool = False
    misconception: str = ""


@dataclass(frozen=True)
class Question:
    """A prompt and its options (exactly one right)."""

    prompt: str
    options: tuple[Option, ...]

    @property
    def right(self) -> Option:
        return next(o for o in self.options if o.correct)

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)

    def letters(self) -> str:
        keys = [o.key for o in self.options]
        return ", ".join(keys[:-1]) + f" or {keys[-1]}"


def _question(raw: Mapping[str, Any], where: str) -> Question:
    options = []
    for n, o in enumerate(raw.get("options", [])):
        key = o.get("key")
        if key != "abcdefgh"[n]:
            raise ValueError(f"{where}: option {n + 1} must have the key {'abcdefgh'[n]!r}")
        if not o.get("text") or not o.get("feedback"):
            raise ValueError(f"{where} ({key}): every option needs a text and a feedback")
        if not o.get("correct") and not o.get("misconception"):
            raise ValueError(f"{where} ({key}): a wrong option must name its misconception")
        options.append(
            Option(
                key, o["text"], o["feedback"], bool(o.get("correct")), o.get("misconception", "")
            )
        )
    if len(options) < 3 or sum(o.correct for o in options) != 1:
        raise ValueError(f"{where}: needs at least three options, exactly one of them correct")
    return Question(raw["prompt"], tuple(options))


def _letter(answer: Any) -> str | None:
    if not isinstance(answer, str):
        return None
    match = re.fullmatch(r"\s*\(?\s*([a-hA-H])\s*\)?\s*", answer)
    return match.group(1).lower() if match else None


def plain(text: str) -> str:
    """Markdown text without its code and bold marks, for feedback printed as plain text."""
    return text.replace("`", "").replace("**", "")


def _wrong(option: Option, prefix: str = "") -> Problem:
    return Problem(
        f'{prefix}({option.key}) comes from a common misconception, "{option.misconception}". '
        f"{plain(option.feedback)}",
        option.misconception,
    )


# ---- rendering -----------------------------------------------------------------------------


class Shown:
    """A question or quiz as the notebook shows it (Markdown, with a plain-text fallback)."""

    def __init__(self, markdown: str) -> None:
        self.markdown = markdown

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __repr__(self) -> str:
        return re.sub(r"\*\*|`", "", self.markdown)


def _options_md(question: Question, indent: str = "") -> list[str]:
    return [f"{indent}- **({o.key})** {o.text}" for o in question.options]


def render_question(exercise_id: str, title: str, question: Question) -> str:
    """The Markdown of one multiple-choice question."""
    how = f'Answer with one letter: `check("{exercise_id}", "a")`.'
    head = [f"**{exercise_id} · {title}**", "", question.prompt, ""]
    return "\n".join([*head, *_options_md(question), "", how])


def render_quiz(exercise_id: str, title: str, questions: Sequence[Question]) -> str:
    """The Markdown of a quiz: numbered questions, lettered options."""
    lines = [f"**{exercise_id} · {title}**", ""]
    for n, q in enumerate(questions, 1):
        lines += [f"{n}. {q.prompt}", "", *_options_md(q, "   "), ""]
    example = ", ".join(f'{n}: "a"' for n in range(1, len(questions) + 1))
    lines.append(f"Answer with a dict, one letter per question: `{{{example}}}`.")
    return "\n".join(lines)


_SHOWN: dict[str, str] = {}


def ask(exercise_id: str) -> Shown:
    """Show the question (or quiz) ``exercise_id`` as the notebook should display it."""
    from .core import _get

    _get(exercise_id)  # registers everything, and names the ids when this one is unknown
    if exercise_id not in _SHOWN:
        raise KeyError(f"{exercise_id!r} is an exercise, not a question: read its cell above")
    return Shown(_SHOWN[exercise_id])


# ---- checkers and registration -------------------------------------------------------------


def _register_choice(raw: Mapping[str, Any]) -> None:
    ex_id, title = raw["id"], raw["title"]
    question = _question(raw, ex_id)

    def checker(answer: Any, attempt: Attempt) -> list[Problem]:
        key = _letter(answer)
        if key is None or question.option(key) is None:
            return [Problem(f"answer with one letter: {question.letters()}", FORMAT)]
        option = question.option(key)
        assert option is not None
        return [] if option.correct else [_wrong(option)]

    right = question.right
    _SHOWN[ex_id] = render_question(ex_id, title, question)
    register(
        Exercise(
            ex_id,
            title,
            checker,
            {},
            f"({right.key}) {right.text}",
            placeholder='choose one letter and write it in place of None, e.g. "a"',
            answer=right.key,
            kind="choice",
            notes=_notes(question),
            on_solved=lambda answer: plain(right.feedback),
        )
    )


def _notes(question: Question, prefix: str = "") -> list[str]:
    lines = [f"{prefix}Right: ({question.right.key}) {question.right.feedback}"]
    for o in question.options:
        if not o.correct:
            lines.append(f'{prefix}({o.key}) misconception "{o.misconception}": {o.feedback}')
    return lines


def _register_quiz(raw: Mapping[str, Any]) -> None:
    ex_id, title = raw["id"], raw["title"]
    questions = [_question(q, f"{ex_id} question {n}") for n, q in enumerate(raw["questions"], 1)]
    if not QUIZ_SIZE[0] <= len(questions) <= QUIZ_SIZE[1]:
        raise ValueError(f"{ex_id}: a quiz has {QUIZ_SIZE[0]} to {QUIZ_SIZE[1]} questions")

    def checker(answer: Any, attempt: Attempt) -> list[Problem]:
        if not isinstance(answer, Mapping):
            return [Problem("answer with a dict: {1: letter, 2: letter, ...}", FORMAT)]
        given = {str(k).strip(): v for k, v in answer.items()}
        problems = [
            Problem(f"question {k}: there is no such question in this quiz", FORMAT)
            for k in given
            if not (k.isdigit() and 1 <= int(k) <= len(questions))
        ]
        for n, q in enumerate(questions, 1):
            said = given.get(str(n))
            key = _letter(said)
            if said is None:
                problems.append(Problem(f"question {n}: not answered yet", FORMAT))
            elif key is None or q.option(key) is None:
                problems.append(Problem(f"question {n}: answer one letter, {q.letters()}", FORMAT))
            elif not q.option(key).correct:  # type: ignore[union-attr]
                problems.append(_wrong(q.option(key), f"question {n}: "))  # type: ignore[arg-type]
        return problems

    _SHOWN[ex_id] = render_quiz(ex_id, title, questions)
    register(
        Exercise(
            ex_id,
            title,
            checker,
            {},
            ", ".join(f"{n}: ({q.right.key})" for n, q in enumerate(questions, 1)),
            template={n: None for n in range(1, len(questions) + 1)},
            placeholder="write one letter per question in place of each None",
            answer={n: q.right.key for n, q in enumerate(questions, 1)},
            kind="quiz",
            notes=[
                line
                for n, q in enumerate(questions, 1)
                for line in [f"Question {n}: {q.prompt}", *_notes(q, "  ")]
            ],
            on_solved=lambda answer: f"All {len(questions)} answers are right.",
        )
    )


def register_all() -> None:
    """Register every question and quiz of ``iamlab/data/questions/``."""
    for name in question_sets():
        data = load_questions(name)
        for raw in data.get("questions", []):
            _register_choice(raw)
        if "quiz" in data:
            _register_quiz(data["quiz"])
