"""The diagrams' visual language: one place for shapes and colours (also drawn in the legend)."""

from __future__ import annotations

FONT = "Arimo"

NODE_STYLES: dict[str, dict[str, str]] = {
    "account": {"shape": "plaintext", "style": "", "fontcolor": "#57606a"},
    "root": {"shape": "doubleoctagon", "fillcolor": "#f6f8fa"},
    "user": {"shape": "box", "style": "rounded,filled", "fillcolor": "#ddf4ff"},
    "group": {"shape": "folder", "style": "filled", "fillcolor": "#eef1f5"},
    "role": {"shape": "hexagon", "style": "filled", "fillcolor": "#fff1e5"},
    "session": {"shape": "hexagon", "style": "dashed,filled", "fillcolor": "#fffaf2"},
    "federated": {"shape": "box", "style": "rounded,dashed,filled", "fillcolor": "#f3f0ff"},
    "mfa": {"shape": "note", "style": "filled", "fillcolor": "#fbefff"},
    "bucket": {"shape": "cylinder", "style": "filled", "fillcolor": "#e6ffec"},
    "table": {"shape": "cylinder", "style": "filled", "fillcolor": "#e6ffec"},
    "instance": {"shape": "box3d", "style": "filled", "fillcolor": "#e6ffec"},
    "third-party": {"shape": "house", "style": "filled", "fillcolor": "#ffebe9"},
    "provider": {"shape": "component", "style": "filled", "fillcolor": "#f3f0ff"},
}

KIND_WORDS = {
    "account": "",
    "root": "root user",
    "user": "IAM user",
    "group": "IAM group",
    "role": "IAM role",
    "session": "role session",
    "federated": "federated user",
    "mfa": "MFA device",
    "bucket": "S3 bucket",
    "table": "DynamoDB table",
    "instance": "EC2 instance",
    "third-party": "third party",
    "provider": "identity provider",
}

EDGE_STYLES: dict[str, dict[str, str]] = {
    "trust": {"style": "dashed", "color": "#57606a", "fontcolor": "#57606a", "arrowhead": "empty"},
    "member": {"style": "dotted", "color": "#8c959f", "arrowhead": "none"},
    "permission": {"color": "#8c959f", "fontcolor": "#57606a", "arrowhead": "vee"},
    "mfa": {"style": "dotted", "color": "#8250df", "arrowhead": "none"},
    "call": {"penwidth": "2"},
}

DECISION_COLOURS = {
    "allowed": "#1a7f37",
    "explicitDeny": "#cf222e",
    "implicitDeny": "#bc4c00",
    "error": "#6e7781",
}

DECISION_WORDS = {
    "allowed": "allowed",
    "explicitDeny": "DENIED (explicit)",
    "implicitDeny": "DENIED (implicit)",
    "error": "error",
}
