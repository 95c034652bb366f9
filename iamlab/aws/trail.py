"""The trail: one row per API call, like a tiny CloudTrail with the decision in it."""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields

import pandas as pd


@dataclass
class TrailRow:
    """One call as the trail shows it (field order = DataFrame column order)."""

    time: str
    account: str
    principal: str
    credentials: str
    service: str
    operation: str
    action: str
    resource: str
    decision: str  # allowed | explicitDeny | implicitDeny | error
    error: str
    reason: str


COLUMNS = [f.name for f in fields(TrailRow)]


def to_frame(rows: list[TrailRow]) -> pd.DataFrame:
    """The rows as a DataFrame with the fixed column order."""
    return pd.DataFrame([astuple(r) for r in rows], columns=COLUMNS)
