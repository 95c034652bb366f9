"""The lab as the browser site runs it: no pandas, no graphviz-pure, diagrams drawn by viz.js.

``no_pandas`` and ``no_renderer`` (conftest) take away what Pyodide lacks; the story,
the trail, the tables and the confused-deputy panel must still work, and a diagram must
become the browser's widget carrying the same DOT the desktop lays out.
"""

from __future__ import annotations

import sys

import ipywidgets
import pytest

from iamlab import Lab, tables
from iamlab.diagrams import browser, story_diagram
from iamlab.scenarios import build_confused_deputy


def test_desktop_keeps_graphviz_pure_svg() -> None:
    assert not browser.needed()
    place = browser.slot()
    assert isinstance(place, ipywidgets.HTML)
    diagram = story_diagram(build_confused_deputy())
    browser.show(place, diagram)
    assert place.value == diagram.svg() and "<svg" in place.value
    browser.show(place, None)
    assert place.value == ""


def test_pyodide_always_draws_in_the_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "emscripten")
    assert browser.needed()


def test_without_graphviz_pure_the_browser_draws(no_renderer: None) -> None:
    assert browser.needed()


def test_the_widget_carries_the_same_dot_and_a_text_form(
    no_renderer: None, fake_anywidget: None
) -> None:
    diagram = story_diagram(build_confused_deputy())
    view = browser.widget(diagram)
    assert view.dot == diagram.source and "digraph" in view.dot
    assert browser.VIZ_PATH in view._esm
    bundle = browser.mimebundle(diagram)
    shown = bundle["application/vnd.jupyter.widget-view+json"]
    assert shown["model_id"] and shown["version_major"] == 2
    assert bundle["text/plain"] == view.text != ""
    place = browser.slot()
    assert hasattr(place, "dot") and place.dot == ""
    browser.show(place, diagram)
    assert place.dot == diagram.source
    browser.show(place, None)
    assert place.dot == "" and place.text == ""


def test_the_widget_needs_anywidget_and_says_so(
    no_renderer: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "anywidget", None)
    browser.widget_class.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="pip install anywidget"):
            browser.widget()
    finally:
        browser.widget_class.cache_clear()


# ---- what needs the hooks in iamlab (docs/site.md, "What iamlab needs") ---------------


def test_a_diagram_shows_itself_as_the_browser_widget(
    no_renderer: None, fake_anywidget: None
) -> None:
    diagram = story_diagram(build_confused_deputy())
    bundle = diagram._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "image/svg+xml" not in bundle


def test_the_trail_is_a_table_without_pandas(no_pandas: None) -> None:
    lab = Lab()
    lab.create_account("111111111111", name="A").client("sts").get_caller_identity()
    trail = lab.trail()
    assert isinstance(trail, tables.Table)
    assert trail.iloc[-1]["operation"] == "GetCallerIdentity"
    assert trail.iloc[-1]["decision"] == "allowed"
    assert "<table" in trail._repr_html_() and "GetCallerIdentity" in repr(trail)


def test_the_widgets_and_matrices_work_without_pandas(no_pandas: None) -> None:
    from iamlab.widgets import attempts_table, decision_matrix, style_matrix

    story = build_confused_deputy()
    table = attempts_table(story.play(external_id="67890"))
    assert isinstance(table, tables.Table)
    assert table["outcome"].tolist() == ["denied (implicit)"]
    matrix = decision_matrix(
        lambda a, b: "allowed" if a == b else "denied (implicit)",
        {"a": ["x", "y"], "b": ["y", "x"]},
        "b",
    )
    assert matrix.columns == ["y", "x"] and matrix.index == ["x", "y"]
    assert "background-color" in style_matrix(matrix).set_uuid("m")._repr_html_()


def test_the_confused_deputy_panel_in_the_browser(
    no_pandas: None, no_renderer: None, fake_anywidget: None
) -> None:
    from iamlab.widgets import confused_deputy_panel

    panel = confused_deputy_panel()
    assert "allowed" in panel.table.value
    before = panel.diagram.dot
    panel.controls["external_id"].value = "67890"  # what a learner types
    assert "denied (implicit)" in panel.table.value
    assert "sts:ExternalId" in panel.explanation.value
    assert panel.diagram.dot != before and "digraph" in panel.diagram.dot
