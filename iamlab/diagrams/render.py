"""Drawing a :class:`TrustFlow` with the graphviz package and the graphviz-pure renderer.

The SVG comes from the ``graphviz-pure`` wheel's ``dot``-compatible binary, so it
is the same on every machine (and needs no system Graphviz).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import graphviz

from .model import Edge, Node, TrustFlow
from .style import DECISION_COLOURS, DECISION_WORDS, EDGE_STYLES, FONT, KIND_WORDS, NODE_STYLES


class RendererMissing(RuntimeError):
    """The graphviz-pure renderer is not installed."""


@lru_cache(maxsize=1)
def renderer() -> str:
    """Path of the graphviz-pure binary (next to this Python first, then on PATH)."""
    beside = Path(sys.executable).parent / "graphviz-pure"
    if beside.exists():
        return str(beside)
    found = shutil.which("graphviz-pure")
    if found:
        return found
    raise RendererMissing(
        "the diagram renderer graphviz-pure is not installed; run `pip install graphviz-pure`"
    )


def run_renderer(source: str, fmt: str) -> bytes:
    """Lay out DOT ``source`` and return it as ``fmt`` (svg, png)."""
    proc = subprocess.run(
        [renderer(), f"-T{fmt}"], input=source.encode("utf-8"), capture_output=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"graphviz-pure failed: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


class Diagram:
    """A rendered trust-flow diagram; shows itself as SVG in Jupyter."""

    def __init__(self, graph: graphviz.Digraph, title: str) -> None:
        self.graph = graph
        self.title = title
        self._svg: str | None = None

    @property
    def source(self) -> str:
        """The DOT source."""
        return self.graph.source

    def svg(self) -> str:
        """The diagram as SVG text (laid out once, then cached)."""
        if self._svg is None:
            self._svg = run_renderer(self.source, "svg").decode("utf-8")
        return self._svg

    def png(self) -> bytes:
        """The diagram as PNG bytes."""
        return run_renderer(self.source, "png")

    def save(self, path: str | Path) -> Path:
        """Write ``.svg``, ``.png`` or ``.dot`` depending on the suffix."""
        path = Path(path)
        if path.suffix == ".svg":
            path.write_text(self.svg(), encoding="utf-8")
        elif path.suffix == ".png":
            path.write_bytes(self.png())
        elif path.suffix in (".dot", ".gv"):
            path.write_text(self.source, encoding="utf-8")
        else:
            raise ValueError(f"cannot save a diagram as {path.suffix!r}; use .svg, .png or .dot")
        return path

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        return {"image/svg+xml": self.svg(), "text/plain": f"<Diagram: {self.title}>"}

    def __repr__(self) -> str:
        return f"<Diagram: {self.title}>"


def _node_label(node: Node) -> str:
    words = KIND_WORDS[node.kind]
    label = f"{node.label}\n{words}" if words else node.label
    if node.detail:
        label += f"\n{node.detail}"
    return label


def _edge_attrs(edge: Edge) -> dict[str, str]:
    attrs = dict(EDGE_STYLES[edge.kind])
    label = edge.label
    if edge.kind == "call" and edge.decision:
        colour = DECISION_COLOURS[edge.decision]
        attrs.update(color=colour, fontcolor=colour)
        verdict = DECISION_WORDS[edge.decision]
        times = f" x{edge.count}" if edge.count > 1 else ""
        label = f"{label}{times}: {verdict}" if label else verdict
        if edge.decision != "allowed":
            attrs["style"] = "bold"
    if label:
        attrs["label"] = label
    return attrs


def _legend(graph: graphviz.Digraph) -> None:
    """A compact key: one table node listing what the line styles and colours mean."""
    rows = [
        ("#57606a", "- - -&gt;", "may assume the role (trust policy)"),
        ("#8c959f", "----&gt;", "permission granted by a policy"),
        ("#8250df", ". . . .", "MFA device of a user"),
        (DECISION_COLOURS["allowed"], "<b>==&gt;</b>", "call allowed"),
        (DECISION_COLOURS["implicitDeny"], "<b>==&gt;</b>", "call denied: no policy allows it"),
        (DECISION_COLOURS["explicitDeny"], "<b>==&gt;</b>", "call denied: an explicit Deny"),
    ]
    cells = "".join(
        f'<tr><td align="left"><font color="{colour}">{line}</font></td>'
        f'<td align="left"><font color="{colour}">{words}</font></td></tr>'
        for colour, line, words in rows
    )
    label = (
        '<<table border="0" cellborder="0" cellspacing="1" cellpadding="2">'
        f'<tr><td colspan="2" align="left"><b>Legend</b></td></tr>{cells}</table>>'
    )
    graph.node("legend", label, shape="box", style="rounded", color="#d0d7de", fontsize="9")


def draw(flow: TrustFlow, legend: bool = True) -> Diagram:
    """Lay out ``flow`` as a left-to-right graph: accounts are clusters."""
    graph = graphviz.Digraph(name=flow.title)
    graph.attr(
        rankdir="LR",
        label=flow.title,
        labelloc="t",
        fontname=FONT,
        fontsize="16",
        nodesep="0.35",
        ranksep="0.9",
        bgcolor="white",
        newrank="true",
    )
    graph.attr("node", fontname=FONT, fontsize="11", style="filled", color="#57606a")
    graph.attr("edge", fontname=FONT, fontsize="10")
    by_account: dict[str | None, list[Node]] = {}
    for node in flow.nodes:
        by_account.setdefault(node.account, []).append(node)
    for n, (account, name) in enumerate(flow.accounts.items()):
        with graph.subgraph(name=f"cluster_{n}") as sub:
            sub.attr(
                label=f"{name} ({account})" if name else account,
                style="rounded,filled",
                fillcolor="#f6f8fa",
                color="#d0d7de",
                fontname=FONT,
                fontsize="13",
            )
            for node in by_account.get(account, []):
                sub.node(node.id, _node_label(node), **NODE_STYLES[node.kind])
    for account, nodes in by_account.items():
        if account in flow.accounts:
            continue
        for node in nodes:
            graph.node(node.id, _node_label(node), **NODE_STYLES[node.kind])
    # a call drawn along a trust edge would cover the trust label: say it once, on the call
    called = {(e.source, e.target) for e in flow.edges if e.kind == "call"}
    trust_words = {
        (e.source, e.target): e.label for e in flow.edges if e.kind == "trust" and e.label
    }
    for edge in flow.edges:
        pair = (edge.source, edge.target)
        if edge.kind == "trust" and pair in called:
            attrs = _edge_attrs(Edge(edge.source, edge.target, "trust"))
        elif edge.kind == "call" and pair in trust_words:
            attrs = _edge_attrs(edge)
            attrs["label"] = f"[trust: {trust_words[pair]}]\n{attrs.get('label', '')}"
        else:
            attrs = _edge_attrs(edge)
        graph.edge(edge.source, edge.target, **attrs)
    if legend:
        _legend(graph)
    return Diagram(graph, flow.title)
