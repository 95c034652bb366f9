"""Build the lab notebooks from their sources and execute them, so outputs are stored.

Sources live in ``labs/src/NN_name.py`` in jupytext's "percent" format: cells
start with ``# %%`` (code) or ``# %% [markdown]`` (markdown, each line prefixed
with ``# ``).  ``python -m tools.notebooks build`` writes ``labs/NN_name.ipynb``
with every cell executed in a fresh kernel; ``check`` fails when a notebook's
cells differ from its source.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
LABS = ROOT / "labs"
SOURCES = LABS / "src"
KERNEL = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def parse(text: str) -> list[tuple[str, str]]:
    """(kind, source) pairs of a percent-format script, read by jupytext."""
    return [(c.cell_type, c.source) for c in jupytext.reads(text, fmt="py:percent").cells]


def to_notebook(source: Path) -> nbformat.NotebookNode:
    """An unexecuted notebook from a percent-format source."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = KERNEL
    nb.metadata["language_info"] = {"name": "python"}
    for kind, text in parse(source.read_text(encoding="utf-8")):
        cell = (
            nbformat.v4.new_markdown_cell(text)
            if kind == "markdown"
            else nbformat.v4.new_code_cell(text)
        )
        nb.cells.append(cell)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"  # stable ids: diffs show real changes only
    return nb


def build(source: Path) -> Path:
    """Execute the notebook for ``source`` and save it (with outputs) in labs/."""
    nb = to_notebook(source)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(LABS)}}
    ).execute()
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = _coalesce_streams(cell.outputs)
    target = LABS / f"{source.stem}.ipynb"
    target.write_text(stable_widget_ids(nbformat.writes(nb)) + "\n", encoding="utf-8")
    return target


def _coalesce_streams(outputs: list) -> list:
    """Join consecutive stdout (or stderr) chunks: how the kernel split them is timing."""
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


def stable_widget_ids(text: str) -> str:
    """Replace ipywidgets' random model ids by ids numbered in display order.

    Widgets are numbered as the outputs show them, then through the models they
    reference, so a rebuild of an unchanged notebook is byte-identical.
    """
    nb = json.loads(text)
    widgets = nb.get("metadata", {}).get("widgets", {})
    state = widgets.get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    order: list[str] = []

    def visit(model_id: str) -> None:
        if model_id in order or model_id not in state:
            return
        order.append(model_id)
        body = json.dumps(state[model_id].get("state", {}), sort_keys=True)
        for ref in re.findall(r"IPY_MODEL_([0-9a-f]{32})", body):
            visit(ref)

    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if view:
                visit(view["model_id"])
    for model_id in sorted(state, key=lambda m: json.dumps(state[m], sort_keys=True)):
        visit(model_id)
    for n, model_id in enumerate(order):
        text = text.replace(model_id, f"{n + 1:032x}")
    return json.dumps(json.loads(text), indent=1, sort_keys=True, ensure_ascii=False)


def stale(source: Path) -> list[str]:
    """Why the notebook of ``source`` does not match it (empty when it does)."""
    target = LABS / f"{source.stem}.ipynb"
    if not target.exists():
        return [f"{target.name} is missing"]
    built = nbformat.read(target, as_version=4)
    want = parse(source.read_text(encoding="utf-8"))
    have = [(c.cell_type, c.source) for c in built.cells]
    if want != have:
        return [f"{target.name} differs from {source.relative_to(ROOT)}"]
    if any(
        c.cell_type == "code" and c.source.strip() and c.execution_count is None
        for c in built.cells
    ):
        return [f"{target.name} has unexecuted code cells"]
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.notebooks")
    parser.add_argument("command", choices=["build", "check"])
    parser.add_argument("names", nargs="*", help="source stems, e.g. 00_start_here (default: all)")
    args = parser.parse_args(argv)
    sources = sorted(SOURCES.glob("*.py"))
    if args.names:
        sources = [s for s in sources if s.stem in args.names or s.stem.split("_")[0] in args.names]
    if args.command == "build":
        for source in sources:
            print(f"built {build(source).relative_to(ROOT)}")
        return 0
    problems = [p for s in sources for p in stale(s)]
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
