"""The converted notebooks (00, 01, 05) follow the lesson shape: objectives, exercises,
questions, key points, then "On real AWS"; the learner never reads the word "seed"; every
exercise or question a notebook checks exists, and each notebook asks at least one "why"
question and a quiz."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iamlab.exercises import exercises

ROOT = Path(__file__).resolve().parents[2]
CONVERTED = tuple(f"{n:02d}" for n in range(11))
SECTIONS = (
    "## Objectives",
    "## Exercises",
    "## Check your understanding",
    "## Key points",
    "## On real AWS (not run by the lab)",
)


def source(notebook: str) -> str:
    (path,) = (ROOT / "labs" / "src").glob(f"{notebook}_*.py")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("notebook", CONVERTED)
def test_sections_come_in_the_lesson_order(notebook: str) -> None:
    text = source(notebook)
    positions = [text.find(f"# {section}") for section in SECTIONS]
    assert all(p >= 0 for p in positions), dict(zip(SECTIONS, positions, strict=True))
    assert positions == sorted(positions)


@pytest.mark.parametrize("notebook", CONVERTED)
def test_learners_never_read_the_word_seed(notebook: str) -> None:
    (built,) = (ROOT / "labs").glob(f"{notebook}_*.ipynb")
    for text in (source(notebook), built.read_text(encoding="utf-8")):
        assert not re.search(r"\bseeds?\b", text, re.IGNORECASE)


@pytest.mark.parametrize("notebook", CONVERTED)
def test_every_checked_id_exists_and_questions_are_asked(notebook: str) -> None:
    text = source(notebook)
    checked = set(re.findall(r'check\("([^"]+)"', text)) - {"NN.k"}
    asked = set(re.findall(r'ask\("([^"]+)"\)', text))
    assert checked and checked <= set(exercises())
    assert {f"{notebook}.why", f"{notebook}.quiz"} <= asked <= checked


@pytest.mark.parametrize("notebook", CONVERTED)
def test_the_aws_pages_are_linked_by_title_and_public_url(notebook: str) -> None:
    links = re.findall(r"\[([^\]]+)\]\((https://[^)]+)\)", source(notebook))
    assert any(url.startswith("https://docs.aws.amazon.com/") for _, url in links)
