"""Static figures for reports: the network, its CMO chains and the heatmap as SVG, PNG or PDF.

The SVG is drawn here, from the interactive view's layout, with real text; PNG and PDF are
converted from it by CairoSVG. `figure_bytes` is the one entry point (the CLI's ``cmo figure``,
the API's ``/reviews/{id}/figures/{kind}.{fmt}`` and `MechanismView.to_svg` go through it).

>>> import cmo
>>> kg = cmo.open("memory:")
>>> _ = kg.reviews.create(id="r", title="R").cmocs.create(id="c1", studies=["S 2020"],
...     contexts=["rural"], mechanism="trust", outcomes=["uptake"])
>>> svg = figure_bytes(kg.store, "network", ViewOptions(("r",)), width=800)
>>> b'width="800"' in svg, b">trust</tspan>" in svg
(True, True)
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from collections.abc import Callable

import networkx as nx

from cmo.errors import InvalidInput, LimitExceeded, Problem, UnsupportedFormat
from cmo.limits import LIMITS
from cmo.review.reviews import get_review
from cmo.store import Store
from cmo.views.export import FIGURE_FORMATS
from cmo.views.figures.convert import svg_to
from cmo.views.figures.network import network_svg
from cmo.views.graph import ViewOptions, build_graph, view_title

__all__ = ["FIGURE_FORMATS", "FIGURE_KINDS", "MEDIA_TYPES", "figure_bytes", "figure_font",
           "graph_svg", "network_svg", "svg_bytes"]

MEDIA_TYPES = dict(zip(FIGURE_FORMATS, ("image/svg+xml", "image/png", "application/pdf"),
                       strict=True))
#: Text at 1/64 of the width prints at about 7 pt when the figure spans an A4 text column.
WIDTH_PER_FONT_PX = 64


Drawer = Callable[[Store, ViewOptions, int, int | None, float], str]


def _network(what: str, *, chains: bool) -> Drawer:
    """The drawer of the network (`chains`: with outcome → next context links)."""
    def draw(store: Store, options: ViewOptions, width: int, height: int | None,
             font_px: float) -> str:
        graph = build_graph(store, dataclasses.replace(options, chains=chains))
        return network_svg(graph, title=_title(store, what, options), width=width,
                           height=height, font_px=font_px)
    return draw


def _heatmap(store: Store, options: ViewOptions, width: int, height: int | None,
             font_px: float) -> str:
    try:  # cmo.views.heatmap arrives with the heatmap (issue 15, item 3)
        heatmap = importlib.import_module("cmo.views.heatmap")
    except ModuleNotFoundError as exc:
        raise UnsupportedFormat("The heatmap figure is not in this build.", [Problem(
            field="kind", reason="use network or chains")]) from exc
    svg = str(heatmap.heatmap_svg(store, options, width=width, font_px=font_px))
    return svg if height is None else _fit_height(svg, height)


DRAWERS: dict[str, Drawer] = {"network": _network("Mechanisms", chains=False),
                              "chains": _network("CMO chains", chains=True),
                              "heatmap": _heatmap}
FIGURE_KINDS = tuple(DRAWERS)


def _title(store: Store, what: str, options: ViewOptions) -> str:
    reviews = options.reviews or ()
    subject = (f"{what} \u2014 {get_review(store, reviews[0]).title}" if len(reviews) == 1
               else f"{what}: {', '.join(reviews) or 'all reviews'}")
    return view_title(subject, options)


def _fit_height(svg: str, height: int) -> str:
    """The same drawing in a box `height` px high (scaled to fit, centred)."""
    width, natural = _root_size(svg)
    root = re.search(r"<svg\b[^>]*>", svg)
    assert root is not None  # _root_size found it
    tag = re.sub(r'(\sheight=")[^"]*"', rf'\g<1>{height}"', root[0], count=1)
    if "viewBox=" not in tag:
        tag = tag[:4] + f' viewBox="0 0 {width} {natural}"' + tag[4:]
    return svg[:root.start()] + tag + svg[root.end():]


def figure_font(width: int, font_px: float | None) -> float:
    """The asked text size, or (None) the one that prints at about 7 pt at A4 width."""
    if font_px is not None:
        return font_px
    return min(max(width / WIDTH_PER_FONT_PX, LIMITS.figure_font_min), LIMITS.figure_font_max)


def check_size(width: int, height: int | None, font_px: float | None) -> None:
    """Refuse a size or a text size out of bounds (`cmo.limits`), naming the field."""
    problems = []
    low, high = LIMITS.figure_px_min, LIMITS.figure_px_max
    for field, value in (("width", width), ("height", height)):
        if value is not None and not low <= value <= high:
            problems.append(Problem(field=field, reason=f"use {low} to {high} px; got {value}"))
    fmin, fmax = LIMITS.figure_font_min, LIMITS.figure_font_max
    if font_px is not None and not fmin <= font_px <= fmax:
        problems.append(Problem(field="font_size",
                                reason=f"use {fmin} to {fmax} px; got {font_px:g}"))
    if problems:
        raise InvalidInput("A figure's size is out of bounds.", problems)


def _check_kind(kind: str) -> None:
    if kind not in DRAWERS:
        raise UnsupportedFormat(f"There is no {kind!r} figure.", [Problem(
            field="kind", reason=f"use one of: {', '.join(FIGURE_KINDS)}")])


def _check_format(fmt: str) -> None:
    if fmt not in MEDIA_TYPES:
        raise UnsupportedFormat(f"Cannot write a figure as {fmt!r}.", [Problem(
            field="format", reason=f"use one of: {', '.join(FIGURE_FORMATS)}")])


def _root_size(svg: str) -> tuple[int, int]:
    """The width and height (px) the ``<svg>`` root names."""
    root = re.search(r"<svg\b[^>]*>", svg)
    found = [re.search(rf'\s{name}="([\d.]+)(?:px)?"', root[0]) if root else None
             for name in ("width", "height")]
    if found[0] is None or found[1] is None:
        raise InvalidInput("The figure names no size.", [Problem(
            field="svg", reason="the root needs width and height in px")])
    return round(float(found[0][1])), round(float(found[1][1]))


def svg_bytes(svg: str, fmt: str) -> bytes:
    """An SVG document written as `fmt` (svg, png or pdf), at the size its root names."""
    _check_format(fmt)
    if fmt == "svg":
        return svg.encode("utf-8")
    width, height = _root_size(svg)
    if width * height > LIMITS.figure_pixels and fmt == "png":
        raise LimitExceeded(f"A {width} × {height} px PNG is too large.", "figure_pixels",
                            LIMITS.figure_pixels, [Problem(
                                field="height", reason=f"at most {LIMITS.figure_pixels:,} "
                                "pixels in all: ask for a height, or a smaller width")])
    return svg_to(svg, fmt, width=width, height=height)


def figure_bytes(store: Store, kind: str, options: ViewOptions, *, fmt: str = "svg",
                 width: int = 1600, height: int | None = None,
                 font_px: float | None = None) -> bytes:
    """A figure (`kind`: network, chains or heatmap) as svg, png or pdf, `width` px wide (and
    `height` px high, when given; else as high as the drawing needs). `font_px` None: text at
    1/64 of the width, about 7 pt when the figure spans an A4 text column."""
    _check_kind(kind)
    _check_format(fmt)
    check_size(width, height, font_px)
    svg = DRAWERS[kind](store, options, width, height, figure_font(width, font_px))
    return svg_bytes(svg, fmt)


def graph_svg(graph: nx.MultiDiGraph, *, title: str, width: int = 1600,
              height: int | None = None, font_px: float | None = None) -> str:
    """An already-built graph (a `MechanismView`'s) drawn as an SVG document."""
    check_size(width, height, font_px)
    return network_svg(graph, title=title, width=width, height=height,
                       font_px=figure_font(width, font_px))
