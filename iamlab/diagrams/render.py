"""Drawing a :class:`TrustFlow` with the graphviz package and the graphviz-pure renderer.

The SVG comes from the ``graphviz-pure`` wheel's ``dot``-compatible binary, so it
is the same on every machine (and needs no system Graphviz). Diagrams are laid out
top to bottom with account clusters stacked and labels wrapped, so that they fit a
900 px column; the SVG keeps its viewBox and scales down with its container.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import graphviz
from graphviz.quoting import quote

from . import browser
from .model import Edge, Node, TrustFlow
from .style import (
    COLUMN_PX,
    DECISION_COLOURS,
    DECISION_LINES,
    DECISION_WORDS,
    EDGE_STYLES,
    FONT,
    FONT_SIZES,
    KIND_WORDS,
    LEGEND,
    NODE_STYLES,
)
from .words import WIDTH, clip, wrap


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


@lru_cache(maxsize=64)
def _svg_of(source: str) -> str:
    """The SVG of DOT ``source``, laid out once (the same source gives the same bytes), so
    a panel that comes back to a state it showed before draws it at once."""
    return run_renderer(source, "svg").decode("utf-8")


_SVG_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def fit_to_container(svg: str) -> str:
    """The SVG scaled to its container: viewBox kept, never wider than the column it is in."""
    return _SVG_SIZE.sub(
        r'<svg width="\1pt" height="\2pt" style="max-width: 100%; height: auto"', svg, count=1
    )


class Diagram:
    """A rendered trust-flow diagram; shows itself as SVG in Jupyter."""

    def __init__(self, graph: graphviz.Digraph, title: str, summary: str = "") -> None:
        self.graph = graph
        self.title = title
        self.summary = summary or title
        self._raw: str | None = None

    @property
    def source(self) -> str:
        """The DOT source."""
        return self.graph.source

    def raw_svg(self) -> str:
        """The SVG exactly as graphviz-pure wrote it (laid out once, then cached)."""
        if self._raw is None:
            self._raw = _svg_of(self.source)
        return self._raw

    def svg(self) -> str:
        """The diagram as SVG text that scales down to fit its container."""
        return fit_to_container(self.raw_svg())

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

    def text(self) -> str:
        """One line saying what the diagram shows (its form where pictures are not shown)."""
        return f"Trust-flow diagram: {self.summary}"

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, Any]:
        if browser.needed():  # no renderer here (JupyterLite): the browser draws the DOT
            return browser.mimebundle(self)
        return {"image/svg+xml": self.svg(), "text/plain": self.text()}

    def __repr__(self) -> str:
        return f"<Diagram: {self.title}>"


def _plain(text: str) -> str:
    """A label as plain text for DOT: backslashes and ``<...>`` keep no special meaning (a
    name or an external ID a learner typed is drawn as typed)."""
    return graphviz.escape(text)


def _node_label(node: Node) -> str:
    parts = (node.label, KIND_WORDS[node.kind], node.detail, node.state)
    lines = [line for part in parts if part for line in part.splitlines()]
    return _plain("\n".join(wrap(clip(line, 90), 18, break_long=True) for line in lines))


def _node_attrs(node: Node) -> dict[str, str]:
    """The node's style; a node with a state (an unassigned device, credentials not issued)
    is drawn dashed."""
    attrs = dict(NODE_STYLES[node.kind])
    if node.state and "dashed" not in attrs.get("style", ""):
        attrs["style"] = ",".join(p for p in (attrs.get("style", ""), "dashed") if p)
    return attrs


def _call_label(edge: Edge) -> str:
    times = f" x{edge.count}" if edge.count > 1 else ""
    verdict = DECISION_WORDS[edge.decision or "error"]
    what, paren, qualifier = edge.label.partition(" (")
    parts = [f"{what}{times}"] + ([clip(f"({qualifier}")] if paren else [])
    if edge.note:
        parts.append(clip(edge.note))
    lines = [wrap(p, WIDTH, break_long=True) for p in parts]
    lines.insert(len(parts) - (1 if edge.note else 0), verdict)  # the verdict, kept whole
    return "\n".join(lines)


def _edge_attrs(edge: Edge) -> dict[str, str]:
    attrs = dict(EDGE_STYLES[edge.kind])
    label = wrap(clip(edge.label), break_long=True) if edge.label else ""
    if edge.kind == "call":
        decision = edge.decision or "error"
        colour = DECISION_COLOURS[decision]
        attrs.update(color=colour, fontcolor=colour, **DECISION_LINES[decision])
        attrs["class"] = f"call {decision}"
        label = _call_label(edge)
    if label:
        attrs["label"] = _plain(label)
    return attrs


def _caption(title: str | None, legend: bool) -> str:
    """The caption under the picture: the title, then the legend in two columns."""
    size = FONT_SIZES["legend"]
    rows = ""
    if title:
        rows += (
            f'<tr><td colspan="3"><font point-size="{FONT_SIZES["title"]}">'
            f"<b>{html.escape(title)}</b></font></td></tr>"
        )
    if legend:
        cells = [
            f'<td align="left"><font point-size="{size}" color="{colour}">'
            f"<b>{html.escape(line)}</b> {html.escape(words)}</font></td>"
            for colour, line, words in LEGEND
        ]
        gap = '<td width="14"></td>'
        rows += "".join(f"<tr>{gap.join(cells[i : i + 2])}</tr>" for i in range(0, len(cells), 2))
    return f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">{rows}</table>>'


def _account_label(account: str, name: str) -> str:
    if not name or name == account:
        return account
    return _plain(f"{name}: {account}" if "(" in name else f"{name} ({account})")


def _grouped_instances(flow: TrustFlow) -> dict[str, tuple[str, str]]:
    """Instance node id -> (group node id, port): an account's instances are drawn as one
    list, so that a permission over all of them is one arrow."""
    by_account: dict[str | None, list[Node]] = {}
    for node in flow.nodes:
        if node.kind == "instance":
            by_account.setdefault(node.account, []).append(node)
    out = {}
    for account, nodes in by_account.items():
        if len(nodes) > 1:
            for n, node in enumerate(nodes):
                out[node.id] = (f"{account}_instances", f"i{n}")
    return out


def _instances_label(nodes: list[Node]) -> str:
    rows = "".join(
        f'<tr><td port="i{n}" align="left">{html.escape(node.label)}'
        + (f" ({html.escape(node.detail)})" if node.detail else "")
        + "</td></tr>"
        for n, node in enumerate(nodes)
    )
    return (
        '<<table border="0" cellborder="0" cellspacing="0" cellpadding="2">'
        f"<tr><td>EC2 instances</td></tr>{rows}</table>>"
    )


def _endpoints(flow: TrustFlow, grouped: dict[str, tuple[str, str]]) -> list[tuple[Edge, str, str]]:
    """Each edge with the DOT endpoints it is drawn between (a grouped node's row, or the
    whole group when the same relation reaches every instance of it)."""
    members: dict[str, set[str]] = {}
    for nid, (gid, _) in grouped.items():
        members.setdefault(gid, set()).add(nid)
    reach: dict[tuple[str, str, str, str], set[str]] = {}
    for e in flow.edges:
        if e.target in grouped and e.kind != "call":
            key = (e.source, e.kind, e.label, grouped[e.target][0])
            reach.setdefault(key, set()).add(e.target)
    out = []
    drawn: set[tuple[str, str, str, str]] = set()
    for e in flow.edges:
        target = e.target
        if target in grouped:
            gid, port = grouped[target]
            key = (e.source, e.kind, e.label, gid)
            if e.kind != "call" and reach.get(key) == members[gid]:
                if key in drawn:
                    continue
                drawn.add(key)
                target = gid
            else:
                target = f"{gid}:{port}"
        out.append((e, e.source, target))
    return out


# node separations (inches) tried in turn until the drawing fits the column: the first is
# the usual one; a busy lab (many users on one row) is drawn tighter
NODESEPS = ("0.25", "0.15", "0.08")


def draw(flow: TrustFlow, legend: bool = True, title: bool = True) -> Diagram:
    """Lay out ``flow`` top to bottom, accounts as stacked clusters, calls coloured by decision.

    ``legend`` and ``title`` put the legend and the title above the picture (panels show
    both as HTML instead). Where graphviz-pure runs, a drawing wider than the column is laid
    out again with nodes closer together (:data:`NODESEPS`); the first that fits is kept (or
    the narrowest), so the same state always gives the same DOT and SVG.
    """
    first = _draw(flow, legend, title, NODESEPS[0])
    if browser.needed() or _width_px(first.raw_svg()) <= COLUMN_PX:
        return first  # the usual case; in the browser, viz.js lays it out (nothing to measure)
    from .fit import measure

    tried = [(first, _width_px(first.raw_svg()), False)]
    for nodesep in NODESEPS[1:]:
        diagram = _draw(flow, legend, title, nodesep)
        fit = measure(diagram.raw_svg(), COLUMN_PX)
        if fit.width_px <= COLUMN_PX and fit.ok:
            return diagram
        tried.append((diagram, fit.width_px, fit.width_px <= COLUMN_PX))
    narrow = [d for d, _, fits in tried if fits]
    return narrow[0] if narrow else min(tried, key=lambda t: t[1])[0]


def _width_px(svg: str) -> float:
    found = _SVG_SIZE.search(svg)
    return float(found.group(1)) * 4 / 3 if found else 0.0


def _draw(flow: TrustFlow, legend: bool, title: bool, nodesep: str) -> Diagram:
    graph = graphviz.Digraph(name="trustflow")
    graph.attr(
        rankdir="TB",
        fontname=FONT,
        fontsize=FONT_SIZES["legend"],
        nodesep=nodesep,
        ranksep="0.25",
        bgcolor="white",
        newrank="true",
        pad="0.1",
    )
    if legend or title:
        graph.attr(label=_caption(flow.title if title else None, legend), labelloc="b")
    graph.attr(
        "node",
        fontname=FONT,
        fontsize=FONT_SIZES["node"],
        style="filled",
        color="#57606a",
        margin="0.08,0.04",
    )
    graph.attr("edge", fontname=FONT, fontsize=FONT_SIZES["edge"])
    grouped = _grouped_instances(flow)
    levels = account_levels(flow)
    by_account: dict[str | None, list[Node]] = {}
    for node in flow.nodes:
        by_account.setdefault(node.account, []).append(node)
    for n, (account, name) in enumerate(flow.accounts.items()):
        with graph.subgraph(name=f"cluster_{n}") as sub:
            sub.attr(
                label=_account_label(account, name),
                # calls leave the top accounts downwards and enter the lower ones from
                # above: each account's name sits on the side no arrow crosses
                labelloc="t" if levels.get(account, 0) == 0 else "b",
                style="rounded,filled",
                fillcolor="#f6f8fa",
                color="#d0d7de",
                fontname=FONT,
                fontsize=FONT_SIZES["cluster"],
                labeljust="l",
                margin="10",
            )
            nodes = by_account.get(account, [])
            for node in nodes:
                if node.id not in grouped:
                    sub.node(node.id, _node_label(node), **_node_attrs(node))
            instances = [node for node in nodes if node.id in grouped]
            if instances:
                gid = grouped[instances[0].id][0]
                sub.node(gid, _instances_label(instances), **NODE_STYLES["instance"])
            _same_rank_devices(sub, flow, nodes)
    for owner, loose in by_account.items():
        if owner in flow.accounts:
            continue
        for node in loose:
            graph.node(node.id, _node_label(node), **_node_attrs(node))
    seen: dict[tuple[str, str], int] = {}
    called = _called(flow)
    for edge, source, target in _endpoints(flow, grouped):
        attrs = _edge_attrs(edge)
        if edge.kind == "call":
            pair = (edge.source, edge.target)
            seen[pair] = seen.get(pair, 0) + 1
            suffix = f"_{seen[pair]}" if seen[pair] > 1 else ""
            attrs["id"] = f"call_{edge.source}__{edge.target}{suffix}"
        if edge.kind == "mfa" and edge.source in called:  # the device below its user
            source, target = target, source
        graph.edge(source, target, **attrs)
    _stack_accounts(graph, flow, grouped)
    return Diagram(graph, flow.title, flow.summary())


def _called(flow: TrustFlow) -> set[str]:
    """The nodes some call of the drawing goes to."""
    return {e.target for e in flow.edges if e.kind == "call"}


def _same_rank_devices(sub: graphviz.Digraph, flow: TrustFlow, nodes: list[Node]) -> None:
    """Draw each MFA device beside its user (on its left, where no call's words go), or
    below it when a call goes to the device (so that the call points down, not sideways)."""
    ids = {n.id for n in nodes}
    called = _called(flow)
    for edge in flow.edges:
        if edge.kind != "mfa" or edge.source in called:
            continue
        if edge.source in ids and edge.target in ids:
            pair = "; ".join(quote(n) for n in (edge.source, edge.target))
            sub.body.append(f"\t{{rank=same; {pair}}}\n")


def account_levels(flow: TrustFlow) -> dict[str, int]:
    """How far down each account is drawn: accounts whose principals act on another
    account's roles or resources sit above it (level 0 at the top)."""
    account_of = {n.id: n.account for n in flow.nodes if n.account in flow.accounts}
    links: set[tuple[str, str]] = set()
    for e in flow.edges:
        a, b = account_of.get(e.source), account_of.get(e.target)
        if e.kind in ("trust", "call", "permission") and a and b and a != b:
            links.add((a, b))
    level = dict.fromkeys(flow.accounts, 0)
    empty = {n.account for n in flow.nodes if n.kind == "account" and n.account in level}
    for _ in flow.accounts:  # longest path, bounded: a cycle stops growing after n rounds
        changed = False
        for a, b in links:
            if level[b] < level[a] + 1 and level[a] + 1 < len(flow.accounts):
                level[b] = level[a] + 1
                changed = True
        if not changed:
            break
    for account in empty:  # an account with nothing in it sits at the top, beside the others
        level[account] = 0
    return level


def _stack_accounts(
    graph: graphviz.Digraph, flow: TrustFlow, grouped: dict[str, tuple[str, str]]
) -> None:
    """Invisible edges that put each level of accounts below the one above it."""
    level = account_levels(flow)
    by_level: dict[int, list[str]] = {}
    for node in flow.nodes:
        if node.account in level:
            nid = grouped[node.id][0] if node.id in grouped else node.id
            if nid not in by_level.setdefault(level[node.account], []):
                by_level[level[node.account]].append(nid)
    targets = {grouped.get(e.target, (e.target,))[0] for e in flow.edges if e.kind != "mfa"}
    for n in sorted(by_level)[1:]:
        above = [i for k in by_level if k < n for i in by_level[k]]
        roots = [i for i in by_level[n] if i not in targets]
        for top in above:
            for root in roots:
                graph.edge(top, root, style="invis", weight="0")
