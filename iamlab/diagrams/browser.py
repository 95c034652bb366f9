"""Diagrams laid out by the browser, where graphviz-pure cannot run (the JupyterLite site).

graphviz-pure is a native executable, so Pyodide has no renderer. There the same DOT
source goes to an anywidget that draws it with @viz-js/viz (Graphviz compiled to
WebAssembly), which the site serves at :data:`VIZ_PATH`. On the desktop nothing
changes: diagrams stay graphviz-pure SVG, so stored notebook outputs are identical.

Two hooks use this module: ``Diagram._repr_mimebundle_`` returns :func:`mimebundle`
when :func:`needed`, and a widget panel draws into :func:`slot` with :func:`show`.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any, Protocol

# where the site serves @viz-js/viz, relative to the site's root
VIZ_PATH = "static/viz/viz.js"

_ESM = """
const VIZ_PATH = "__VIZ_PATH__";

function siteRoot() {
  // JupyterLite's pages carry the site's configuration; its baseUrl is the site's root
  const config = document.getElementById("jupyter-config-data");
  try {
    const base = JSON.parse(config.textContent).baseUrl;
    if (base) return new URL(base, window.location.href);
  } catch (error) {}
  return new URL("../", window.location.href);
}

function viz() {
  globalThis.__iamlabViz ??= import(new URL(VIZ_PATH, siteRoot()).href).then((m) =>
    m.instance(),
  );
  return globalThis.__iamlabViz;
}

async function draw(model, el) {
  const turn = (el.__iamlabTurn = (el.__iamlabTurn || 0) + 1);
  const dot = model.get("dot");
  if (!dot) {
    el.replaceChildren();
    return;
  }
  try {
    const svg = (await viz()).renderSVGElement(dot);
    if (turn !== el.__iamlabTurn) return; // a newer diagram arrived meanwhile
    svg.style.maxWidth = "100%";
    svg.style.height = "auto";
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", model.get("text"));
    el.replaceChildren(svg);
  } catch (error) {
    globalThis.__iamlabViz = undefined; // try loading again on the next change
    if (turn !== el.__iamlabTurn) return;
    const pre = document.createElement("pre");
    pre.textContent = `${model.get("text")}\\n(the diagram cannot be drawn here: ${error})`;
    el.replaceChildren(pre);
  }
}

export default {
  render({ model, el }) {
    el.classList.add("iamlab-diagram");
    const redraw = () => draw(model, el);
    model.on("change:dot", redraw);
    redraw();
    return () => model.off("change:dot", redraw);
  },
};
""".replace("__VIZ_PATH__", VIZ_PATH)


class _Drawable(Protocol):
    @property
    def source(self) -> str: ...

    def svg(self) -> str: ...


def needed() -> bool:
    """True where Python cannot lay diagrams out (Pyodide, or graphviz-pure missing)."""
    if sys.platform == "emscripten":
        return True
    from .render import RendererMissing, renderer

    try:
        renderer()
    except RendererMissing:
        return True
    return False


@lru_cache(maxsize=1)
def widget_class() -> type:
    """The anywidget class (created on first use: anywidget is needed only here)."""
    try:
        import anywidget
        import traitlets
    except ImportError as exc:
        raise RuntimeError(
            "drawing diagrams in the browser needs anywidget; run `pip install anywidget`"
        ) from exc

    class DotView(anywidget.AnyWidget):
        """A Graphviz DOT graph drawn by the browser (@viz-js/viz)."""

        _esm = _ESM
        dot = traitlets.Unicode("").tag(sync=True)
        text = traitlets.Unicode("").tag(sync=True)

        def __repr__(self) -> str:
            return self.text or "DotView()"

    return DotView


def _text(diagram: Any) -> str:
    text = getattr(diagram, "text", None)
    return text() if callable(text) else f"<Diagram: {getattr(diagram, 'title', '')}>"


def widget(diagram: _Drawable | None = None) -> Any:
    """A widget that draws ``diagram`` (its DOT source) in the browser."""
    view = widget_class()()
    if diagram is not None:
        view.dot, view.text = diagram.source, _text(diagram)
    return view


def mimebundle(diagram: _Drawable) -> dict[str, Any]:
    """What Jupyter shows for ``diagram`` when :func:`needed`: the widget, and its text."""
    view = widget(diagram)
    return {
        "application/vnd.jupyter.widget-view+json": {
            "version_major": 2,
            "version_minor": 0,
            "model_id": view.model_id,
        },
        "text/plain": _text(diagram),
    }


def slot() -> Any:
    """An empty place for a panel's diagram: an HTML widget, or the browser's widget."""
    if needed():
        return widget()
    import ipywidgets

    return ipywidgets.HTML()


def show(place: Any, diagram: _Drawable | None) -> None:
    """Draw ``diagram`` (or nothing) in a :func:`slot`."""
    if hasattr(place, "dot"):
        place.text = _text(diagram) if diagram is not None else ""
        place.dot = diagram.source if diagram is not None else ""
    else:
        place.value = diagram.svg() if diagram is not None else ""
