"""The diagrams' visual language: one place for shapes, colours, sizes and the legend."""

from __future__ import annotations

import html

FONT = "Arimo"

# Sizes in points (1 pt = 4/3 px). A diagram is at most COLUMN_PT wide at its natural
# size wherever the layout allows, so it fits a 900 px column without being scaled down.
COLUMN_PX = 900
COLUMN_PT = COLUMN_PX * 3 // 4
FONT_SIZES = {"title": "13", "cluster": "11", "node": "10", "edge": "9", "legend": "9"}

NODE_STYLES: dict[str, dict[str, str]] = {
    "account": {"shape": "plaintext", "style": "", "fontcolor": "#57606a"},
    "root": {"shape": "doubleoctagon", "fillcolor": "#f6f8fa"},
    "user": {"shape": "box", "style": "rounded,filled", "fillcolor": "#ddf4ff"},
    "group": {"shape": "folder", "style": "filled", "fillcolor": "#eef1f5"},
    "role": {"shape": "hexagon", "style": "filled", "fillcolor": "#fff1e5"},
    "session": {"shape": "box", "style": "rounded,dashed,filled", "fillcolor": "#fff8f0"},
    "federated": {"shape": "box", "style": "rounded,dashed,filled", "fillcolor": "#f3f0ff"},
    "mfa": {"shape": "note", "style": "filled", "fillcolor": "#fbefff"},
    "credentials": {"shape": "box", "style": "rounded,dashed,filled", "fillcolor": "#fff8c5"},
    "service": {"shape": "box", "style": "diagonals,filled", "fillcolor": "#eef1f5"},
    "bucket": {"shape": "cylinder", "style": "filled", "fillcolor": "#e6ffec"},
    "table": {"shape": "cylinder", "style": "filled", "fillcolor": "#e6ffec"},
    "instance": {"shape": "box3d", "style": "filled", "fillcolor": "#e6ffec"},
    "third-party": {"shape": "house", "style": "filled", "fillcolor": "#ffebe9"},
    "provider": {"shape": "component", "style": "filled", "fillcolor": "#f3f0ff"},
}

KIND_WORDS = {
    "account": "",
    "root": "",
    "user": "IAM user",
    "group": "IAM group",
    "role": "IAM role",
    "session": "",
    "federated": "federated user",
    "mfa": "",  # the label says it: "MFA device Bob-phone"
    "credentials": "",  # "MFA credentials" or "temporary credentials"
    "service": "",  # "S3 in account A"
    "bucket": "S3 bucket",
    "table": "DynamoDB table",
    "instance": "EC2 instance",
    "third-party": "third party",
    "provider": "identity provider",
}

GREY = "#57606a"
LIGHT_GREY = "#8c959f"

EDGE_STYLES: dict[str, dict[str, str]] = {
    "trust": {"style": "dashed", "color": GREY, "fontcolor": GREY, "arrowhead": "empty"},
    "member": {"style": "dotted", "color": LIGHT_GREY, "fontcolor": GREY, "arrowhead": "none"},
    "permission": {"color": LIGHT_GREY, "fontcolor": GREY, "arrowhead": "vee"},
    "mfa": {"style": "dotted", "color": LIGHT_GREY, "arrowhead": "none"},
    "call": {"penwidth": "2.2"},
}

DECISION_COLOURS = {
    "allowed": "#1a7f37",
    "implicitDeny": "#bc4c00",
    "explicitDeny": "#cf222e",
    "refused": "#8250df",
    "refusedByRule": "#0969da",
    "error": "#6e7781",
}

# the line style of each decision, so the states differ without colour too
DECISION_LINES: dict[str, dict[str, str]] = {
    "allowed": {"arrowhead": "normal"},
    "implicitDeny": {"arrowhead": "normal"},
    "explicitDeny": {"arrowhead": "tee"},
    "refused": {"style": "dashed", "arrowhead": "tee"},
    "refusedByRule": {"arrowhead": "box"},
    "error": {"style": "dotted", "arrowhead": "normal"},
}

DECISION_WORDS = {
    "allowed": "allowed",
    "implicitDeny": "DENIED: no policy allows it",
    "explicitDeny": "DENIED: an explicit Deny",
    "refused": "REFUSED before any policy",
    "refusedByRule": "policy allowed;\nREFUSED by a service rule",
    "error": "allowed, then failed",
}

# (colour, line drawn in text, words) for the legend, in reading order
LEGEND = (
    (GREY, "- - -|>", "may assume the role (trust policy)"),
    (LIGHT_GREY, "----->", "a policy allows these actions"),
    (LIGHT_GREY, ". . . .", "member of a group; MFA device"),
    (DECISION_COLOURS["allowed"], "=====>", "call allowed"),
    (DECISION_COLOURS["implicitDeny"], "=====>", "call denied: no policy allows it"),
    (DECISION_COLOURS["explicitDeny"], "=====|", "call denied: an explicit Deny"),
    (DECISION_COLOURS["refused"], "= = =|", "call refused before any policy is read"),
    (DECISION_COLOURS["refusedByRule"], "=====[]", "allowed by policy, refused by a service rule"),
    (DECISION_COLOURS["error"], ". . .>", "allowed, then the service failed"),
)


def legend_html() -> str:
    """The legend as one wrapping line of HTML (for panels, beside the diagram)."""
    items = "".join(
        f'<span style="color: {colour}; white-space: nowrap; margin-right: 1em">'
        f"<b>{html.escape(line)}</b> {html.escape(words)}</span> "
        for colour, line, words in LEGEND
    )
    return f'<div class="iamlab-legend" style="font-size: 11px; line-height: 1.4">{items}</div>'
