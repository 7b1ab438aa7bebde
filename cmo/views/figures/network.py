"""The network and chains figures: the mechanism network as a static SVG, for a report.

The nodes keep the interactive view's layout (`cmo.views.layout.layered_positions`: contexts,
mechanisms and outcomes in three columns, in the same order), scaled to the asked width:

- labels are real text, wrapped to at most four lines: a context's to the left of its node, an
  outcome's to the right, a mechanism's above it on a white ground;
- the columns stand as far apart as the widest labels allow (no label leaves the drawing), and
  the rows as far apart as the tallest labels need, so no two labels overlap;
- links keep the interactive view's colours (firing, outcome direction), dashes (not fired,
  outcome of a mechanism that did not fire, CMO chains) and grow with their studies;
- the legend stands beside the drawing or, when that would take over a quarter of the width,
  below it, in room reserved for it.

A height, when asked, spreads the rows to fill it; a drawing that needs more room than that is
scaled down whole (text too) and centred.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import networkx as nx

from cmo.views.figures.legend import Legend, dash_array, edge_style, node_shape, stroke_width
from cmo.views.figures.metrics import balanced, text_width, wrap
from cmo.views.figures.svg import LINE_HEIGHT, Drawing, clean
from cmo.views.layout import layout
from cmo.words import counted

HEADERS = {"context": "Contexts", "mechanism": "Mechanisms", "outcome": "Outcomes"}
SIDE_SHARE = 0.3        # of the drawing's width, for a context's or an outcome's label
BASELINE = 0.95         # first baseline below a label's top, in font sizes
HEADING = "heading:"     # spot keys of group headings (concept IRIs never start so)
EMPTY = "Nothing to draw: no CMOc passes these filters."


@dataclass
class Spot:
    """A node: its layout position, marker radius, label lines and the label's box around it."""

    kind: str
    x: float
    y: float
    r: float
    lines: list[str]
    label: str = ""
    width: float = 0.0
    height: float = 0.0
    heading: bool = False  # a broader context no drawn CMOc names, above its narrower ones

    def box(self, gap: float) -> tuple[float, float, float, float]:
        """The label's box relative to the node: left, top, right, bottom."""
        if self.kind == "context":
            return -self.r - gap - self.width, -self.height / 2, -self.r - gap, self.height / 2
        if self.kind == "mechanism":
            bottom = -1.25 * self.r - gap / 2
            return -self.width / 2, bottom - self.height, self.width / 2, bottom
        return self.r + gap, -self.height / 2, self.r + gap + self.width, self.height / 2

    def extent(self, gap: float) -> tuple[float, float, float, float]:
        """The box holding both the label and the marker, relative to the node."""
        left, top, right, bottom = self.box(gap)
        r = 1.25 * self.r
        return min(left, -r), min(top, -r), max(right, r), max(bottom, r)


def network_svg(graph: nx.MultiDiGraph, *, title: str, width: int, height: int | None = None,
                font_px: float = 14) -> str:
    """The graph drawn `width` px wide (and `height` px high, when given) as an SVG document."""
    f = font_px
    margin = f
    legend = Legend(graph, f)
    beside = legend.size[0] <= 0.25 * width
    if not beside:
        legend.fit(width - 2 * margin)
    legend_w, legend_h = legend.size
    title_size = 1.3 * f
    title_lines = wrap(clean(title), width - 2 * margin, title_size, bold=True, max_lines=3)
    top = margin + len(title_lines) * title_size * LINE_HEIGHT + 0.6 * f
    draw_w = width - 2 * margin - (legend_w + 1.5 * f if beside else 0)
    spots = _spots(graph, f, draw_w)
    header_h = f * LINE_HEIGHT + 0.6 * f if spots else 0.0
    room = None
    if height is not None:
        room = height - top - header_h - margin - (0 if beside else legend_h + f)
    x_of, y_of, content_h = _place(spots, f, draw_w, room)
    d = Drawing(font_px=f)
    d.text(title_lines, margin, margin + BASELINE * title_size, size=title_size, bold=True)
    if not spots:
        d.text([EMPTY], margin, top + BASELINE * f, fill="#57606a")
        return _finish(d, graph, title, width, height, math.ceil(top + f * LINE_HEIGHT + margin))
    origin_x, origin_y = margin, top + header_h
    _draw_headers(d, spots, x_of, origin_x, top + BASELINE * f, f)
    _draw_edges(d, graph, spots, x_of, y_of, origin_x, origin_y, f)
    _draw_nodes(d, graph, spots, x_of, y_of, origin_x, origin_y, f)
    bottom = origin_y + content_h
    if beside:
        legend.draw(d, width - margin - legend_w, top)
        natural = max(bottom, top + legend_h) + margin
    else:
        legend.draw(d, margin, bottom + f)
        natural = bottom + f + legend_h + margin
    return _finish(d, graph, title, width, height, math.ceil(natural))


def _finish(d: Drawing, graph: nx.MultiDiGraph, title: str, width: int, height: int | None,
            natural: int) -> str:
    """The document at the asked size: the drawing scaled down whole when it needs more."""
    shown = counted(graph.number_of_nodes(), "concept") + ", " + counted(
        graph.number_of_edges(), "link")
    if height is None or natural > height:
        return d.finish(width, height or natural, view=(width, natural), title=title,
                        description=shown)
    return d.finish(width, height, title=title, description=shown)


def _spots(graph: nx.MultiDiGraph, f: float, draw_w: float) -> dict[str, Spot]:
    drawn = layout(graph)
    spots = {}
    for n, attrs in graph.nodes(data=True):
        x, y = drawn.positions[n]
        studies = int(attrs.get("studies") or 1)
        kind = attrs.get("kind", "outcome")
        spots[n] = Spot(kind if kind in HEADERS else "outcome", float(x), float(y),
                        r=f * (0.4 + 0.08 * min(studies, 5)), lines=[],
                        label=str(attrs.get("label", n)))
    for h in drawn.headings:  # the hierarchy, as the interactive view shows it
        spots[HEADING + h.iri] = Spot("context", float(h.x), float(h.y), r=0.0, lines=[],
                                      label=h.label, heading=True)
    side = max(6 * f, SIDE_SHARE * draw_w)
    _label(spots, f, {"context": side, "outcome": side, "mechanism": 1.5 * side})
    return spots


def _label(spots: dict[str, Spot], f: float, widths: dict[str, float]) -> None:
    for spot in spots.values():
        spot.label = clean(spot.label)
        spot.lines = balanced(spot.label, widths[spot.kind], f)
        spot.width = max(text_width(line, f) for line in spot.lines)
        spot.height = len(spot.lines) * f * LINE_HEIGHT


def _place(spots: dict[str, Spot], f: float, draw_w: float,
           room: float | None) -> tuple[dict[str, float], dict[str, float], float]:
    """Figure x and y of each node (from the drawing's top-left) and the drawing's height."""
    gap = 0.4 * f
    a, b = _solve_x(spots, gap, draw_w)
    # One x per kind: contexts are indented by their hierarchy, which is not another column.
    columns = sorted({min(s.x for s in spots.values() if s.kind == kind)
                      for kind in {s.kind for s in spots.values()}})
    if len(columns) > 1:
        # A mechanism's label, centred on its node, must stay clear of the next columns.
        step = b * min(q - p for p, q in pairwise(columns))
        biggest = max(s.r for s in spots.values()) * 1.25
        limit = 2 * (step - biggest - 2 * gap)
        if any(s.kind == "mechanism" and s.width > limit for s in spots.values()):
            for spot in spots.values():
                if spot.kind == "mechanism":
                    spot.lines = balanced(spot.label, max(limit, 4 * f), f)
                    spot.width = max(text_width(line, f) for line in spot.lines)
                    spot.height = len(spot.lines) * f * LINE_HEIGHT
            a, b = _solve_x(spots, gap, draw_w)
    scale = _row_scale(spots, gap, f)
    ys = [s.y for s in spots.values()]
    span = (max(ys) - min(ys)) if ys else 0.0
    top, bottom = _vertical(spots, scale, gap)
    if room is not None and span > 0 and bottom - top < room:
        scale += (room - (bottom - top)) / span
        top, bottom = _vertical(spots, scale, gap)
    x_of = {n: a + b * (s.x - columns[0]) for n, s in spots.items()} if spots else {}
    y_of = {n: scale * (s.y - min(ys)) - top for n, s in spots.items()}
    return x_of, y_of, bottom - top


def _vertical(spots: dict[str, Spot], scale: float, gap: float) -> tuple[float, float]:
    """The top and bottom of everything drawn, the topmost node at 0."""
    if not spots:
        return 0.0, 0.0
    first = min(s.y for s in spots.values())
    return (min(scale * (s.y - first) + s.extent(gap)[1] for s in spots.values()),
            max(scale * (s.y - first) + s.extent(gap)[3] for s in spots.values()))


def _solve_x(spots: dict[str, Spot], gap: float, draw_w: float) -> tuple[float, float]:
    """Offset a and scale b of x' = a + b·(x - leftmost x): the widest spread that keeps every
    label and marker inside [0, draw_w] (found by bisection; all columns at one x are centred)."""
    if not spots:
        return 0.0, 0.0
    left = min(s.x for s in spots.values())
    boxes = [(s.x - left, *s.extent(gap)[0::2]) for s in spots.values()]

    def offsets(b: float) -> tuple[float, float]:
        low = max(-x0 - b * u for u, x0, _ in boxes)
        high = min(draw_w - x1 - b * u for u, _, x1 in boxes)
        return low, high

    span = max(u for u, _, _ in boxes)
    if span == 0:
        low, high = offsets(0.0)
        return (low + high) / 2 if low <= high else low, 0.0
    lo, hi = 0.0, draw_w / span
    for _ in range(40):
        mid = (lo + hi) / 2
        low, high = offsets(mid)
        lo, hi = (mid, hi) if low <= high else (lo, mid)
    return offsets(lo)[0], lo


def _row_scale(spots: dict[str, Spot], gap: float, f: float) -> float:
    """The least vertical scale at which no two labels of one column overlap."""
    scale = 0.0
    by_kind: dict[str, list[Spot]] = defaultdict(list)
    for s in spots.values():
        by_kind[s.kind].append(s)
    for column in by_kind.values():
        column.sort(key=lambda s: s.y)
        for upper, lower in pairwise(column):
            need = upper.extent(gap)[3] - lower.extent(gap)[1] + 0.3 * f
            if lower.y > upper.y:
                scale = max(scale, need / (lower.y - upper.y))
    return scale or 1.0


def _draw_headers(d: Drawing, spots: dict[str, Spot], x_of: dict[str, float], origin_x: float,
                  baseline: float, f: float) -> None:
    layer = d.group(id="columns")
    for kind, text in HEADERS.items():
        xs = [x_of[n] for n, s in spots.items() if s.kind == kind]
        if not xs:
            continue
        if kind == "context":
            d.text([text], origin_x + max(xs), baseline, anchor="end", bold=True, parent=layer,
                   fill="#57606a")
        elif kind == "mechanism":
            d.text([text], origin_x + sum(xs) / len(xs), baseline, anchor="middle", bold=True,
                   parent=layer, fill="#57606a")
        else:
            d.text([text], origin_x + min(xs), baseline, bold=True, parent=layer,
                   fill="#57606a")


def _draw_edges(d: Drawing, graph: nx.MultiDiGraph, spots: dict[str, Spot],
                x_of: dict[str, float], y_of: dict[str, float], ox: float, oy: float,
                f: float) -> None:
    layer = d.group(id="links", fill="none")
    pairs: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        pairs[(u, v)].append((key, attrs))
    order = sorted(pairs.items(), key=lambda p: -max(a.get("studies", 1) for _, a in p[1]))
    for (u, v), links in order:
        for i, (_, attrs) in enumerate(sorted(links, key=lambda k: k[0])):
            bend = (i - (len(links) - 1) / 2) * 0.9 * f
            color, dashes = edge_style(attrs)
            sw = stroke_width(int(attrs.get("studies") or 1), f)
            start = (ox + x_of[u], oy + y_of[u])
            end = (ox + x_of[v], oy + y_of[v])
            path = _curve(start, spots[u].r * 1.25, end, spots[v].r * 1.25, bend)
            extra = {"stroke-dasharray": dash_array(dashes, f)} if dashes else {}
            d.path(path, parent=layer, stroke=color, **{"stroke-width": f"{sw:.1f}"},
                   **{"marker-end": d.arrow(color, 0.6 * f)}, **extra)


def _curve(start: tuple[float, float], r0: float, end: tuple[float, float], r1: float,
           bend: float) -> str:
    """A cubic from the edge of one marker to the edge of another (`bend`: apart from the
    other links of the same pair)."""
    (sx, sy), (ex, ey) = start, end
    if ex == sx:  # same column: bow out to the right
        reach = 3 * (r0 + r1) + abs(ey - sy) * 0.2
        sx, ex = sx + r0, ex + r1
        c1, c2 = (sx + reach, sy + bend), (ex + reach, ey + bend)
    else:
        side = 1.0 if ex > sx else -1.0
        sx, ex = sx + side * r0, ex - side * r1
        reach = abs(ex - sx) * 0.5
        sag = 0.0 if side > 0 else abs(ex - sx) * 0.08  # chains bow below the forward links
        c1 = (sx + side * reach, sy + bend + sag)
        c2 = (ex - side * reach, ey + bend + sag)
    return (f"M{sx:.1f},{sy:.1f} C{c1[0]:.1f},{c1[1]:.1f} {c2[0]:.1f},{c2[1]:.1f} "
            f"{ex:.1f},{ey:.1f}")


def _draw_nodes(d: Drawing, graph: nx.MultiDiGraph, spots: dict[str, Spot],
                x_of: dict[str, float], y_of: dict[str, float], ox: float, oy: float,
                f: float) -> None:
    markers = d.group(id="concepts")
    labels = d.group(id="labels")
    groups = d.group(id="groups")
    gap = 0.4 * f
    for n, spot in spots.items():
        if spot.heading:
            left, top, right, _ = spot.box(gap)
            d.text(spot.lines, ox + x_of[n] + right, oy + y_of[n] + top + BASELINE * f,
                   anchor="end", bold=True, fill="#57606a", parent=groups)
            continue
        attrs = graph.nodes[n]
        x, y = ox + x_of[n], oy + y_of[n]
        label = str(attrs.get("label", n))
        about = (f"{spot.kind}: {label} \u2014 {counted(int(attrs.get('studies') or 0), 'study')}"
                 f", {counted(int(attrs.get('cmocs') or 0), 'CMOc')}")
        node_shape(d, markers, spot.kind, x, y, spot.r, title=about)
        left, top, right, _ = spot.box(gap)
        if spot.kind == "mechanism":
            d.rect(x + left - 0.2 * f, y + top, right - left + 0.4 * f, spot.height,
                   parent=labels, fill="#ffffff", **{"fill-opacity": "0.85"}, rx="3")
        anchor = {"context": "end", "mechanism": "middle"}.get(spot.kind, "start")
        at = {"context": x + right, "mechanism": x}.get(spot.kind, x + left)
        d.text(spot.lines, at, y + top + BASELINE * f, anchor=anchor, parent=labels,
               title=label if "\u2026" in spot.lines[-1] else None)
