"""ipywidgets panels: the controls and the decision table side by side, then the diagram.

Laid out so that a learner who clicks a control sees, without scrolling, the table of
decisions and the arrow that changed: the title, the controls and a compact table take
the top of the panel, a one-line legend follows, then the diagram (which fits a 900 px
column), then the full explanation.

Every panel calls a plain function of its settings (:mod:`iamlab.widgets.views`,
:mod:`iamlab.widgets.mfa_keys`); the callbacks here only move values around.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from iamlab import tables
from iamlab.diagrams import browser
from iamlab.diagrams.style import DECISION_COLOURS, legend_html
from iamlab.scenarios import stories

from . import mfa_keys
from .views import OUTCOME_WORDS, View, view

_TABLE_CSS = (
    "<style>.iamlab-table {border-collapse: collapse; font-size: 13px; line-height: 1.35}"
    ".iamlab-table td, .iamlab-table th {padding: 2px 8px; text-align: left;"
    " vertical-align: top; border-bottom: 1px solid #d0d7de}</style>"
)
_OUTCOME_COLOURS = {
    words: DECISION_COLOURS["error" if key == "error" else key]
    for key, words in OUTCOME_WORDS.items()
}
# the MFA ages worth trying: just inside and outside the hour, and past a 36-hour session
EC2_AGE_CHOICES = (
    ("0 s", 0),
    ("5 min", 300),
    ("30 min", 1800),
    ("59 min", 3540),
    ("61 min", 3660),
    ("12 h", 43200),
    ("36 h", 129600),
)


def _table_html(frame: Any) -> str:
    """The decisions as a compact HTML table, each outcome in its diagram colour."""
    shown = frame
    if "call" in frame.columns:  # error codes and reasons: in the explanation below
        shown = frame[["call", "outcome"]]
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    rows = []
    for values in shown.itertuples(index=False):
        cells = []
        for value in values:
            text = html.escape(str(value))
            colour = _OUTCOME_COLOURS.get(str(value))
            if colour:
                text = f'<b style="color: {colour}">{text}</b>'
            cells.append(f"<td>{text}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'{_TABLE_CSS}<table class="iamlab-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


class Panel(widgets.VBox):
    """Controls plus the outputs of ``compute(**settings)``, refreshed on every change."""

    def __init__(
        self,
        title: str,
        hint: str,
        controls: dict[str, widgets.ValueWidget],
        compute: Callable[..., View],
        legend: bool = True,
    ) -> None:
        self.title = title
        self.controls = controls
        self.compute = compute
        self.table = widgets.HTML(layout=widgets.Layout(flex="1 1 400px", min_width="320px"))
        self.diagram = browser.slot()
        self.explanation = widgets.HTML()
        self.view: View | None = None
        header = widgets.HTML(
            f'<div style="line-height: 1.4"><b>{html.escape(title)}</b> - '
            f"<i>{html.escape(hint)}</i></div>"
        )
        box = widgets.VBox(
            list(controls.values()), layout=widgets.Layout(flex="0 1 auto", min_width="320px")
        )
        top = widgets.HBox([box, self.table], layout=widgets.Layout(flex_flow="row wrap"))
        parts: list[widgets.Widget] = [header, top]
        if legend:
            parts.append(widgets.HTML(legend_html()))
        parts += [self.diagram, self.explanation]
        super().__init__(parts)
        self.add_class("iamlab-panel")
        for control in controls.values():
            control.observe(self._changed, names="value")
        self.refresh()

    def settings(self) -> dict[str, Any]:
        """The current value of every control."""
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self) -> View | None:
        """Recompute and redraw for the current settings (a refused setting is explained)."""
        try:
            self.view = self.compute(**self.settings())
        except ValueError as exc:  # e.g. "Nikhil has no MFA device yet"
            self._cannot(f"This combination is not possible: {exc}")
            return None
        except Exception as exc:  # never a traceback in a learner's panel
            self._cannot(
                f"This setting could not be run: {type(exc).__name__}: {exc}\n"
                "(a bug in the lab: please report it with the settings above)"
            )
            return None
        self.table.value = _table_html(self.view.table)
        browser.show(self.diagram, self.view.diagram)
        self.explanation.value = (
            f'<pre style="white-space: pre-wrap">{html.escape(self.view.explanation)}</pre>'
        )
        return self.view

    def _cannot(self, text: str) -> None:
        self.view = None
        self.table.value = ""
        browser.show(self.diagram, None)
        self.explanation.value = f'<pre style="white-space: pre-wrap">{html.escape(text)}</pre>'

    def set(self, **settings: Any) -> View | None:
        """Change controls from code (as a learner's clicks would) and return the new view."""
        for name, value in settings.items():
            self.controls[name].unobserve(self._changed, names="value")
            try:
                self.controls[name].value = value
            finally:
                self.controls[name].observe(self._changed, names="value")
        return self.refresh()

    def _changed(self, change: dict[str, Any]) -> None:
        self.refresh()

    def __repr__(self) -> str:  # the text/plain form nbval compares: short and stable
        return f"Panel({self.title!r})"


def _toggle(options: tuple[str, ...], value: str, description: str) -> widgets.ToggleButtons:
    return widgets.ToggleButtons(
        options=list(options),
        value=value,
        description=description,
        style={"button_width": "auto", "description_width": "initial"},
    )


def _ages(choices: tuple[tuple[str, int], ...], value: int, description: str) -> Any:
    """A slider over a few named MFA ages: every interesting value is one step away."""
    return widgets.SelectionSlider(
        options=list(choices),
        value=value,
        description=description,
        continuous_update=False,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="420px"),
    )


def _story_panel(scenario: Any, title: str, hint: str, controls: dict[str, Any]) -> Panel:
    return Panel(
        title, hint, controls, lambda **s: view(scenario, scenario.play, legend=False, **s)
    )


def cross_account_panel(scenario: stories.CrossAccount | None = None) -> Panel:
    """Richard assumes CrossAccountRole with a valid code, no code, or a wrong code."""
    scenario = scenario or stories.build_cross_account()
    return _story_panel(
        scenario,
        scenario.title,
        "Choose how Richard calls AssumeRole.",
        {"mfa": _toggle(stories.MFA_CHOICES, "MFA code", "Richard sends")},
    )


def same_account_ec2_panel(scenario: stories.SameAccountEC2 | None = None) -> Panel:
    """Sofia's credentials and how long ago she typed her MFA code."""
    scenario = scenario or stories.build_same_account_ec2()
    return _story_panel(
        scenario,
        scenario.title,
        "Pick Sofia's credentials and how long after her MFA sign-in she acts "
        "(her session token lasts 36 hours).",
        {
            "credentials": _toggle(
                stories.CREDENTIAL_CHOICES, "GetSessionToken with MFA", "Sofia uses"
            ),
            "mfa_age": _ages(EC2_AGE_CHOICES, 0, "time since MFA sign-in"),
        },
    )


def resource_policy_s3_panel(scenario: stories.ResourcePolicyS3 | None = None) -> Panel:
    """Nikhil writes to account A's bucket with three kinds of credentials."""
    scenario = scenario or stories.build_resource_policy_s3()
    return _story_panel(
        scenario,
        scenario.title,
        "Pick the credentials Nikhil uses.",
        {"credentials": _toggle(stories.NIKHIL_CHOICES, "GetSessionToken with MFA", "Nikhil uses")},
    )


def self_managed_mfa_panel(scenario: stories.SelfManagedMFA | None = None) -> Panel:
    """What a Developers member may do with and without MFA."""
    scenario = scenario or stories.build_self_managed_mfa()
    return _story_panel(
        scenario,
        scenario.title,
        "Pick the user and whether they used MFA.",
        {
            "who": _toggle(("Nikhil", "Sofia"), "Sofia", "User"),
            "mfa": widgets.Checkbox(value=False, description="signed in with MFA", indent=False),
        },
    )


def revoking_panel(scenario: stories.Revoking | None = None) -> Panel:
    """The seed-003 ways to take access away from temporary credentials."""
    scenario = scenario or stories.build_revoking()
    return _story_panel(
        scenario,
        scenario.title,
        "Pick what the administrator does.",
        {
            "how": widgets.Dropdown(
                options=list(stories.REVOCATION_CHOICES),
                value="revoke older sessions of the role",
                description="Revocation",
                style={"description_width": "initial"},
                layout=widgets.Layout(width="400px"),
            ),
        },
    )


def confused_deputy_panel(scenario: stories.ConfusedDeputy | None = None) -> Panel:
    """Example Corp assumes a customer's role with the external ID you type."""
    scenario = scenario or stories.build_confused_deputy()

    def compute(external_id: str, role: str) -> View:
        # sent as typed (a space or a "!" is the service's to refuse); empty means none
        return view(
            scenario, scenario.play, legend=False, external_id=external_id or None, role=role
        )

    controls = {
        "external_id": widgets.Combobox(
            value="12345",
            options=["12345", "67890", ""],
            description="External ID",
            ensure_option=False,
            continuous_update=False,
        ),
        "role": _toggle(("yours", "other"), "yours", "Role of"),
    }
    return Panel(
        scenario.title,
        "Type an external ID (sent as typed; empty means none) and pick whose role.",
        controls,
        compute,
    )


def mfa_keys_panel() -> Panel:
    """Credentials kind, MFA age and Bool vs BoolIfExists, decided by the engine alone."""

    def compute(credentials: str, operator: str, mfa_age: int, limit_age: bool) -> View:
        limit = mfa_keys.MAX_AGE if limit_age else None
        d = mfa_keys.decide(credentials, operator, mfa_age, limit)
        context = mfa_keys.context_for(credentials, mfa_age)
        shown = ", ".join(f"{k}={v}" for k, v in context.items()) or "(no MFA keys at all)"
        table = tables.frame(
            [[credentials, shown, OUTCOME_WORDS[d.decision]]],
            columns=["credentials", "context", "ec2:StopInstances"],
        )
        return View({}, [], table, None, d.explain())

    controls = {
        "credentials": _toggle(mfa_keys.CREDENTIALS, "GetSessionToken with MFA", "Credentials"),
        "operator": _toggle(mfa_keys.OPERATORS, "Bool", "Operator"),
        "mfa_age": _ages(mfa_keys.AGE_CHOICES, 300, "MFA age"),
        "limit_age": widgets.Checkbox(
            value=False, description=f"also require age < {mfa_keys.MAX_AGE} s", indent=False
        ),
    }
    return Panel(
        "MFA condition keys",
        "Change the credentials, the operator and the MFA age.",
        controls,
        compute,
        legend=False,
    )
