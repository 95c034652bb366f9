"""Decision matrices: the outcome of a story over a grid of settings, as a table.

A pandas DataFrame where pandas is installed (the desktop notebooks), else an
:class:`iamlab.tables.Table` (the browser site): :mod:`iamlab.tables` decides.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from iamlab import tables

_COLOURS = {
    "allowed": "background-color: #dafbe1; color: #1a7f37",
    "denied (explicit)": "background-color: #ffebe9; color: #cf222e",
    "denied (implicit)": "background-color: #fff1e5; color: #bc4c00",
    "refused before any policy": "background-color: #fbefff; color: #8250df",
    "refused by a service rule": "background-color: #ddf4ff; color: #0969da",
    "error": "background-color: #eaeef2; color: #57606a",
}


def decision_matrix(
    decide: Callable[..., str], grid: Mapping[str, Sequence[Any]], columns: str | None = None
) -> Any:
    """Call ``decide(**settings)`` for every combination in ``grid``.

    The result has one row per combination of the other settings and, when
    ``columns`` names a setting, one column per value of it (else one
    ``outcome`` column).
    """
    names = list(grid)
    rows = []
    for values in itertools.product(*(grid[n] for n in names)):
        settings = dict(zip(names, values, strict=True))
        rows.append({**settings, "outcome": decide(**settings)})
    pd = tables.pandas()
    if pd is None:
        if columns is None:
            return tables.frame(rows, columns=[*names, "outcome"])
        index = [n for n in names if n != columns]
        return tables.pivot(rows, index, columns, "outcome", column_order=list(grid[columns]))
    frame = pd.DataFrame(rows, columns=[*names, "outcome"])
    if columns is None:
        return frame
    index = [n for n in names if n != columns]
    table = frame.pivot(index=index, columns=columns, values="outcome")
    # keep the grid's order (pivot sorts), so rows read as the learner listed them
    order = frame[index].drop_duplicates()
    if len(index) == 1:
        table = table.reindex(index=list(order[index[0]]))
    else:
        table = table.reindex(index=pd.MultiIndex.from_frame(order))
    table = table.reindex(columns=list(grid[columns]))
    table.columns.name = columns
    return table


def _cell_style(value: Any) -> str:
    return _COLOURS.get(str(value), "")


def style_matrix(frame: Any) -> Any:
    """Colour each outcome cell (green allowed, orange implicit deny, red explicit deny,
    purple refused before any policy, blue refused by a service rule).

    The Styler's HTML id is derived from the table's content, not random, so a
    notebook's stored output is the same on every run.
    """
    if isinstance(frame, tables.Table):
        return frame.styled(_cell_style)
    digest = hashlib.sha1(frame.to_csv().encode("utf-8")).hexdigest()[:10]
    styler = _styler_class()(frame).set_uuid(f"iamlab-{digest}")
    return styler.map(_cell_style)


@lru_cache(maxsize=1)
def _styler_class() -> type:
    from pandas.io.formats.style import Styler

    class MatrixStyler(Styler):
        """A Styler whose plain-text form is the table itself (no memory address)."""

        def __repr__(self) -> str:
            return str(self.data.to_string())

    return MatrixStyler
