"""Trust-flow diagrams: what they show, that they are byte-stable, and that diagrams/ is fresh."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iamlab.diagrams import Edge, Node, TrustFlow, draw
from iamlab.diagrams.files import story_diagrams
from iamlab.diagrams.from_scenario import condition_words, trust_flow
from iamlab.diagrams.style import DECISION_COLOURS
from iamlab.scenarios import build_confused_deputy, build_cross_account

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cross():
    return build_cross_account()


def test_a_tiny_flow_renders_to_svg_and_png() -> None:
    flow = TrustFlow("t", {"111111111111": "A"})
    flow.add_node(Node("u", "Anaya", "user", "111111111111"))
    flow.add_node(Node("r", "Role", "role", "111111111111"))
    flow.add_edge(Edge("u", "r", "call", "AssumeRole", "allowed"))
    d = draw(flow)
    assert d.svg().startswith("<?xml") and "Anaya" in d.svg()
    assert d.png().startswith(b"\x89PNG")
    assert repr(d) == "<Diagram: t>"  # no memory address in the text form nbval compares


def test_unknown_kinds_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown node kind"):
        Node("x", "x", "wizard")
    with pytest.raises(ValueError, match="unknown decision"):
        Edge("a", "b", "call", decision="maybe")


def test_trust_edge_carries_the_condition(cross) -> None:
    flow = trust_flow(cross)
    trust = [e for e in flow.edges if e.kind == "trust"]
    assert [(e.source, e.label) for e in trust] == [
        ("222222222222_user_Richard", "may assume if MFA")
    ]


def test_calls_are_coloured_by_decision(cross) -> None:
    svg_ok = draw(trust_flow(cross, cross.play("MFA code"))).svg()
    svg_no = draw(trust_flow(cross, cross.play("no MFA"))).svg()
    assert DECISION_COLOURS["allowed"] in svg_ok
    assert DECISION_COLOURS["implicitDeny"] in svg_no
    assert "MFA check failed" in svg_no
    assert svg_ok != svg_no


def test_external_id_appears_on_the_trust_edges() -> None:
    labels = {e.label for e in trust_flow(build_confused_deputy()).edges if e.kind == "trust"}
    assert labels == {"may assume if external ID = 12345", "may assume if external ID = 67890"}


def test_condition_words() -> None:
    assert condition_words({"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}) == (
        "if MFA"
    )
    assert condition_words(
        {"Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}
    ) == ("if MFA age < 3600 s")
    assert condition_words({}) == ""


def test_the_same_story_gives_the_same_svg_bytes(cross) -> None:
    a = draw(trust_flow(cross, cross.play("no MFA"))).svg()
    again = build_cross_account()
    b = draw(trust_flow(again, again.play("no MFA"))).svg()
    assert a == b
    assert not re.search(r"0x[0-9a-f]{6,}", a)


def test_committed_diagrams_are_fresh() -> None:
    for name, diagram in story_diagrams().items():
        for suffix, text in ((".dot", diagram.source), (".svg", diagram.svg())):
            path = ROOT / "diagrams" / f"{name}{suffix}"
            assert path.exists(), f"{path} is missing: run `make diagrams`"
            assert path.read_text(encoding="utf-8") == text, f"{path} is stale: run `make diagrams`"
