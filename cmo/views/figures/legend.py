"""The legend of a network figure: what each shape, colour, dash and width means.

Only what the figure shows is explained. The legend is a grid of entries (one column beside
the drawing, several below it); `Legend.size` says how much room it needs, so the figure
reserves that room and the legend never covers a node.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import SubElement

import networkx as nx

from cmo.views.figures.metrics import text_width, wrap
from cmo.views.figures.svg import LINE_HEIGHT, Drawing, clean
from cmo.views.network import STYLE

NOT_FIRED_OUTCOME = "outcome of a mechanism that did not fire"
WIDTH_SAMPLES = ((1, "width: 1 study"), (3, "3 studies"), (5, "5 or more studies"))


def stroke_width(studies: int, font_px: float) -> float:
    """A link's width: one step per study, up to five."""
    return font_px / 14 * (1.0 + 0.9 * (min(max(studies, 1), 5) - 1))


def edge_style(attrs: dict[str, Any]) -> tuple[str, Sequence[float] | None]:
    """Colour and dash pattern (None: solid) of a link, from `STYLE` as in the interactive view."""
    if attrs.get("relation") == "leads_to":
        return STYLE["leads_to"]["color"], STYLE["leads_to"]["dashes"]
    if attrs.get("relation") == "triggers":
        entry = STYLE["fired"] if attrs.get("fired") else STYLE["not_fired"]
        return entry["color"], entry.get("dashes")
    direction = STYLE["direction"].get(attrs.get("direction") or "unknown",
                                       STYLE["direction"]["unknown"])
    dashes = STYLE["not_fired"]["dashes"] if attrs.get("not_fired_only") else None
    return direction["color"], dashes


@dataclass
class Entry:
    """One line of the legend: a sample (a node shape or a line) and what it means."""

    sample: str                      # "node" or "line"
    color: str
    text: str
    kind: str = ""                   # node kind, for the shape
    dashes: Sequence[float] | None = None
    width: float = 1.0


def entries(graph: nx.MultiDiGraph, font_px: float) -> list[Entry]:
    """The entries for what `graph` shows, in reading order."""
    kinds = {k for _, k in graph.nodes(data="kind")}
    out = [Entry("node", STYLE["color"][k], k, kind=k)
           for k in ("context", "mechanism", "outcome") if k in kinds]
    shown = set().union(*(_legend_keys(a) for _, _, a in graph.edges(data=True)))
    links: list[tuple[str, str, dict[str, Any]]] = [
        ("fired", STYLE["fired"]["label"], {"relation": "triggers", "fired": True}),
        ("not_fired", STYLE["not_fired"]["label"], {"relation": "triggers", "fired": False}),
        *((d, entry["label"], {"relation": "generates", "direction": d})
          for d, entry in STYLE["direction"].items()),
        ("not_fired_only", NOT_FIRED_OUTCOME,
         {"relation": "generates", "direction": "none", "not_fired_only": True}),
        ("leads_to", STYLE["leads_to"]["label"], {"relation": "leads_to"}),
    ]
    for key, text, attrs in links:
        if key in shown:
            color, dashes = edge_style(attrs)
            out.append(Entry("line", "#57606a" if key == "not_fired_only" else color, text,
                             dashes=dashes, width=stroke_width(2, font_px)))
    if graph.number_of_edges():
        out += [Entry("line", "#57606a", text, width=stroke_width(n, font_px))
                for n, text in WIDTH_SAMPLES]
    return out


def _legend_keys(attrs: dict[str, Any]) -> set[str]:
    relation = attrs.get("relation")
    if relation == "leads_to":
        return {"leads_to"}
    if relation == "triggers":
        return {"fired" if attrs.get("fired") else "not_fired"}
    keys = {attrs.get("direction") or "unknown"}
    return keys | {"not_fired_only"} if attrs.get("not_fired_only") else keys


class Legend:
    """Entries laid out in `columns` columns, each `text_px` wide for its text."""

    def __init__(self, graph: nx.MultiDiGraph, font_px: float) -> None:
        self.font_px = font_px
        self.items = entries(graph, font_px)
        self.sample = 2.6 * font_px
        self.pad = 0.6 * font_px
        widest = max((text_width(e.text, font_px) for e in self.items), default=0.0)
        self.text_px = min(widest, 16 * font_px)
        self.lines = [wrap(e.text, self.text_px, font_px, max_lines=3) for e in self.items]
        self.columns = 1

    @property
    def cell_width(self) -> float:
        """One entry's width: sample, gap and text."""
        return self.sample + self.pad + self.text_px

    def fit(self, width: float) -> None:
        """As many columns as `width` holds (at least one)."""
        self.columns = max(1, min(len(self.items),
                                  int(width // (self.cell_width + 2 * self.pad))))

    def _row_heights(self) -> list[float]:
        rows = math.ceil(len(self.items) / self.columns) if self.items else 0
        line = self.font_px * LINE_HEIGHT
        return [max(len(self.lines[i]) for i in range(r * self.columns,
                                                     min(len(self.items), (r + 1) * self.columns)))
                * line + 0.4 * self.font_px for r in range(rows)]

    @property
    def size(self) -> tuple[float, float]:
        """Width and height with the frame."""
        width = self.columns * self.cell_width + (self.columns - 1) * 2 * self.pad
        return width + 2 * self.pad, sum(self._row_heights()) + 2 * self.pad

    def draw(self, d: Drawing, x: float, y: float) -> None:
        """Draw the legend with its top-left corner at (x, y)."""
        layer = d.group(id="legend")
        w, h = self.size
        d.rect(x, y, w, h, parent=layer, fill="#ffffff", stroke="#d0d7de", rx="4")
        top = y + self.pad
        line = self.font_px * LINE_HEIGHT
        for r, row_h in enumerate(self._row_heights()):
            for c in range(self.columns):
                i = r * self.columns + c
                if i >= len(self.items):
                    break
                left = x + self.pad + c * (self.cell_width + 2 * self.pad)
                middle = top + line / 2
                self._sample(d, layer, self.items[i], left, middle)
                d.text(self.lines[i], left + self.sample + self.pad,
                       middle + 0.35 * self.font_px, parent=layer)
            top += row_h

    def _sample(self, d: Drawing, layer: Any, e: Entry, left: float, middle: float) -> None:
        if e.sample == "node":
            node_shape(d, layer, e.kind, left + self.sample / 2, middle, 0.45 * self.font_px)
            return
        attrs = {"stroke": e.color, "stroke-width": f"{e.width:.1f}", "fill": "none"}
        if e.dashes:
            attrs["stroke-dasharray"] = dash_array(e.dashes, self.font_px)
        d.path(f"M{left:.1f},{middle:.1f} h{self.sample:.1f}", parent=layer, **attrs)


def dash_array(dashes: Sequence[float], font_px: float) -> str:
    """The interactive view's dash pattern, scaled with the text."""
    return " ".join(f"{v * font_px / 14:.1f}" for v in dashes)


def node_shape(d: Drawing, parent: Any, kind: str, x: float, y: float, r: float,
               title: str | None = None) -> None:
    """A concept's marker: the interactive view's shape and colour for its kind."""
    color = STYLE["color"].get(kind, "#6e7781")
    shape = STYLE["shape"].get(kind, "dot")
    attrs = {"fill": color, "stroke": "#ffffff", "stroke-width": "1"}
    if shape == "diamond":
        r *= 1.25
        element = d.polygon([(x, y - r), (x + r, y), (x, y + r), (x - r, y)], parent=parent,
                            **attrs)
    elif shape == "square":
        element = d.rect(x - r, y - r, 2 * r, 2 * r, parent=parent, **attrs)
    else:
        element = d.circle(x, y, r, parent=parent, **attrs)
    if title:
        SubElement(element, "title").text = clean(title)
