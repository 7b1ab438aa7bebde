"""One self-contained HTML page for a mechanism network: vis-network inlined, no request leaves it.

The data travels as JSON inside ``<script type="application/json">`` with ``<``, ``>`` and ``&``
escaped, is read with ``JSON.parse`` and reaches the page only through ``textContent`` (and
vis-network's canvas labels), so a label such as ``</script><img src=x>`` is shown as text.
A Content-Security-Policy meta tag forbids every fetch (scripts and styles only inline, images
only ``data:``).

>>> import networkx as nx

from cmo.views.layout import layered_positions
>>> g = nx.MultiDiGraph(title="</title><b>x</b>")
>>> page = page_html(g)
>>> "<b>x</b>" in page, "&lt;/title&gt;&lt;b&gt;x&lt;/b&gt;" in page
(False, True)
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from importlib import resources
from typing import Any

import networkx as nx

from cmo.views.layout import layered_positions
from cmo.words import counted

CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
       "img-src data:")
EDGE_FIELDS = ["from", "to", "relation", "fired or direction", "cmocs", "studies",
               "not_fired_only", "study_keys"]
MAX_QUOTES = 3
QUOTE_CHARS = 300

STYLE: dict[str, Any] = {
    "color": {"context": "#3b73b9", "mechanism": "#7e57c2", "outcome": "#00897b"},
    "shape": {"context": "dot", "mechanism": "diamond", "outcome": "square"},
    "fired": {"color": "#57606a", "label": "fires (context \u2192 mechanism)"},
    "not_fired": {"color": "#d1242f", "dashes": [8, 5], "curve": "curvedCW",
                  "label": "does not fire"},
    "direction": {
        "positive": {"color": "#2da44e", "label": "positive outcome"},
        "negative": {"color": "#c2185b", "label": "negative outcome"},
        "none": {"color": "#8c959f", "label": "no change"},
        "mixed": {"color": "#d4a72c", "label": "mixed outcome"},
        "unknown": {"color": "#c8ccd1", "label": "direction not recorded"},
    },
    "leads_to": {"color": "#6e7781", "dashes": [2, 4], "curve": "curvedCCW",
                 "label": "CMO chain (outcome \u2192 next context)"},
}

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="@CSP@">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="realist-kg">
<title>@TITLE@</title>
<style>@VIS_CSS@</style>
<style>@VIEW_CSS@</style>
</head>
<body class="@BODY_CLASS@">
<header id="cmo-header"><h1 id="cmo-title"></h1><p id="cmo-subtitle"></p></header>
<div id="cmo-toolbar">
<input id="cmo-search" type="search" list="cmo-labels" placeholder="Find a concept\u2026"
 aria-label="Find a concept"><datalist id="cmo-labels"></datalist>
<label>Minimum studies <input id="cmo-min-studies" type="number" min="1" value="1"></label>
<label><input id="cmo-show-not-fired" type="checkbox" checked> show not fired</label>
<label><input id="cmo-show-chains" type="checkbox" checked> CMO chains</label>
<button id="cmo-reset" type="button">Reset</button>
<span id="cmo-counts"></span>
</div>
<div id="cmo-main">
<div id="cmo-network"></div>
<aside id="cmo-panel"><p class="cmo-hint">Click a concept to see its definition, counts,
supporting studies and quotes. Click an empty spot to clear.</p></aside>
@LEGEND@
<div id="cmo-tooltip" role="tooltip"></div>
</div>
<script type="application/json" id="cmo-data">@DATA@</script>
<script>@VIS_JS@</script>
<script>@VIEW_JS@</script>
</body>
</html>
"""
_MARKER = re.compile(r"@[A-Z_]+@")


@cache
def _static(name: str) -> str:
    text = resources.files("cmo.views").joinpath("static", name).read_text("utf-8")
    if name == "vis-network.min.css":
        # The icons of the navigation and manipulation buttons (both switched off) are 95% of
        # the stylesheet: their rules are left out of the page.
        text = "".join(r for r in re.findall(r"[^{}]+\{[^{}]*\}", text) if "url(" not in r)
    lowered = text.lower()
    if "</script" in lowered or "</style" in lowered or "<!--" in lowered:
        raise RuntimeError(f"cmo/views/static/{name} cannot be inlined as it is")
    return text


def json_for_script(value: object) -> str:
    """JSON that is safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&``.

    >>> json_for_script({"label": "</script><img src=x>&"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _swatch_edge(color: str, dashes: list[int] | None) -> str:
    dash = f' stroke-dasharray="{dashes[0]},{dashes[1]}"' if dashes else ""
    return (f'<svg width="30" height="10" aria-hidden="true"><line x1="1" y1="5" x2="29" y2="5" '
            f'stroke="{color}" stroke-width="2.5"{dash}/></svg>')


def _swatch_node(kind: str) -> str:
    color = STYLE["color"][kind]
    shape = {"context": f'<circle cx="7" cy="7" r="6" fill="{color}"/>',
             "mechanism": f'<polygon points="7,0 14,7 7,14 0,7" fill="{color}"/>',
             "outcome": f'<rect x="1" y="1" width="12" height="12" fill="{color}"/>'}[kind]
    return f'<svg width="30" height="14" aria-hidden="true">{shape}</svg>'


def legend_html() -> str:
    """The legend: node kinds, firing and outcome directions (fixed text, no data)."""
    rows = [(_swatch_node(k), f"{k}s (size: studies)") for k in ("context", "mechanism",
                                                                  "outcome")]
    for entry in (STYLE["fired"], STYLE["not_fired"], *STYLE["direction"].values(),
                  STYLE["leads_to"]):
        rows.append((_swatch_edge(entry["color"], entry.get("dashes")), entry["label"]))
    body = "".join(f"<div>{svg}<span>{html.escape(text)}</span></div>" for svg, text in rows)
    return f'<div id="cmo-legend" aria-label="Legend">{body}<div>width: studies</div></div>'


def _node_data(node_id: str, a: dict[str, Any], study: dict[str, int]) -> dict[str, Any]:
    quotes = [{**q, "quote": q["quote"] if len(q["quote"]) <= QUOTE_CHARS
               else q["quote"][:QUOTE_CHARS - 1] + "\u2026"} for q in a["evidence"][:MAX_QUOTES]]
    return {"id": node_id, "iri": a["iri"], "kind": a["kind"], "label": a["label"],
            "definition": a["definition"], "broader": a["broader"], "review": a["review"],
            "cmocs": a["cmocs"], "studies": a["studies"], "fired": a["fired"],
            "not_fired": a["not_fired"], "study_keys": [study[k] for k in a["study_keys"]],
            "quotes": quotes,
            "more_quotes": max(0, len(a["evidence"]) - MAX_QUOTES)}


def page_data(graph: nx.MultiDiGraph, title: str | None = None) -> dict[str, Any]:
    """What the page script reads: title, style, nodes and edges with short ids."""
    short = {iri: f"n{i}" for i, iri in enumerate(graph.nodes)}
    xy = layered_positions(graph)
    # Studies are listed once; nodes and edges name them by their place in that list.
    keys = sorted({k for _, a in graph.nodes(data=True) for k in a["study_keys"]},
                  key=str.casefold)
    study = {k: i for i, k in enumerate(keys)}
    nodes = [{**_node_data(short[iri], a, study), "x": xy[iri][0], "y": xy[iri][1]}
             for iri, a in graph.nodes(data=True)]
    order = {iri: i for i, iri in enumerate(graph.nodes)}
    # Edges are compact rows (a thousand concepts have several thousand links); the page
    # script turns each back into an object: see EDGE_FIELDS.
    edges = [[order[u], order[v], a["relation"],
              a["fired"] if a["relation"] == "triggers" else a["direction"], a["cmocs"],
              a["studies"], a["not_fired_only"], [study[k] for k in a["study_keys"]]]
             for u, v, a in graph.edges(data=True)]
    kinds = {k: sum(1 for n in nodes if n["kind"] == k) for k in ("context", "mechanism",
                                                                 "outcome")}
    subtitle = (f"{counted(kinds['context'], 'context')} \u2192 "
                f"{counted(kinds['mechanism'], 'mechanism')} \u2192 "
                f"{counted(kinds['outcome'], 'outcome')}; {counted(len(edges), 'link')}. Hover for "
                "details, click to highlight a neighbourhood.")
    return {"title": title or graph.graph.get("title") or "Mechanisms", "subtitle": subtitle,
            "min_studies": graph.graph.get("min_studies", 1),
            "max_studies": max((e[5] for e in edges), default=1),
            "edge_fields": EDGE_FIELDS, "study_list": keys,
            "study_titles": graph.graph.get("study_titles", {}), "style": STYLE,
            "nodes": nodes, "edges": edges}


def page_html(graph: nx.MultiDiGraph, *, title: str | None = None, embed: bool = False) -> str:
    """The whole page: full (header, toolbar, side panel) or for an iframe (`embed`)."""
    data = page_data(graph, title)
    parts = {"@CSP@": CSP, "@TITLE@": html.escape(data["title"]),
             "@BODY_CLASS@": "cmo-embed" if embed else "cmo-full", "@LEGEND@": legend_html(),
             "@VIS_CSS@": _static("vis-network.min.css"), "@VIEW_CSS@": _static("view.css"),
             "@VIS_JS@": _static("vis-network.min.js"), "@VIEW_JS@": _static("view.js"),
             "@DATA@": json_for_script(data)}
    # One pass: text put in is never searched again for markers.
    return _MARKER.sub(lambda m: parts[m.group(0)], _TEMPLATE)
