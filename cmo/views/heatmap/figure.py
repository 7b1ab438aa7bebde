"""The heatmap as a static SVG figure, drawn in Python for Word and PDF reports (no browser).

Every label is a real ``<text>`` (column labels turned to read upwards, long labels wrapped);
each cell is shaded by its number of studies and holds that number, with a bar beneath it split
between the CMOcs whose mechanism fired (dark) and did not (red). The title sits above and the
legend below the drawing, never over it. The figure is exactly the width asked; its height
follows from the rows. Text goes through ElementTree, which escapes it for XML.

>>> import cmo
>>> from cmo.views.graph import ViewOptions
>>> kg = cmo.open("memory:")
>>> _ = kg.reviews.create(id="r", title="R & <b>").cmocs.create(id="c1", studies=["S 2020"],
...     contexts=["rural"], mechanism="trust", outcomes=["uptake"])
>>> svg = heatmap_svg(kg.store, ViewOptions(("r",)), width=900)
>>> svg.startswith("<svg") and 'width="900"' in svg and "R &amp; &lt;b&gt;" in svg
True
"""

from __future__ import annotations

import math
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from cmo.errors import InvalidInput, Problem
from cmo.store import Store
from cmo.views.graph import ViewOptions
from cmo.views.heatmap.data import (
    FIRED_COLOUR,
    NOT_FIRED_COLOUR,
    HeatmapCell,
    HeatmapData,
    Shade,
    heatmap_data,
    shade_of,
)
from cmo.words import counted

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "Helvetica, Arial, 'Liberation Sans', sans-serif"
# An average glyph of a sans-serif face is about half an em wide; a little more keeps labels
# inside the space measured for them.
CHAR_EM = 0.56
GRID, INK, MUTED = "#d0d7de", "#1f2328", "#59636e"


def _width(text: str, font_px: float) -> float:
    return len(text) * CHAR_EM * font_px


def _n(x: float) -> str:
    return f"{x:.1f}".removesuffix(".0")


def _wrap(label: str, lines: int, font_px: float, room: float) -> list[str]:
    """`label` in at most `lines` lines, each about as long (the last takes any overflow)."""
    if lines <= 1 or _width(label, font_px) <= room:
        return [label]
    target = max(12, math.ceil(len(label) / lines), math.floor(room / (CHAR_EM * font_px)))
    out = textwrap.wrap(label, target, break_long_words=False, break_on_hyphens=False)
    if len(out) > lines:
        out = [*out[:lines - 1], " ".join(out[lines - 1:])]
    return out or [label]


@dataclass(frozen=True)
class _Frame:
    """Sizes worked out once for the whole figure."""

    margin: float
    font: float
    label_w: float
    cell_w: float
    column_font: float
    column_lines: list[list[str]]
    header_h: float
    row_lines: list[list[str]]
    row_h: list[float]


def _frame(data: HeatmapData, width: int, font_px: float) -> _Frame:
    margin, indent = font_px, font_px
    rows_w = [_width(r.label, font_px) + r.depth * indent for r in data.rows]
    label_w = min(max(rows_w, default=0) + font_px, 0.4 * width)
    room = width - 2 * margin - label_w
    cell_w = min(room / max(1, len(data.columns)), 3.6 * font_px)
    column_font = min(font_px, cell_w * 0.8)
    fit = max(1, min(3, math.floor((cell_w - 4) / (1.2 * column_font))))
    column_lines = [_wrap(c.label, fit, column_font, 12 * column_font) for c in data.columns]
    longest = max((_width(line, column_font) for ls in column_lines for line in ls), default=0)
    header_h = min(longest, 0.45 * width) + 0.6 * font_px
    row_lines = [_wrap(r.label, 3, font_px, label_w - r.depth * indent - font_px)
                 for r in data.rows]
    base = max(1.9 * font_px, min(cell_w, 2.6 * font_px))
    row_h = [max(base, len(ls) * 1.2 * font_px + 0.7 * font_px) for ls in row_lines]
    return _Frame(margin, font_px, label_w, cell_w, column_font, column_lines, header_h,
                  row_lines, row_h)


def _text(parent: ET.Element, x: float, y: float, text: str, size: float, **attrs: str) -> None:
    element = ET.SubElement(parent, "text", {"x": _n(x), "y": _n(y), "font-size": _n(size),
                                             **attrs})
    element.text = text


def _lines(parent: ET.Element, lines: list[str], size: float, attrs: dict[str, str]) -> None:
    """A ``<text>`` of several lines (tspans); a line's trailing space keeps the words apart
    when the text is read back."""
    element = ET.SubElement(parent, "text", {"font-size": _n(size), **attrs})
    for i, line in enumerate(lines):
        span = ET.SubElement(element, "tspan", {"x": attrs.get("x", "0"),
                                                "dy": "0" if i == 0 else _n(1.2 * size)})
        span.text = line + (" " if i < len(lines) - 1 else "")


#: The sizes a figure may be asked for: pixels of width, and of the labels' font.
WIDTHS, FONT_SIZES = (200, 20_000), (4.0, 72.0)


def heatmap_svg(store: Store, options: ViewOptions, *, width: int = 1600,
                font_px: float = 14) -> str:
    """The heatmap `options` asks for as an SVG document `width` pixels wide (figure above);
    InvalidInput for a width or font size outside `WIDTHS` or `FONT_SIZES`."""
    _check_size(width, font_px)
    data = heatmap_data(store, options)
    return heatmap_svg_of(data, width=width, font_px=font_px)


def _check_size(width: int, font_px: float) -> None:
    for name, value, (low, high) in (("width", width, WIDTHS), ("font_px", font_px, FONT_SIZES)):
        if not low <= value <= high:
            raise InvalidInput(f"A heatmap figure's {name} must be from {low:g} to {high:g}, "
                               f"not {value!r}.", [Problem(field=name, reason=f"use {low:g} to "
                                                                              f"{high:g}")])


def heatmap_svg_of(data: HeatmapData, *, width: int = 1600, font_px: float = 14) -> str:
    """`heatmap_svg` for data already computed."""
    _check_size(width, font_px)
    f = _frame(data, width, font_px)
    root = ET.Element("svg", {"xmlns": SVG_NS, "width": str(width), "viewBox": "",
                              "font-family": FONT, "role": "img"})
    ET.SubElement(root, "title").text = data.title
    ET.SubElement(root, "rect", {"width": "100%", "height": "100%", "fill": "#ffffff"})
    y = f.margin + 1.3 * font_px
    title = _wrap(data.title, 3, 1.3 * font_px, width - 2 * f.margin)
    _lines(root, title, 1.3 * font_px, {"x": _n(f.margin), "y": _n(y), "font-weight": "600",
                                          "fill": INK})
    y += (len(title) - 1) * 1.56 * font_px + 1.4 * font_px
    _text(root, f.margin, y, data.summary() + (
        f" (at least {counted(data.options.min_studies, 'study')} each)"
        if data.options.min_studies > 1 else ""), 0.9 * font_px, fill=MUTED)
    top = y + 0.8 * font_px
    if not data.cells:
        _text(root, f.margin, top + 1.5 * font_px,
              "No context and mechanism are found together with these filters.", font_px,
              fill=INK)
        return _finish(root, width, top + 3 * font_px)
    grid_x, grid_y = f.margin + f.label_w, top + f.header_h
    _columns(root, data, f, grid_x, grid_y)
    bottom = _rows(root, data, f, grid_x, grid_y)
    bottom = _legend(root, data, f, bottom + 1.2 * font_px)
    return _finish(root, width, bottom + f.margin)


def _finish(root: ET.Element, width: int, height: float) -> str:
    h = math.ceil(height)
    root.set("height", str(h))
    root.set("viewBox", f"0 0 {width} {h}")
    return ET.tostring(root, encoding="unicode") + "\n"


def _columns(root: ET.Element, data: HeatmapData, f: _Frame, grid_x: float,
             grid_y: float) -> None:
    group = ET.SubElement(root, "g", {"class": "columns", "fill": INK})
    lh = 1.2 * f.column_font
    for i, lines in enumerate(f.column_lines):
        cx = grid_x + (i + 0.5) * f.cell_w
        x0 = cx - ((len(lines) - 1) * lh - 0.55 * f.column_font) / 2
        by = grid_y - 0.4 * f.font
        _lines(group, lines, f.column_font,
               {"x": "0", "y": "0", "transform": f"translate({_n(x0)},{_n(by)}) rotate(-90)"})


def _rows(root: ET.Element, data: HeatmapData, f: _Frame, grid_x: float, grid_y: float) -> float:
    """Row labels, then the cells: one path per shade and per side of the firing bar (a few
    elements for thousands of cells, so the figure stays quick to write and to open), and each
    cell's number as text."""
    by_row: dict[int, list[HeatmapCell]] = {}
    for cell in data.cells:
        by_row.setdefault(cell.row, []).append(cell)
    bands = data.shades()
    labels = ET.SubElement(root, "g", {"class": "rows", "fill": INK})
    grid = ET.SubElement(root, "g", {"class": "cells"})
    fills: dict[str, list[str]] = {b.fill: [] for b in bands}
    bars: dict[str, list[str]] = {FIRED_COLOUR: [], NOT_FIRED_COLOUR: []}
    numbers: list[tuple[float, float, float, HeatmapCell, Shade]] = []
    right = grid_x + len(data.columns) * f.cell_w
    rules = []
    y, w = grid_y, f.cell_w
    for i, row in enumerate(data.rows):
        h = f.row_h[i]
        rules.append(f"M{_n(f.margin)} {_n(y)}H{_n(right)}")
        lines = f.row_lines[i]
        first = y + (h - len(lines) * 1.2 * f.font) / 2 + 0.9 * f.font
        attrs = {"x": _n(f.margin + row.depth * f.font), "y": _n(first)}
        if not row.has_cells:
            attrs["font-weight"] = "600"
        _lines(labels, lines, f.font, attrs)
        size = min(0.9 * data_font(h, w), 0.55 * h)
        for cell in by_row.get(i, ()):
            x = grid_x + cell.column * w
            band = shade_of(cell.studies, bands)
            fills[band.fill].append(f"M{_n(x + 1)} {_n(y + 1)}h{_n(w - 2)}v{_n(h - 2)}"
                                    f"h{_n(2 - w)}z")
            _bar(bars, x + 0.18 * w, y + 0.76 * h, 0.64 * w, max(2.0, 0.11 * h), cell)
            numbers.append((x + w / 2, y + h / 2 + 0.3 * size - h * 0.06, size, cell, band))
        y += h
    rules.append(f"M{_n(f.margin)} {_n(y)}H{_n(right)}")
    ET.SubElement(grid, "path", {"class": "rules", "d": "".join(rules), "stroke": GRID,
                                 "stroke-width": "0.6", "fill": "none"})
    for fill, d in fills.items():
        if d:
            ET.SubElement(grid, "path", {"d": "".join(d), "fill": fill})
    for colour, d in bars.items():
        if d:
            ET.SubElement(grid, "path", {"d": "".join(d), "fill": colour, "stroke": "#ffffff",
                                         "stroke-width": "0.5"})
    text = ET.SubElement(grid, "g", {"text-anchor": "middle", "font-weight": "600"})
    for x, ty, size, cell, band in numbers:
        _text(text, x, ty, str(cell.studies), size, fill=band.ink)
    return y


def data_font(h: float, w: float) -> float:
    """The size of a cell's number: as large as the cell allows, up to the row's height."""
    return min(h * 0.6, w * 0.55, 16.0)


def _bar(bars: dict[str, list[str]], x: float, y: float, w: float, h: float,
         cell: HeatmapCell) -> None:
    """The cell's firing bar: its fired share dark, its not-fired share red."""
    total = cell.fired + cell.not_fired
    split = w * cell.fired / total if total else w
    for colour, left, width in ((FIRED_COLOUR, x, split),
                                (NOT_FIRED_COLOUR, x + split, w - split)):
        if width > 0:
            bars[colour].append(f"M{_n(left)} {_n(y)}h{_n(width)}v{_n(h)}h{_n(-width)}z")


def _legend(root: ET.Element, data: HeatmapData, f: _Frame, top: float) -> float:
    """The legend below the drawing: study shades on one line, the firing bar on the next."""
    g = ET.SubElement(root, "g", {"class": "legend", "fill": INK})
    fs, sw = 0.9 * f.font, 1.3 * f.font
    x = f.margin
    y = top + fs
    _text(g, x, y, "Studies in the cell:", fs)
    x += _width("Studies in the cell:", fs) + 0.6 * fs
    for band in data.shades():
        ET.SubElement(g, "rect", {"x": _n(x), "y": _n(y - 0.95 * fs), "width": _n(sw),
                                  "height": _n(1.25 * fs), "fill": band.fill,
                                  "stroke": GRID, "stroke-width": "0.5"})
        _text(g, x + sw + 0.3 * fs, y, band.label(), fs)
        x += sw + _width(band.label(), fs) + 1.2 * fs
    y += 1.9 * fs
    x = f.margin
    _text(g, x, y, "Bar under the number: CMOcs whose mechanism", fs)
    x += _width("Bar under the number: CMOcs whose mechanism", fs) + 0.6 * fs
    for colour, words in ((FIRED_COLOUR, "fired"), (NOT_FIRED_COLOUR, "did not fire")):
        ET.SubElement(g, "rect", {"x": _n(x), "y": _n(y - 0.55 * fs), "width": _n(sw),
                                  "height": _n(0.45 * fs), "fill": colour})
        _text(g, x + sw + 0.3 * fs, y, words, fs)
        x += sw + _width(words, fs) + 1.2 * fs
    return y + 0.4 * fs
