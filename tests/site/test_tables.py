"""iamlab.tables: DataFrames where pandas is installed, a small Table where it is not.

The browser site has no pandas. ``no_pandas`` (conftest) hides it the way Pyodide lacks it
(a meta-path finder that refuses it, and no cached module), so these run the pandas-free
path here.
"""

from __future__ import annotations

import pytest

from iamlab import tables
from iamlab.tables import Table

ROWS = [["AssumeRole (yours)", "allowed", ""], ["AssumeRole (other)", "denied (implicit)", "X"]]
COLUMNS = ["call", "outcome", "error"]


def test_the_blocker_really_hides_pandas(no_pandas: None) -> None:
    with pytest.raises(ImportError):
        import pandas  # noqa: F401
    assert tables.pandas() is None


def test_frame_is_a_dataframe_when_pandas_is_installed() -> None:
    pd = pytest.importorskip("pandas")
    assert isinstance(tables.frame(ROWS, columns=COLUMNS), pd.DataFrame)


def test_frame_is_a_table_without_pandas(no_pandas: None) -> None:
    t = tables.frame(ROWS, columns=COLUMNS)
    assert isinstance(t, Table)
    assert t.shape == (2, 3) and len(t) == 2 and list(t) == COLUMNS


def test_table_answers_what_the_notebooks_ask_of_a_dataframe() -> None:
    t = Table(ROWS, columns=COLUMNS)
    assert t["outcome"].tolist() == ["allowed", "denied (implicit)"]
    assert t[["outcome", "call"]].columns == ["outcome", "call"]
    assert t[["outcome"]].rows == [["allowed"], ["denied (implicit)"]]
    assert t.tail(1).rows == [ROWS[1]] and t.head(1).rows == [ROWS[0]]
    assert t.records()[1]["outcome"] == "denied (implicit)" and "call" in t
    assert t.tail(0).rows == [] and t.head(-1).rows == [ROWS[0]]
    assert t.iloc[-1]["error"] == "X" and t.iloc[0].name == 0
    assert t.iloc[0:1].rows == [ROWS[0]]
    assert t.iloc[1, 1] == "denied (implicit)" and t.iloc[-1, -1] == "X"
    assert list(t.itertuples(index=False)) == [tuple(r) for r in ROWS]
    assert next(t.itertuples()) == (0, *ROWS[0])
    row = next(t.itertuples(index=False))
    assert row.call == ROWS[0][0] and row.outcome == "allowed"
    assert next(t.itertuples()).Index == 0
    odd = Table([["x", "y"]], columns=["a b", "class"])
    assert next(odd.itertuples(index=False))._0 == "x"
    assert next(t.itertuples(name=None)) == (0, *ROWS[0])
    with pytest.raises(KeyError):
        t["nope"]
    with pytest.raises(KeyError):
        t[["call", "nope"]]
    with pytest.raises(IndexError):
        t.iloc[2]


def test_rows_may_be_dicts_and_columns_keep_first_seen_order() -> None:
    t = Table([{"b": 1, "a": 2}, {"a": 3, "c": 4}])
    assert t.columns == ["b", "a", "c"]
    assert t.rows == [[1, 2, ""], ["", 3, 4]]


def test_a_row_of_the_wrong_length_is_refused_like_pandas() -> None:
    with pytest.raises(ValueError, match="3 columns passed, passed data had 2 columns"):
        Table([["a", "b"]], columns=COLUMNS)


def test_set_index_transpose_and_reindex() -> None:
    t = Table(
        [{"credentials": "keys", "present": "absent"}, {"credentials": "GST", "present": "true"}]
    )
    labelled = t.set_index("credentials")
    assert labelled.index == ["keys", "GST"] and labelled.columns == ["present"]
    assert labelled.iloc[1].name == "GST"
    flipped = labelled.T
    assert flipped.columns == ["keys", "GST"] and flipped.index == ["present"]
    assert labelled == flipped.T
    again = labelled.reindex(["GST", "keys", "root"])
    assert again.rows == [["true"], ["absent"], [""]]


def test_by_label_is_the_pandas_free_form_of_dataframe_T(no_pandas: None) -> None:
    t = tables.by_label({"keys": {"present": "absent"}, "GST": {"present": "true", "age": "0"}})
    assert isinstance(t, Table)
    assert t.index == ["keys", "GST"] and t.columns == ["present", "age"]
    assert t.rows == [["absent", ""], ["true", "0"]]


def test_by_label_matches_pandas_when_installed() -> None:
    pd = pytest.importorskip("pandas")
    rows = {"keys": {"present": "absent"}, "GST": {"present": "true"}}
    assert tables.by_label(rows).equals(pd.DataFrame(rows).T)


def test_pivot_keeps_the_grid_order_and_labels_tuples() -> None:
    records = [
        {"who": w, "mfa": m, "op": op, "outcome": f"{w}{m}{op}"}
        for w in ("b", "a")
        for m in ("yes", "no")
        for op in ("x", "y")
    ]
    t = tables.pivot(records, ["who", "mfa"], "op", "outcome", column_order=["y", "x"])
    assert t.index == [("b", "yes"), ("b", "no"), ("a", "yes"), ("a", "no")]
    assert t.columns == ["y", "x"] and t.rows[0] == ["byesy", "byesx"]
    assert tables.pivot(records[:2], ["who"], "op", "outcome").index == ["b"]


def test_concat_stacks_rows_and_keeps_labels(no_pandas: None) -> None:
    a = Table([ROWS[0]], columns=COLUMNS)
    b = Table([["x", "allowed"]], columns=["call", "outcome"])
    both = tables.concat([a, b])
    assert both.columns == COLUMNS and both.rows == [ROWS[0], ["x", "allowed", ""]]
    assert both.index is None


def test_html_escapes_values_and_styles_cells() -> None:
    t = Table([["<b>", "allowed"]], columns=["call", "outcome"])
    page = t.to_html(index=False, classes="iamlab-table")
    assert '<table border="1" class="dataframe iamlab-table">' in page
    assert "&lt;b&gt;" in page and "<b>" not in page
    coloured = t.styled(lambda v: "color: green" if v == "allowed" else "")
    assert '<td style="color: green">allowed</td>' in coloured._repr_html_()
    assert "<td>&lt;b&gt;</td>" in coloured._repr_html_()
    assert coloured.set_uuid("x") is coloured and coloured.data is coloured


def test_text_form_is_aligned_and_names_an_empty_table() -> None:
    t = Table([["a", "allowed"], ["bbb", "x"]], columns=["call", "outcome"])
    assert t.to_string().splitlines() == ["call  outcome", "   a  allowed", " bbb        x"]
    assert repr(Table([], columns=["a"])) == "Empty table\nColumns: [a]"
    labelled = Table([["x"]], columns=["v"], index=["row"], index_name="k")
    assert labelled.to_string().splitlines() == ["k    v", "row  x"]
    assert labelled.to_string(index=False) == "v\nx"


def test_html_is_what_pandas_writes_for_the_same_table() -> None:
    pd = pytest.importorskip("pandas")
    rows = [*ROWS, ["a & <b>", "x", ""]]
    for kwargs in ({"index": False}, {"index": False, "classes": "iamlab-table"}):
        ours = Table(rows, columns=COLUMNS).to_html(**kwargs)
        assert ours == pd.DataFrame(rows, columns=COLUMNS).to_html(**kwargs)
    labelled = Table([["x"]], columns=["v"], index=["row"])
    assert labelled.to_html() == pd.DataFrame([["x"]], columns=["v"], index=["row"]).to_html()


def test_by_column_and_keyed_concat_work_without_pandas(no_pandas: None) -> None:
    t = tables.by_column({"SQS": {"keys": "denied"}, "SNS": {"keys": "allowed", "GST": "x"}})
    assert t.columns == ["SQS", "SNS"] and t.index == ["keys", "GST"]
    assert t.rows == [["denied", "allowed"], ["", "x"]]
    runs = {"keys": Table([["a", "allowed"]], columns=["call", "outcome"]), "GST": t[["SQS"]]}
    both = tables.concat(runs)
    assert both.index == ["keys", "GST", "GST"] and both.columns == ["call", "outcome", "SQS"]
    tables.show_full_cells()  # nothing to tell without pandas


def test_by_column_keyed_concat_and_full_cells_are_pandas_with_pandas() -> None:
    pd = pytest.importorskip("pandas")
    columns = {"SQS": {"keys": "denied"}, "SNS": {"keys": "allowed"}}
    assert tables.by_column(columns).equals(pd.DataFrame(columns))
    runs = {"a": pd.DataFrame([[1]], columns=["x"]), "b": pd.DataFrame([[2]], columns=["x"])}
    assert tables.concat(runs).equals(pd.concat(runs))
    before = pd.get_option("display.max_colwidth")
    try:
        tables.show_full_cells()
        assert pd.get_option("display.max_colwidth") is None
    finally:
        pd.set_option("display.max_colwidth", before)


def test_itertuples_names_fields_as_pandas_does() -> None:
    pd = pytest.importorskip("pandas")
    columns = ["call", "a b", "class", "Index"]
    rows = [["x", 1, 2, 3]]
    for index in (True, False):
        ours = next(Table(rows, columns=columns).itertuples(index=index))
        theirs = next(pd.DataFrame(rows, columns=columns).itertuples(index=index))
        assert ours._fields == theirs._fields and tuple(ours) == tuple(theirs)
