"""Widget panels and decision matrices, driven from code as a learner's clicks would."""

from __future__ import annotations

import pytest

from iamlab.widgets import (
    confused_deputy_panel,
    cross_account_panel,
    decision_matrix,
    mfa_keys,
    mfa_keys_panel,
    style_matrix,
)


def test_confused_deputy_panel_reacts_to_the_external_id() -> None:
    panel = confused_deputy_panel()
    assert "allowed" in panel.table.value
    svg_before = panel.diagram.value
    panel.controls["external_id"].value = "67890"  # what a learner types
    assert "denied (implicit)" in panel.table.value
    assert "sts:ExternalId" in panel.explanation.value
    assert panel.diagram.value != svg_before
    assert repr(panel) == "Panel('The confused deputy and the external ID')"


def test_set_changes_controls_and_returns_the_view() -> None:
    panel = cross_account_panel()
    view = panel.set(mfa="no MFA")
    assert panel.controls["mfa"].value == "no MFA"
    assert list(view.table["outcome"]) == ["denied (implicit)"]


def test_mfa_keys_panel_bool_versus_bool_if_exists() -> None:
    panel = mfa_keys_panel()
    assert panel.set(credentials="long-term access keys", operator="Bool").table.iloc[0, 2] == (
        "denied (implicit)"
    )
    assert panel.set(operator="BoolIfExists").table.iloc[0, 2] == "allowed"


@pytest.mark.parametrize(
    ("credentials", "bool_", "bool_if_exists"),
    [
        ("long-term access keys", "implicitDeny", "allowed"),  # key absent
        ("GetSessionToken without MFA", "implicitDeny", "implicitDeny"),  # key false
        ("GetSessionToken with MFA", "allowed", "allowed"),  # key true
        # docs/aws-behaviour.md, "Lab decisions" D1: a role session carries false
        ("AssumeRole with MFA", "implicitDeny", "implicitDeny"),
        ("GetFederationToken", "implicitDeny", "allowed"),  # key absent
    ],
)
def test_bool_and_bool_if_exists_for_each_kind_of_credentials(
    credentials: str, bool_: str, bool_if_exists: str
) -> None:
    """IAM User Guide, "Condition operators" (Bool, ...IfExists): a missing key fails Bool
    and passes BoolIfExists."""
    assert mfa_keys.decide(credentials, "Bool").decision == bool_
    assert mfa_keys.decide(credentials, "BoolIfExists").decision == bool_if_exists


def test_the_panel_reads_the_mfa_keys_from_the_computed_table() -> None:
    from iamlab.scenarios import mfa_context

    for kind in mfa_keys.CREDENTIALS:
        assert mfa_keys.context_for(kind, 60) == mfa_context.mfa_keys(kind, 60)
        assert mfa_keys.principal_for(kind) == mfa_context.credential_table()[kind].principal
    with pytest.raises(ValueError, match="credentials must be one of"):
        mfa_keys.context_for("a password")


def test_mfa_age_limit() -> None:
    assert mfa_keys.decide("GetSessionToken with MFA", "Bool", 3599, 3600)
    assert not mfa_keys.decide("GetSessionToken with MFA", "Bool", 3600, 3600)


def test_the_mfa_age_control_puts_the_hour_within_reach() -> None:
    """The interesting ages are one step each: 59 min passes "age < 3600 s", 61 min fails."""
    panel = mfa_keys_panel()
    age = panel.controls["mfa_age"]
    values = [value for _, value in age.options]
    assert {0, 3540, 3660, 43200} <= set(values)
    assert values == sorted(values) and len(values) <= 8
    table = panel.set(limit_age=True, mfa_age=3540).table
    assert table.iloc[0, 2] == "allowed"
    assert panel.set(mfa_age=3660).table.iloc[0, 2] == "denied (implicit)"


def test_the_ec2_panel_reaches_an_expired_session_in_one_step() -> None:
    from iamlab.widgets import same_account_ec2_panel

    panel = same_account_ec2_panel()
    assert [label for label, _ in panel.controls["mfa_age"].options][-1] == "36 h"
    view = panel.set(mfa_age=129600)
    assert set(view.table["outcome"]) == {"refused before any policy"}
    assert "RequestExpired" in panel.explanation.value
    assert "refused before any policy" in panel.table.value


def test_a_refused_code_is_not_called_a_denial() -> None:
    panel = cross_account_panel()
    view = panel.set(mfa="wrong code")
    assert list(view.table["outcome"]) == ["refused before any policy"]
    assert "No policy was evaluated" in panel.explanation.value
    assert "#8250df" in panel.diagram.value  # the refused colour, on the arrow


def test_panels_show_a_legend_and_a_diagram_without_its_own() -> None:
    panel = cross_account_panel()
    assert any("iamlab-legend" in getattr(w, "value", "") for w in panel.children)
    assert "call refused before any policy" not in panel.diagram.value  # not twice
    assert "Cross-account delegation with MFA</text>" not in panel.diagram.value


def test_decision_matrix_pivots_and_styles() -> None:
    def outcome(credentials: str, operator: str) -> str:
        return {"allowed": "allowed", "implicitDeny": "denied (implicit)"}[
            mfa_keys.decide(credentials, operator).decision
        ]

    grid = {"credentials": list(mfa_keys.CREDENTIALS), "operator": list(mfa_keys.OPERATORS)}
    table = decision_matrix(outcome, grid, columns="operator")
    assert list(table.columns) == ["Bool", "BoolIfExists"]
    assert table.loc["long-term access keys", "BoolIfExists"] == "allowed"
    assert table.shape == (len(mfa_keys.CREDENTIALS), 2)
    assert "background-color" in style_matrix(table).to_html()
    flat = decision_matrix(outcome, grid)
    assert list(flat.columns) == ["credentials", "operator", "outcome"]
    assert len(flat) == 2 * len(mfa_keys.CREDENTIALS)


def test_matrix_keeps_the_grid_order_and_a_stable_html_id() -> None:
    def outcome(credentials: str, operator: str) -> str:
        return mfa_keys.decide(credentials, operator).decision

    grid = {
        "credentials": list(reversed(mfa_keys.CREDENTIALS)),
        "operator": ["BoolIfExists", "Bool"],
    }
    table = decision_matrix(outcome, grid, columns="operator")
    assert list(table.index) == grid["credentials"]
    assert list(table.columns) == grid["operator"]
    assert style_matrix(table).to_html() == style_matrix(table.copy()).to_html()


def test_an_impossible_combination_is_explained_not_raised() -> None:
    from iamlab.widgets import self_managed_mfa_panel

    panel = self_managed_mfa_panel()
    assert panel.set(who="Nikhil", mfa=True) is None
    assert "has no MFA device yet" in panel.explanation.value
    assert panel.set(who="Sofia") is not None


def test_styled_matrix_prints_as_its_table() -> None:
    table = decision_matrix(
        lambda credentials: mfa_keys.decide(credentials).decision,
        {"credentials": list(mfa_keys.CREDENTIALS)},
    )
    styled = style_matrix(table)
    assert repr(styled) == table.to_string()
    assert "0x" not in repr(styled.set_uuid("x"))


# ---- what a learner types (every panel's text inputs) ------------------------------------------
TYPED = ["!", "a", " ", "12 345", " 12345", "x" * 1300, "a\\b<c>", "\u00e9", "12345\n", "<b>"]


@pytest.mark.parametrize("typed", TYPED)
def test_an_external_id_the_service_refuses_is_shown_as_a_refused_call(typed: str) -> None:
    """STS API Reference, AssumeRole: ExternalId is 2 to 1,224 characters of
    [\\w+=,.@:/-]. botocore refuses a value that is too short before sending it
    (ParamValidationError); STS refuses the others (ValidationError). Either way the panel
    shows a refused call, never an exception, and the value is sent as typed."""
    panel = confused_deputy_panel()
    view = panel.set(external_id=typed)
    assert view is not None
    (assume,) = view.attempts
    assert assume.outcome == "refused" and assume.error in ("ParamValidationError",
                                                            "ValidationError")  # fmt: skip
    assert "refused before any policy" in panel.table.value
    assert assume.error in panel.explanation.value and "No " in panel.explanation.value
    assert "#8250df" in panel.diagram.value  # the refused arrow


def test_empty_means_no_external_id() -> None:
    panel = confused_deputy_panel()
    (assume,) = panel.set(external_id="").attempts
    assert (assume.outcome, assume.error) == ("implicitDeny", "AccessDenied")
    assert "no external ID" in assume.label


def _text_inputs(panel) -> list[str]:
    import ipywidgets

    # Text and Combobox take any text; toggles, sliders, dropdowns and boxes offer choices
    return [n for n, c in panel.controls.items() if isinstance(c, ipywidgets.Text)]


def test_every_panels_text_inputs_survive_what_a_learner_types() -> None:
    import iamlab.widgets as widgets

    factories = [getattr(widgets, n) for n in widgets.__all__ if n.endswith("_panel")]
    assert len(factories) == 7
    checked = 0
    for make in factories:
        panel = make()
        for name in _text_inputs(panel):
            for typed in TYPED:
                panel.set(**{name: typed})  # never raises
                assert panel.explanation.value, (make.__name__, typed)
                checked += 1
    assert checked >= len(TYPED)  # the confused-deputy panel has one


def test_a_panel_shows_an_unexpected_error_instead_of_raising() -> None:
    from iamlab.widgets import Panel

    def broken(**settings) -> None:
        raise RuntimeError("boom")

    import ipywidgets

    panel = Panel("t", "h", {"x": ipywidgets.Text(value="1")}, broken)
    assert panel.view is None
    assert "could not be run: RuntimeError: boom" in panel.explanation.value
    panel.controls["x"].value = "2"  # a learner's change: still no exception
    assert panel.table.value == ""


# ---- refused by a service rule, in tables, panels and matrices -----------------------------------
def test_a_rule_refusal_is_named_in_the_table_and_the_explanation() -> None:
    """AWS-2023-001 (docs/aws-behaviour.md, "Lab decisions" D8): the policy allows Bob's
    second device, IAM's rule refuses it."""
    from iamlab.exercises.nb06 import add_bob, attack
    from iamlab.scenarios import build_self_managed_mfa
    from iamlab.widgets import attempts_table, explain_attempts
    from iamlab.widgets.panels import _table_html

    story = build_self_managed_mfa()
    tried = attack(story, add_bob(story))
    table = attempts_table(tried)
    assert list(table["outcome"]) == [
        "denied (explicit)",
        "allowed",
        "refused by a service rule",
        "refused before any policy",
    ]
    html = _table_html(table)
    assert '<b style="color: #0969da">refused by a service rule</b>' in html
    text = explain_attempts(tried[2:3])
    assert text.startswith("enable it for Bob (a second device): refused by a service rule")
    assert "The policies allowed it" in text and "AWS-2023-001" in text
    assert "no policy allows" not in text.lower()
    styled = style_matrix(decision_matrix(lambda x: x, {"x": ["refused by a service rule"]}))
    assert "#0969da" in styled.to_html()


# ---- View in the browser build (graphviz-pure missing) -------------------------------------------
@pytest.fixture
def browser_build(monkeypatch: pytest.MonkeyPatch):
    """graphviz-pure cannot run and anywidget's Python half is a stand-in (as on the site)."""
    import sys
    import types

    import ipywidgets
    import traitlets

    from iamlab.diagrams import browser, render

    def missing() -> str:
        raise render.RendererMissing("graphviz-pure is not installed")

    monkeypatch.setattr(render, "renderer", missing)
    module = types.ModuleType("anywidget")

    class AnyWidget(ipywidgets.DOMWidget):
        _esm = traitlets.Unicode("").tag(sync=True)

    module.AnyWidget = AnyWidget  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "anywidget", module)
    browser.widget_class.cache_clear()
    yield
    browser.widget_class.cache_clear()


def test_a_view_shows_its_diagram_through_the_browser_without_graphviz_pure(
    browser_build,
) -> None:
    from IPython.core.formatters import DisplayFormatter

    from iamlab.scenarios import build_cross_account
    from iamlab.widgets import view

    story = build_cross_account()
    shown = view(story, story.play, mfa="no MFA")
    assert shown._repr_html_() is None  # no svg() call: it would need graphviz-pure
    data, _ = DisplayFormatter().format(shown)
    assert "application/vnd.jupyter.widget-view+json" in data
    assert "text/html" not in data and "denied (implicit)" in data["text/plain"]


def test_a_view_is_html_on_the_desktop() -> None:
    from IPython.core.formatters import DisplayFormatter

    from iamlab.scenarios import build_cross_account
    from iamlab.widgets import view

    story = build_cross_account()
    shown = view(story, story.play, mfa="no MFA")
    assert shown._repr_mimebundle_() is None
    data, _ = DisplayFormatter().format(shown)
    assert "<svg" in data["text/html"] and "<table" in data["text/html"]
