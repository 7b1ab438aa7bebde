"""The heatmap as one self-contained, interactive HTML page: nothing is fetched, nothing runs
from the data.

As for the network (`cmo.views.page`): the data travels as JSON inside
``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped, reaches the page only
through ``textContent``, and the page's Content-Security-Policy forbids every request. Each cell
is a button (keyboard: Tab, arrow keys, Enter, Escape); hovering or focusing it says its counts,
choosing it shows its CMOcs with their quotes and, for anchored quotes, a link to the passage.

>>> import cmo
>>> from cmo.views.graph import ViewOptions
>>> from cmo.views.heatmap.data import heatmap_data
>>> kg = cmo.open("memory:")
>>> _ = kg.reviews.create(id="r", title="</title><b>R</b>").cmocs.create(id="c1",
...     studies=["S 2020"], contexts=["rural"], mechanism="trust", outcomes=["uptake"])
>>> page = heatmap_page(heatmap_data(kg.store, ViewOptions(("r",))))
>>> "<b>R</b>" in page, "&lt;/title&gt;&lt;b&gt;R&lt;/b&gt;" in page
(False, True)
"""

from __future__ import annotations

import html
import re
from typing import Any

from cmo.views.heatmap.data import FIRED_COLOUR, NOT_FIRED_COLOUR, HeatmapData
from cmo.views.page import CSP, json_for_script
from cmo.views.page import _static as static_text  # reads cmo/views/static/, checked inlinable

#: A quote longer than this is cut (with an ellipsis) in the page; the figure has no quotes.
QUOTE_CHARS = 1200
HINT = ("Hover over a cell for its counts; click it (or press Enter) for its CMOcs and their "
        "quotes. Arrow keys move between cells.")

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="@CSP@">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="realist-kg">
<title>@TITLE@</title>
<style>@CSS@</style>
</head>
<body class="@BODY_CLASS@">
<header id="hm-header"><h1 id="hm-title"></h1><p id="hm-subtitle"></p></header>
<div id="hm-toolbar">
<label>Minimum studies <input id="hm-min-studies" type="number" min="1" value="1"></label>
<button id="hm-reset" type="button">Reset</button>
<span id="hm-counts"></span>
</div>
<div id="hm-legend" aria-label="Legend"></div>
<div id="hm-main">
<div id="hm-scroll" role="region" aria-label="Contexts by mechanisms" tabindex="-1"></div>
<aside id="hm-panel" aria-live="polite" aria-label="Evidence"></aside>
</div>
<div id="hm-tip" role="tooltip"></div>
<script type="application/json" id="hm-data">@DATA@</script>
<script>@JS@</script>
</body>
</html>
"""
_MARKER = re.compile(r"@[A-Z_]+@")


def _cut(text: str) -> str:
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS - 1] + "\u2026"


def page_data(data: HeatmapData, title: str | None = None) -> dict[str, Any]:
    """What the page script reads: cells are compact rows naming CMOcs by their place."""
    place = {iri: i for i, iri in enumerate(data.cmocs)}
    cells = [[c.row, c.column, c.studies, c.fired, c.not_fired, c.fired_studies,
              c.not_fired_studies, c.words(), [place[i] for i in c.cmoc_iris]]
             for c in data.cells]
    cmocs = [{"id": m.id, "review": m.review, "fired": m.fired, "direction": m.direction,
              "studies": list(m.studies),
              "quotes": [{"study": q.study, "page": q.page, "quote": _cut(q.quote),
                          "passage": q.passage} for q in m.quotes]}
             for m in data.cmocs.values()]
    return {"title": title or data.title, "subtitle": data.summary() + ".",
            "hint": HINT, "min_studies": data.options.min_studies,
            "reviews": len({r.review for r in data.rows}),
            "shades": [{"low": s.low, "high": s.high, "fill": s.fill, "ink": s.ink,
                        "label": s.label()} for s in data.shades()],
            "colours": {"fired": FIRED_COLOUR, "not_fired": NOT_FIRED_COLOUR},
            "rows": [{"label": r.label, "depth": r.depth, "group": not r.has_cells,
                      "review": r.review} for r in data.rows],
            "columns": [{"label": c.label, "studies": c.studies} for c in data.columns],
            "cells": cells, "cmocs": cmocs, "study_titles": data.study_titles}


def heatmap_page(data: HeatmapData, *, title: str | None = None, embed: bool = False) -> str:
    """The whole page for `data`: full (header, toolbar) or for an iframe (`embed`)."""
    content = page_data(data, title)
    parts = {"@CSP@": CSP, "@TITLE@": html.escape(content["title"]),
             "@BODY_CLASS@": "hm-embed" if embed else "hm-full",
             "@CSS@": static_text("heatmap.css"), "@JS@": static_text("heatmap.js"),
             "@DATA@": json_for_script(content)}
    # One pass: text put in is never searched again for markers.
    return _MARKER.sub(lambda m: parts[m.group(0)], _TEMPLATE)
