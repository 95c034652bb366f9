"""Fixtures that make this Python look like the browser site's: no pandas, no graphviz-pure."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator

import pytest


class _Refuse:
    """A meta-path finder that makes ``import <name>`` (and its submodules) fail."""

    def __init__(self, name: str) -> None:
        self.name = name

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == self.name or name.startswith(self.name + "."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


@pytest.fixture
def no_pandas() -> Iterator[None]:
    """pandas cannot be imported (as in Pyodide without Pyodide's CDN)."""
    hidden = {k: v for k, v in sys.modules.items() if k == "pandas" or k.startswith("pandas.")}
    for key in hidden:
        del sys.modules[key]
    blocker = _Refuse("pandas")
    sys.meta_path.insert(0, blocker)
    try:
        yield
    finally:
        sys.meta_path.remove(blocker)
        sys.modules.update(hidden)


@pytest.fixture
def no_renderer(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """graphviz-pure is missing (as in Pyodide): diagrams go to the browser's widget."""
    from iamlab.diagrams import render

    def missing() -> str:
        raise render.RendererMissing("graphviz-pure is not installed")

    monkeypatch.setattr(render, "renderer", missing)
    yield


@pytest.fixture
def fake_anywidget(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A stand-in for anywidget where it is not installed (its Python half only)."""
    import ipywidgets
    import traitlets

    from iamlab.diagrams import browser

    try:
        import anywidget  # noqa: F401
    except ImportError:
        module = types.ModuleType("anywidget")

        class AnyWidget(ipywidgets.DOMWidget):
            _esm = traitlets.Unicode("").tag(sync=True)

        module.AnyWidget = AnyWidget  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "anywidget", module)
    browser.widget_class.cache_clear()
    yield
    browser.widget_class.cache_clear()
