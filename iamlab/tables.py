"""Tables the lab shows: a pandas DataFrame where pandas is installed, else a small Table.

The browser site (Pyodide, offline) has no pandas, so every table the lab returns goes
through :func:`frame`: with pandas it is exactly the DataFrame the desktop notebooks
store; without it, a :class:`Table` that shows itself as HTML and as text and answers
the few DataFrame operations the notebooks use (``t[["a", "b"]]``, ``t["a"]``,
``head``/``tail``, ``iloc``, ``T``, ``set_index``, ``reindex``, ``to_html``,
``to_string``, ``len``).
"""

from __future__ import annotations

import collections
import html
import importlib
import importlib.util
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any


def pandas() -> Any | None:
    """The pandas module, or None where it is not installed (checked on every call)."""
    try:
        if importlib.util.find_spec("pandas") is None:
            return None
        return importlib.import_module("pandas")
    except ImportError:  # a blocked or broken install counts as missing
        return None
    except ValueError:  # find_spec on a module whose __spec__ is None
        return None


class Row(dict):
    """One row of a :class:`Table`: its values by column name, and its index label."""

    name: Any = None


class Column(list):
    """One column of a :class:`Table`: its values, in row order."""

    def tolist(self) -> list[Any]:
        return list(self)

    def unique(self) -> list[Any]:
        return list(dict.fromkeys(self))


class _ILoc:
    def __init__(self, table: Table) -> None:
        self._table = table

    def __getitem__(self, key: int | slice | tuple[int, int]) -> Any:
        t = self._table
        if isinstance(key, tuple):  # iloc[row, column]: one value
            row, column = key
            return t.rows[range(len(t))[row]][range(len(t.columns))[column]]
        if isinstance(key, slice):
            rows = range(len(t))[key]
            return t._take(list(rows))
        i = range(len(t))[key]  # IndexError for a position out of range, negatives allowed
        found = Row(zip(t.columns, t.rows[i], strict=True))
        found.name = t.index[i] if t.index is not None else i
        return found


class Table:
    """A small table: column names, rows of values, and optionally named row labels.

    ``cell_style(value) -> css`` colours cells in the HTML form (decision matrices).
    """

    def __init__(
        self,
        rows: Iterable[Sequence[Any] | Mapping[str, Any]] = (),
        columns: Sequence[Any] | None = None,
        index: Sequence[Any] | None = None,
        index_name: str | None = None,
        columns_name: str | None = None,
        cell_style: Callable[[Any], str] | None = None,
    ) -> None:
        rows = list(rows)
        if columns is None:
            found: list[Any] = []
            for row in rows:
                for key in row if isinstance(row, Mapping) else ():
                    if key not in found:
                        found.append(key)
            if rows and not isinstance(rows[0], Mapping):
                found = list(range(len(rows[0])))
            columns = found
        self.columns: list[Any] = list(columns)
        self.rows: list[list[Any]] = []
        for row in rows:
            if isinstance(row, Mapping):
                values = [row.get(c, "") for c in self.columns]
            else:
                values = list(row)
                if len(values) != len(self.columns):
                    raise ValueError(
                        f"{len(self.columns)} columns passed, passed data had {len(values)} columns"
                    )
            self.rows.append(values)
        if index is not None and len(index) != len(self.rows):
            raise ValueError(f"index has {len(index)} labels for {len(self.rows)} rows")
        self.index: list[Any] | None = list(index) if index is not None else None
        self.index_name = index_name
        self.columns_name = columns_name
        self.cell_style = cell_style

    # ---- shape -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.rows)

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.rows), len(self.columns))

    @property
    def empty(self) -> bool:
        return not self.rows or not self.columns

    @property
    def iloc(self) -> _ILoc:
        """By position: ``t.iloc[-1]`` is a :class:`Row`, ``t.iloc[1:3]`` a Table,
        ``t.iloc[0, 2]`` one value."""
        return _ILoc(self)

    def __iter__(self) -> Iterator[Any]:  # like a DataFrame: the column names
        return iter(self.columns)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Table):
            return NotImplemented
        return (self.columns, self.rows, self.index) == (other.columns, other.rows, other.index)

    __hash__ = None  # type: ignore[assignment]

    # ---- selecting -----------------------------------------------------------
    def __getitem__(self, key: Any) -> Column | Table:
        if isinstance(key, list):
            missing = [k for k in key if k not in self.columns]
            if missing:
                raise KeyError(f"None of {missing} are in the columns")
            where = [self.columns.index(k) for k in key]
            return self._replace(columns=key, rows=[[r[i] for i in where] for r in self.rows])
        if key not in self.columns:
            raise KeyError(key)
        i = self.columns.index(key)
        return Column(r[i] for r in self.rows)

    def head(self, n: int = 5) -> Table:
        """The first ``n`` rows (all but the last ``-n`` when negative)."""
        return self._take(list(range(len(self)))[:n])

    def tail(self, n: int = 5) -> Table:
        """The last ``n`` rows (all but the first ``-n`` when negative)."""
        positions = list(range(len(self)))
        return self._take(positions[-n:] if n > 0 else positions[-n:] if n < 0 else [])

    def itertuples(self, index: bool = True, name: str | None = "Pandas") -> Iterator[Any]:
        """Each row as a named tuple (fields: ``Index`` when ``index``, then the columns;
        names that are not identifiers become ``_1``, ``_2``... as pandas does)."""
        labels = self.index if self.index is not None else list(range(len(self)))
        fields = (["Index"] if index else []) + [str(c) for c in self.columns]
        make = collections.namedtuple(name, fields, rename=True) if name else None
        for label, row in zip(labels, self.rows, strict=True):
            values = (label, *row) if index else tuple(row)
            yield make(*values) if make else values

    def records(self) -> list[dict[str, Any]]:
        """Every row as a dict (column name -> value)."""
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]

    def to_dict(self, orient: str = "records") -> list[dict[str, Any]]:
        if orient != "records":
            raise ValueError("a Table converts to_dict('records') only")
        return self.records()

    @property
    def T(self) -> Table:
        """Rows become columns: the index labels are the new column names."""
        labels = self.index if self.index is not None else list(range(len(self)))
        return Table(
            [[r[i] for r in self.rows] for i in range(len(self.columns))],
            columns=labels,
            index=self.columns,
            index_name=self.columns_name,
            columns_name=self.index_name,
            cell_style=self.cell_style,
        )

    def transpose(self) -> Table:
        return self.T

    def set_index(self, column: str) -> Table:
        """The table labelled by ``column`` (which leaves the columns)."""
        values = self[column]
        rest = [c for c in self.columns if c != column]
        table = self[rest]
        assert isinstance(table, Table)
        return table._replace(index=list(values), index_name=column)

    def reindex(
        self, index: Sequence[Any] | None = None, columns: Sequence[Any] | None = None
    ) -> Table:
        """Rows (by label) and columns in the given order; unknown labels get empty cells."""
        table = self
        if index is not None:
            labels = table.index if table.index is not None else list(range(len(table)))
            where = {label: i for i, label in enumerate(labels)}
            rows = [
                list(table.rows[where[label]]) if label in where else [""] * len(table.columns)
                for label in index
            ]
            table = table._replace(rows=rows, index=list(index))
        if columns is not None:
            rows = [
                [r[table.columns.index(c)] if c in table.columns else "" for c in columns]
                for r in table.rows
            ]
            table = table._replace(columns=list(columns), rows=rows)
        return table

    def _take(self, positions: list[int]) -> Table:
        return self._replace(
            rows=[self.rows[i] for i in positions],
            index=[self.index[i] for i in positions] if self.index is not None else None,
        )

    def _replace(self, **changes: Any) -> Table:
        fields: dict[str, Any] = {
            "rows": self.rows,
            "columns": self.columns,
            "index": self.index,
            "index_name": self.index_name,
            "columns_name": self.columns_name,
            "cell_style": self.cell_style,
        }
        fields.update(changes)
        return Table(**fields)

    # ---- showing -------------------------------------------------------------
    def to_html(
        self, index: bool = True, classes: str | Sequence[str] | None = None, escape: bool = True
    ) -> str:
        """An HTML table laid out as pandas writes one (``class="dataframe"``)."""
        show_index = index and self.index is not None
        esc = _escape if escape else str
        names = [classes] if isinstance(classes, str) else list(classes or [])
        head = [""] if show_index else []
        head += [str(c) for c in self.columns]
        out = [f'<table border="1" class="{" ".join(["dataframe", *names])}">', "  <thead>"]
        out.append('    <tr style="text-align: right;">')
        if show_index:
            out.append(f"      <th>{esc(str(self.index_name or ''))}</th>")
        out += [f"      <th>{esc(str(c))}</th>" for c in self.columns]
        out += ["    </tr>", "  </thead>", "  <tbody>"]
        for i, row in enumerate(self.rows):
            out.append("    <tr>")
            if show_index and self.index is not None:
                out.append(f"      <th>{esc(_cell(self.index[i]))}</th>")
            for value in row:
                style = self.cell_style(value) if self.cell_style else ""
                attr = f' style="{html.escape(style)}"' if style else ""
                out.append(f"      <td{attr}>{esc(_cell(value))}</td>")
            out.append("    </tr>")
        out += ["  </tbody>", "</table>"]
        return "\n".join(out)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_string(self, index: bool = True) -> str:
        """The table as aligned text (values right-aligned, as pandas prints them)."""
        show_index = index and self.index is not None
        header = [str(c) for c in self.columns]
        body = [[_cell(v) for v in row] for row in self.rows]
        if show_index:
            header = [str(self.index_name or ""), *header]
            labels = self.index if self.index is not None else []
            body = [[_cell(label), *row] for label, row in zip(labels, body, strict=True)]
        if not body:
            return "Empty table\nColumns: [" + ", ".join(map(str, self.columns)) + "]"
        widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
        lines = []
        for line in [header, *body]:
            cells = [v.rjust(w) for v, w in zip(line, widths, strict=True)]
            if show_index:
                cells[0] = line[0].ljust(widths[0])
            lines.append("  ".join(cells).rstrip())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.to_string()

    # ---- styling (what pandas' Styler offers the lab) --------------------------
    def styled(self, cell_style: Callable[[Any], str]) -> Table:
        """The same table whose HTML cells get ``cell_style(value)`` as CSS."""
        return self._replace(cell_style=cell_style)

    def set_uuid(self, uuid: str) -> Table:
        """Accepted for code written for pandas' Styler (the HTML has no ids)."""
        return self

    @property
    def data(self) -> Table:
        """The table itself (a Styler's ``.data``)."""
        return self


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def frame(
    rows: Iterable[Sequence[Any] | Mapping[str, Any]],
    columns: Sequence[str] | None = None,
    index: str | None = None,
) -> Any:
    """A DataFrame of ``rows`` where pandas is installed, else a :class:`Table`.

    ``rows`` are lists (with ``columns``) or dicts; ``index`` names a column that
    labels the rows (``DataFrame.set_index``).
    """
    pd = pandas()
    rows = list(rows)
    if pd is not None:
        table = pd.DataFrame(rows, columns=columns)
        return table.set_index(index) if index is not None else table
    table = Table(rows, columns=columns)
    return table.set_index(index) if index is not None else table


def by_label(rows: Mapping[Any, Mapping[str, Any]], index_name: str | None = None) -> Any:
    """One row per key of ``rows`` (its label), columns from the inner keys.

    The pandas-free form of ``pd.DataFrame(rows).T``.
    """
    pd = pandas()
    if pd is not None:
        table = pd.DataFrame(rows).T
        if index_name is not None:
            table.index.name = index_name
        return table
    columns: list[str] = []
    for inner in rows.values():
        columns += [k for k in inner if k not in columns]
    return Table(list(rows.values()), columns=columns, index=list(rows), index_name=index_name)


def pivot(
    records: Iterable[Mapping[str, Any]],
    index: Sequence[str],
    column: str,
    value: str,
    column_order: Sequence[Any] | None = None,
) -> Table:
    """One row per combination of the ``index`` fields (in first-seen order), one column
    per value of ``column``, cells from ``value``: the Table form of ``DataFrame.pivot``.

    Row labels are the index value (one field) or a tuple of them (several).
    """
    labels: list[Any] = []
    cells: dict[Any, dict[Any, Any]] = {}
    seen_columns: list[Any] = []
    for record in records:
        key = tuple(record[f] for f in index)
        label = key[0] if len(index) == 1 else key
        if label not in cells:
            labels.append(label)
            cells[label] = {}
        cells[label][record[column]] = record[value]
        if record[column] not in seen_columns:
            seen_columns.append(record[column])
    columns = list(column_order) if column_order is not None else seen_columns
    return Table(
        [[cells[label].get(c, "") for c in columns] for label in labels],
        columns=columns,
        index=labels,
        index_name=", ".join(index),
        columns_name=column,
    )


def by_column(columns: Mapping[Any, Mapping[Any, Any]]) -> Any:
    """One column per key of ``columns``, rows labelled by the inner keys.

    The pandas-free form of ``pd.DataFrame(columns)`` for a dict of dicts.
    """
    pd = pandas()
    if pd is not None:
        return pd.DataFrame(columns)
    labels: list[Any] = []
    for inner in columns.values():
        labels += [k for k in inner if k not in labels]
    rows = [[columns[c].get(label, "") for c in columns] for label in labels]
    return Table(rows, columns=list(columns), index=labels)


def concat(tables: Iterable[Any] | Mapping[Any, Any]) -> Any:
    """The rows of ``tables`` one after another: ``pd.concat`` where they are DataFrames.

    Given a mapping, each table's rows are labelled by its key (pandas adds the key as
    an outer index level).
    """
    keys = list(tables) if isinstance(tables, Mapping) else None
    parts = [tables[k] for k in keys] if isinstance(tables, Mapping) and keys else list(tables)
    pd = pandas()
    if pd is not None and parts and all(isinstance(t, pd.DataFrame) for t in parts):
        return pd.concat(tables)
    columns: list[Any] = []
    for t in parts:
        columns += [c for c in t.columns if c not in columns]
    rows: list[list[Any]] = []
    index: list[Any] = []
    for n, t in enumerate(parts):
        rows += [[r[t.columns.index(c)] if c in t.columns else "" for c in columns] for r in t.rows]
        if keys is not None:
            index += [keys[n]] * len(t)
        else:
            index += t.index if t.index is not None else list(range(len(t)))
    labelled = keys is not None or any(t.index is not None for t in parts)
    return Table(rows, columns=columns, index=index if labelled else None)


def show_full_cells() -> None:
    """Show every cell's whole text (pandas cuts cells at 50 characters unless told).

    A Table always shows whole cells; this tells pandas the same where it is installed.
    """
    pd = pandas()
    if pd is not None:
        pd.set_option("display.max_colwidth", None)
