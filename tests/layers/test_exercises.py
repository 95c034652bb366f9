"""The exercise framework: placeholders spend nothing, hints follow what each new wrong answer
gets wrong, solutions stay with instructors, questions come from data, and no hint gives an
answer away."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from iamlab.exercises import ask, check, exercises, reset, solution
from iamlab.exercises.core import (
    _REGISTRY,
    Exercise,
    Problem,
    canonical,
    define,
    placeholder_reason,
)
from iamlab.exercises.questions import plain

GOOD = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::team-notes/*",
    },
}


def variant(**changes: Any) -> dict:
    doc = json.loads(json.dumps(GOOD))
    doc["Statement"].update(changes)
    return doc


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


@pytest.fixture
def toy() -> Iterator[str]:
    """A small exercise: answer 42; problems filed under "low"/"high"."""

    @define(
        "99.1",
        "The answer",
        hints={"low": ["too low 1", "too low 2"], "high": ["too high 1", "too high 2"]},
        solution=42,
        template={"answer": None, "unit": None},
        placeholder="write a number in place of None",
    )
    def _check(answer: Any, attempt: Any) -> list[Problem]:
        if not isinstance(answer, int):
            return [Problem("write a number", "format")]
        if answer < 42:
            return [Problem(f"{answer} is too low", "low")]
        if answer > 42:
            return [Problem(f"{answer} is too high", "high")]
        return []

    yield "99.1"
    del _REGISTRY["99.1"]


# ---- placeholders --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        None,
        ...,
        "",
        {"answer": None, "unit": None},  # the template
        {"a": None, "b": {"c": None}},  # a dict whose values are all None
        [None, None],
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}, None]},
    ],
)
def test_the_placeholder_is_not_an_answer_and_spends_no_hint(toy: str, answer: Any) -> None:
    for _ in range(3):  # Run All, Restart & Run All...
        feedback = check(toy, answer)
        assert not feedback and not feedback.answered
        assert feedback.hint is None and len(feedback.problems) == 1
        assert "\n" not in str(feedback) and str(feedback).startswith("[99.1] Not answered yet")
    assert check(toy, 1).hint == "too low 1"  # the first real answer gets the first hint


def test_placeholder_reasons() -> None:
    assert placeholder_reason(None) == "none"
    assert placeholder_reason({"Statement": [None]}) in ("none", "statement")
    assert placeholder_reason({"Version": "2012-10-17", "Statement": [{}, None]}) == "statement"
    assert placeholder_reason({"k": 1}, template={"k": 1}) == "template"
    assert placeholder_reason({"k": 1}) is None
    assert placeholder_reason(0) is None and placeholder_reason("a") is None


def test_a_statement_list_still_holding_none_says_so() -> None:
    draft = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}, None]}
    feedback = check("05.2", draft)
    assert not feedback.answered and "still holds None" in feedback.problems[0]


# ---- the hint ladder ----------------------------------------------------------------------------


def test_the_same_wrong_answer_gets_the_same_feedback(toy: str) -> None:
    first = check(toy, 1)
    assert [check(toy, 1) for _ in range(3)] == [first] * 3
    assert first.hint == "too low 1"


def test_a_different_wrong_answer_unlocks_the_next_hint_of_its_topic(toy: str) -> None:
    assert check(toy, 1).hint == "too low 1"
    assert check(toy, 2).hint == "too low 2"
    assert check(toy, 3).hint == "too low 2"  # the last hint repeats
    assert check(toy, 99).hint == "too high 1"  # another topic starts its own ladder
    assert check(toy, 98).hint == "too high 2"


def test_going_back_to_an_earlier_answer_does_not_pump_hints(toy: str) -> None:
    a, b = check(toy, 1), check(toy, 99)
    for _ in range(3):
        assert check(toy, 1) == a and check(toy, 99) == b
    assert check(toy, 2).hint == "too low 2"


def test_hints_point_at_what_this_answer_gets_wrong() -> None:
    wrong_action = check("00.1", variant(Action="s3:*"))
    wrong_resource = check("00.1", variant(Resource="arn:aws:s3:::team-notes*"))
    assert wrong_action.topics[0] == "action" and "action" in wrong_action.hint.lower()
    assert wrong_resource.topics[0] == "resource" and "Resource" in wrong_resource.hint


def test_reset_forgets_the_answers(toy: str) -> None:
    check(toy, 1)
    check(toy, 2)
    reset(toy)
    assert check(toy, 2).hint == "too low 1"


def test_a_correct_answer_is_accepted_and_answers_are_compared_canonically() -> None:
    assert check("00.1", GOOD) and "Correct" in str(check("00.1", GOOD))
    assert check("00.1", json.dumps(GOOD))
    assert canonical(GOOD) == canonical(json.dumps(GOOD)) == canonical(dict(reversed(GOOD.items())))
    assert canonical({1: None}) == canonical({"1": None})
    assert canonical(lambda x: x) != canonical(lambda y: y + 1)


def test_any_answer_gets_feedback_not_a_traceback() -> None:
    for ex_id in exercises():
        for answer in (42, "not json", ["a"], {"Version": 1}, {"Statement": 5}, object()):
            feedback = check(ex_id, answer)
            assert isinstance(str(feedback), str), ex_id
            assert "could not be checked" not in str(feedback), (ex_id, answer)


def test_invalid_policies_are_reported_like_iam() -> None:
    feedback = check("00.1", variant(Effect="allow"))
    assert "IAM would reject this policy" in feedback.problems[0]
    assert feedback.topics == ["format"]


def test_unknown_exercise_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="no exercise"):
        check("99.9", None)


# ---- solutions ----------------------------------------------------------------------------------


def test_solutions_are_for_instructors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IAMLAB_INSTRUCTOR", raising=False)
    said = solution("00.1")
    assert "for instructors" in said and "docs/solutions.md" in said
    assert "instructor=True" not in said and "IAMLAB_INSTRUCTOR" not in said
    assert "team-notes" not in said
    assert json.loads(solution("00.1", instructor=True)) == GOOD
    monkeypatch.setenv("IAMLAB_INSTRUCTOR", "1")
    assert "s3:GetObject" in solution("00.1")


def _converted() -> list[Exercise]:
    from iamlab.exercises.core import _get

    return [_get(ex_id) for ex_id in exercises()]


@pytest.mark.parametrize("ex", _converted(), ids=lambda e: e.id)
def test_every_model_answer_passes_its_own_check(ex: Exercise) -> None:
    assert check(ex.id, ex.answer), check(ex.id, ex.answer).problems


def _literal_pieces(ex: Exercise) -> list[str]:
    """Pieces of the model answer that no hint may contain."""
    pieces = list(ex.secrets)
    answer = ex.answer
    if isinstance(answer, dict) and "Statement" in answer:
        statements = answer["Statement"]
        for st in [statements] if isinstance(statements, dict) else statements:
            for sep in ((",", ":"), (", ", ": ")):
                pieces.append(json.dumps(st, separators=sep))
                if "Condition" in st:
                    pieces.append(json.dumps(st["Condition"], separators=sep))
                    for op, block in st["Condition"].items():
                        pieces.append(json.dumps({op: block}, separators=sep)[1:-1])
    elif isinstance(answer, dict):  # predictions: every "item": "outcome" pair
        pieces += [json.dumps({k: v})[1:-1] for k, v in answer.items()]
        pieces += [f"{k}: {v}" for k, v in answer.items()]
    if ex.kind == "choice":
        pieces.append(ex.solution.split(") ", 1)[1])
    return pieces


@pytest.mark.parametrize("ex", _converted(), ids=lambda e: e.id)
def test_no_hint_contains_the_literal_answer(ex: Exercise) -> None:
    texts = [*ex.hint_list(), ex.placeholder]
    for piece in _literal_pieces(ex):
        for text in texts:
            assert piece not in text, (ex.id, piece, text)


def test_the_placeholder_prepares_every_policy_checker(monkeypatch: pytest.MonkeyPatch) -> None:
    """ "Run All" checks the placeholders, which build each task's reference decisions, so a
    learner's first real answer does not pay for it (the time is measured in benchmarks/)."""
    for ex in _converted():
        if ex.kind != "exercise" or not (isinstance(ex.answer, dict) and "Statement" in ex.answer):
            continue
        assert ex.warm is not None, ex.id
        warmed: list[str] = []

        def warm(ex: Exercise = ex, original: Any = ex.warm, seen: list[str] = warmed) -> Any:
            seen.append(ex.id)
            return original()

        monkeypatch.setattr(ex, "warm", warm)
        assert not check(ex.id, None).answered
        assert warmed == [ex.id]
        assert check(ex.id, ex.answer)
        wrong = json.loads(json.dumps(ex.answer))
        statements = wrong["Statement"]
        first = statements if isinstance(statements, dict) else statements[0]
        if first.get("Effect") == "Deny":
            first["Effect"] = "Allow"  # "*" in a Deny's Action can be a right answer
        else:
            first["Action"] = "*"
        assert not check(ex.id, wrong)


# ---- questions ----------------------------------------------------------------------------------


def _questions() -> list[Exercise]:
    return [e for e in _converted() if e.kind in ("choice", "quiz")]


def test_every_notebook_has_a_why_question_and_a_quiz() -> None:
    ids = {e.id for e in _questions()}
    for notebook in (f"{n:02d}" for n in range(11)):
        assert f"{notebook}.why" in ids and f"{notebook}.quiz" in ids


@pytest.mark.parametrize("ex", _questions(), ids=lambda e: e.id)
def test_questions_show_what_the_checker_accepts(ex: Exercise) -> None:
    from iamlab.data import load_questions

    data = load_questions(ex.id.split(".")[0])
    raw = [q for q in data.get("questions", []) if q["id"] == ex.id]
    questions = raw or data["quiz"]["questions"]
    shown = ask(ex.id)._repr_markdown_()
    for q in questions:
        assert q["prompt"] in shown
        for option in q["options"]:
            assert f"**({option['key']})** {option['text']}" in shown
            if not option.get("correct"):
                assert option["misconception"] and option["feedback"]
        assert sum(bool(o.get("correct")) for o in q["options"]) == 1
    assert "**" not in repr(ask(ex.id))


@pytest.mark.parametrize("ex", [e for e in _questions() if e.kind == "choice"], ids=lambda e: e.id)
def test_each_wrong_option_gets_its_misconception(ex: Exercise) -> None:
    from iamlab.data import load_questions

    raw = next(q for q in load_questions(ex.id[:2])["questions"] if q["id"] == ex.id)
    for option in raw["options"]:
        feedback = check(ex.id, option["key"])
        if option.get("correct"):
            assert feedback and feedback.note == plain(option["feedback"])
        else:
            assert not feedback and option["misconception"] in feedback.problems[0]
            assert feedback.topics == [option["misconception"]]
    assert "one letter" in check(ex.id, "z").problems[0]


def test_a_quiz_names_each_wrong_question_and_the_unanswered_ones() -> None:
    answer = dict(_REGISTRY["01.quiz"].answer)
    assert check("01.quiz", answer)
    answer[2] = "a"
    answer[4] = None
    feedback = check("01.quiz", answer)
    assert feedback.problems[0].startswith("question 2: (a) comes from a common misconception")
    assert feedback.problems[1] == "question 4: not answered yet"
    assert len(_REGISTRY["01.quiz"].template) == 4


def test_ask_refuses_an_exercise_that_is_not_a_question() -> None:
    with pytest.raises(KeyError, match="not a question"):
        ask("00.1")


def test_malformed_question_data_is_refused() -> None:
    from iamlab.exercises.questions import _question

    option = {"key": "a", "text": "x", "feedback": "y"}
    with pytest.raises(ValueError, match="misconception"):
        _question({"prompt": "?", "options": [option, {**option, "key": "b"}]}, "t")
    right = {**option, "correct": True}
    options = [right, {**right, "key": "b"}, {**right, "key": "c"}]
    with pytest.raises(ValueError, match="exactly one"):
        _question({"prompt": "?", "options": options}, "t")
    with pytest.raises(ValueError, match="key 'b'"):
        _question({"prompt": "?", "options": [right, {**option, "key": "c"}]}, "t")


# ---- predictions --------------------------------------------------------------------------------


def test_predictions_say_how_many_are_wrong_until_a_second_answer() -> None:
    truth = dict(_REGISTRY["00.2"].answer)
    first = dict(truth)
    first["GetObjectTagging private/salaries.csv"] = "implicitDeny"
    first["DeleteObject todo.txt"] = "explicitDeny"
    feedback = check("00.2", first)
    assert feedback.problems == [
        "2 of your 5 predictions are not what IAM decides. The checker does not say which yet: "
        "think each one through again, then change your answer"
    ]
    assert check("00.2", first) == feedback  # the same answer: still only the count
    second = dict(first)
    second["DeleteObject todo.txt"] = "allowed"
    named = check("00.2", second).problems
    assert len(named) == 2 and named[0].startswith("GetObjectTagging private/salaries.csv: not")
    assert "Ask yourself" in named[0]


def test_malformed_answers_do_not_use_up_the_count() -> None:
    assert check("00.2", "allowed").topics == ["format"]
    assert check("00.2", {"GetObject todo.txt": "yes"}).topics == ["format"]
    wrong = dict.fromkeys(_REGISTRY["00.2"].answer, "allowed")
    assert check("00.2", wrong).topics == ["predictions"]  # still only how many


def test_missing_and_invalid_predictions_are_always_named() -> None:
    feedback = check("00.2", {"GetObject todo.txt": "denied"})
    assert "GetObject todo.txt: answer one of" in feedback.problems[0]
    assert any("no prediction yet" in p for p in feedback.problems)


# ---- the solutions page ------------------------------------------------------------------------


def test_the_solutions_page_is_fresh_and_lists_misconceptions() -> None:
    from tools.solutions import TARGET, render

    assert TARGET.exists(), "docs/solutions.md is missing: run `python -m tools.solutions`"
    text = TARGET.read_text(encoding="utf-8")
    assert text == render(), "run `python -m tools.solutions`"
    assert '"BoolIfExists is safer than Bool in an Allow"' in text
    assert "## 05.quiz" in text and "Answers: 1: (a)" in text


def test_the_literal_pieces_cover_what_gives_an_answer_away() -> None:
    """The leak test above can fail: these pieces are what it looks for."""
    from iamlab.exercises.core import _get

    assert "arn:aws:s3:::team-notes/*" in _literal_pieces(_get("00.1"))
    pieces = _literal_pieces(_get("01.1"))
    assert "NumericGreaterThanEqualsIfExists" in pieces
    assert '"NumericGreaterThanEqualsIfExists": {"aws:MultiFactorAuthAge": "900"}' in pieces
    assert '"long-term keys": "explicitDeny"' in _literal_pieces(_get("01.3"))
    assert any("implicitDeny" in p for p in _literal_pieces(_get("00.why")))
