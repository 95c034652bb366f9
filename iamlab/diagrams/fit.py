"""Does a diagram fit a 900 px column, readably? Measured from the SVG graphviz-pure wrote.

* **Scale.** An SVG that scales down to its container (``max-width: 100%``) is drawn at
  ``min(1, column / natural width)``; its natural width is the ``width`` attribute in
  points (1 pt = 4/3 px), and the viewBox maps user units to it.
* **Smallest text.** Each ``<text>``'s ``font-size`` (user units) times px per unit times
  the scale: what the learner's screen shows.
* **Overlaps (approximate).** Text boxes are estimated from the text's position, anchor,
  font size and characters (Helvetica/Arial advance widths, which Arimo shares; bold 8 %
  wider; height from ascent 0.78 em to descent 0.22 em). A *label* is an edge's text, an
  account's name or the caption; a label must not overlap another label or any node's
  shape (its bounding box), and no other edge's line (sampled along its Bezier curves)
  may pass through it. A label may touch its own edge. Boxes shrink by ``TOLERANCE``
  user units first, so touching is not overlapping.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

SVG = "{http://www.w3.org/2000/svg}"
TOLERANCE = 1.0  # user units (points) a box is shrunk by before testing
MIN_TEXT_PX = 10.0

# Helvetica advance widths in 1/1000 em (Arimo and Arial are metric-compatible)
_WIDTHS = dict(
    zip(
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
        "abcdefghijklmnopqrstuvwxyz{|}~",
        [
            278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
            556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
            1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
            667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
            333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
            556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
        ],
        strict=True,
    )
)  # fmt: skip
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in the SVG's user units."""

    left: float
    top: float
    right: float
    bottom: float

    def shrunk(self, by: float) -> Box:
        return Box(self.left + by, self.top + by, self.right - by, self.bottom - by)

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )

    def contains(self, x: float, y: float) -> bool:
        return self.left < x < self.right and self.top < y < self.bottom


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated advance width of ``text`` at font size ``size`` (same units)."""
    em = sum(_WIDTHS.get(c, 556) for c in text) / 1000
    return em * size * (1.08 if bold else 1.0)


def text_box(element: ET.Element) -> Box | None:
    """The estimated box of one ``<text>`` element."""
    content = "".join(element.itertext())
    if not content.strip():
        return None
    x, y = float(element.get("x", 0)), float(element.get("y", 0))
    size = float(element.get("font-size", 14))
    bold = element.get("font-weight") == "bold" or any(
        child.get("font-weight") == "bold" for child in element
    )
    width = text_width(content, size, bold)
    anchor = element.get("text-anchor", "start")
    left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
    return Box(left, y - 0.78 * size, left + width, y + 0.22 * size)


def _points(element: ET.Element) -> list[tuple[float, float]]:
    tag = element.tag.removeprefix(SVG)
    if tag == "ellipse":
        cx, cy = float(element.get("cx", 0)), float(element.get("cy", 0))
        rx, ry = float(element.get("rx", 0)), float(element.get("ry", 0))
        return [(cx - rx, cy - ry), (cx + rx, cy + ry)]
    raw = element.get("points") if tag in ("polygon", "polyline") else element.get("d")
    if not raw:
        return []
    numbers = [float(n) for n in _NUMBER.findall(raw)]
    return list(zip(numbers[0::2], numbers[1::2], strict=False))


def _bounds(points: list[tuple[float, float]]) -> Box | None:
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Box(min(xs), min(ys), max(xs), max(ys))


def _curve(d: str) -> list[tuple[float, float]]:
    """Points along a graphviz edge path (``M p C p p p p p p ...``), 12 per Bezier piece."""
    pts = [tuple(p) for p in _points(ET.Element("path", d=d))]
    out: list[tuple[float, float]] = []
    for i in range(0, len(pts) - 3, 3):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = pts[i : i + 4]
        for k in range(13):
            t = k / 12
            u = 1 - t
            out.append(
                (
                    u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3,
                    u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3,
                )
            )
    return out


@dataclass
class Label:
    """The text of one edge, account or caption, as one box."""

    owner: str
    box: Box
    text: str


@dataclass
class Fit:
    """How a diagram sits in a column of ``column_px`` pixels."""

    width_px: float
    height_px: float
    scale: float
    smallest_text_px: float
    smallest_text: str
    overlaps: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.smallest_text_px >= MIN_TEXT_PX and not self.overlaps


def _title(group: ET.Element) -> str:
    title = group.find(f"{SVG}title")
    return title.text or "" if title is not None else ""


def measure(svg: str, column_px: float = 900) -> Fit:
    """Measure ``svg`` (graphviz-pure's output) for a column ``column_px`` pixels wide."""
    root = ET.fromstring(svg.encode("utf-8"))
    width_pt = float(root.get("width", "0").removesuffix("pt"))
    height_pt = float(root.get("height", "0").removesuffix("pt"))
    view = [float(v) for v in root.get("viewBox", f"0 0 {width_pt} {height_pt}").split()]
    width_px, height_px = width_pt * 4 / 3, height_pt * 4 / 3
    px_per_unit = width_px / view[2] if view[2] else 4 / 3
    scale = min(1.0, column_px / width_px) if width_px else 1.0

    smallest, smallest_text = float("inf"), ""
    for text in root.iter(f"{SVG}text"):
        content = "".join(text.itertext()).strip()
        if not content:
            continue
        px = float(text.get("font-size", 14)) * px_per_unit * scale
        if px < smallest:
            smallest, smallest_text = px, content

    labels: list[Label] = []
    nodes: dict[str, Box] = {}
    curves: dict[str, list[tuple[float, float]]] = {}
    graph = root.find(f"{SVG}g")
    for group in graph.iter(f"{SVG}g") if graph is not None else []:
        kind = group.get("class", "")
        name = _title(group)
        if "edge" in kind.split() and group.get("id", "").startswith("call_"):
            # two calls between the same nodes share a title: the id tells them apart
            name = f"{name} ({group.get('id')})"
        texts = [b for b in (text_box(t) for t in group.findall(f".//{SVG}text")) if b]
        if "node" in kind.split():
            shapes = [
                p
                for el in group.iter()
                if el.tag.removeprefix(SVG) in ("polygon", "ellipse", "path", "polyline")
                and el.get("stroke") != "transparent"
                for p in _points(el)
            ]
            box = _bounds(shapes) or _bounds(
                [(b.left, b.top) for b in texts] + [(b.right, b.bottom) for b in texts]
            )
            if box is not None:
                nodes[name] = box
        elif "edge" in kind.split():
            path = group.find(f"{SVG}path")
            if path is not None and path.get("stroke") != "transparent":
                curves[name] = _curve(path.get("d", ""))
            labels += [Label(f"edge {name}", box, name) for box in texts]
        elif "cluster" in kind.split():
            labels += [Label(f"account {name}", box, name) for box in texts]
    if graph is not None:
        for text in graph.findall(f"{SVG}text"):  # the caption: title and legend
            caption = text_box(text)
            if caption is not None:
                labels.append(Label("caption", caption, "".join(text.itertext())))

    overlaps = []
    boxes = [(label, label.box.shrunk(TOLERANCE)) for label in labels]
    for i, (a, box_a) in enumerate(boxes):
        for other, box_b in boxes[i + 1 :]:
            if a.owner != other.owner and box_a.overlaps(box_b):
                overlaps.append(
                    f"{a.owner} label {a.text!r} overlaps {other.owner} label {other.text!r}"
                )
        for name, node_box in nodes.items():
            if box_a.overlaps(node_box):
                overlaps.append(f"{a.owner} label {a.text!r} overlaps node {name}")
        for name, points in curves.items():
            if a.owner == f"edge {name}":
                continue
            if any(box_a.contains(x, y) for x, y in points):
                overlaps.append(f"edge {name} crosses {a.owner} label {a.text!r}")
    return Fit(width_px, height_px, scale, smallest, smallest_text, sorted(set(overlaps)))
