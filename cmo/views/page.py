"""One self-contained HTML page for a mechanism network: vis-network inlined, no request leaves it.

The data travels as JSON inside ``<script type="application/json">`` with ``<``, ``>`` and ``&``
escaped, is read with ``JSON.parse`` and reaches the page only through ``textContent`` (and
vis-network's canvas labels), so a label such as ``</script><img src=x>`` is shown as text.
A Content-Security-Policy meta tag forbids every fetch (scripts and styles only inline, images
only ``data:``).

The nodes, links and options come from a `pyvis.network.Network` (`cmo.views.network`), written
here into our own template rather than through pyvis's: pyvis renders with Jinja2 and loads
vis-network from a CDN, and this library keeps Jinja2 out (see the import contracts).

>>> import networkx as nx
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
from pyvis.network import Network

from cmo.views.layout import LABEL_ALL, layout
from cmo.views.network import STYLE, cmoc_rows, pyvis_network
from cmo.words import counted

CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
       "img-src data:")
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
<button id="cmo-fold" type="button">Fold groups</button>
<button id="cmo-reset" type="button">Reset</button>
<span id="cmo-counts"></span>
</div>
<div id="cmo-main">
<div id="cmo-scroll"><div id="cmo-network"></div></div>
<aside id="cmo-panel"><p class="cmo-hint">Click a concept to follow its CMOcs: a context shows
the mechanisms it triggers and the outcomes they reach, an outcome the contexts and mechanisms
behind it. Click a grey group heading to fold its contexts into it. Click an empty spot to
clear.</p></aside>
</div>
@LEGEND@
<div id="cmo-tooltip" role="tooltip"></div>
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
    for entry in (STYLE["fired"], STYLE["not_fired"], STYLE["outcome_not_fired"],
                  *STYLE["direction"].values(), STYLE["leads_to"]):
        rows.append((_swatch_edge(entry["color"], entry.get("dashes")), entry["label"]))
    body = "".join(f"<span>{svg}{html.escape(text)}</span>" for svg, text in rows)
    # A strip below the drawing, never over it; <details> folds it away.
    return (f'<details id="cmo-legend" open><summary>Legend</summary><div>{body}'
            '<span>line width: studies; indented: narrower context</span></div></details>')


def _table(column: list[Any]) -> list[Any] | None:
    """The distinct values of a column, if few enough to be worth a table."""
    try:
        kinds = {type(v) for v in column}
        if bool in kinds and int in kinds:  # True and 1 would be one key
            raise TypeError
        distinct = list(dict.fromkeys(column))
    except TypeError:  # lists, dicts: compared as JSON
        seen: dict[str, Any] = {}
        for v in column:
            seen.setdefault(json.dumps(v, sort_keys=True), v)
            if len(seen) > 64:
                return None
        distinct = list(seen.values())
    return distinct if len(distinct) <= 64 and len(distinct) * 8 < len(column) else None


def _columns(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Rows of values under one list of field names, and a field with few distinct values (a
    colour, a relation) as places in a list of those: several thousand links stay small."""
    fields = list(dict.fromkeys(k for item in items for k in item))
    columns = [[item.get(f) for item in items] for f in fields]
    tables: dict[str, list[Any]] = {}
    for i, name in enumerate(fields):
        values = _table(columns[i])
        if values is not None:
            tables[name] = values
            try:
                direct = {v: n for n, v in enumerate(values)}
                columns[i] = [direct[v] for v in columns[i]]
            except TypeError:
                place = {json.dumps(v, sort_keys=True): n for n, v in enumerate(values)}
                columns[i] = [place[json.dumps(v, sort_keys=True)] for v in columns[i]]
    return {"fields": fields, "tables": tables,
            "rows": [list(r) for r in zip(*columns, strict=True)]}


def page_data(graph: nx.MultiDiGraph, title: str | None = None,
              network: Network | None = None) -> dict[str, Any]:
    """What the page script reads: title, style, the CMOcs, and the Network's nodes, links and
    options (`network`, else the one `cmo.views.network.pyvis_network` builds)."""
    laid = layout(graph)
    net = network or pyvis_network(graph, laid)
    nodes, edges, _, _, _, options = net.get_network_data()
    short = {iri: f"n{i}" for i, iri in enumerate(graph.nodes)}
    index = {n["id"]: i for i, n in enumerate(nodes)}
    kinds = {k: sum(1 for n in nodes if n.get("kind") == k) for k in ("context", "mechanism",
                                                                     "outcome")}
    subtitle = (f"{counted(kinds['context'], 'context')} \u2192 "
                f"{counted(kinds['mechanism'], 'mechanism')} \u2192 "
                f"{counted(kinds['outcome'], 'outcome')}; {counted(len(edges), 'link')}. Hover for "
                "details, click a concept to follow its CMOcs.")
    headings = [{"label": h.label, "x": h.x, "y": h.y, "depth": h.depth,
                 "members": [index[short[m]] for m in h.members if short[m] in index]}
                for h in laid.headings]
    return {"title": title or graph.graph.get("title") or "Mechanisms", "subtitle": subtitle,
            "min_studies": graph.graph.get("min_studies", 1),
            "max_studies": max((e.get("studies", 1) for e in edges), default=1),
            "study_list": sorted({k for _, a in graph.nodes(data=True)
                                  for k in a.get("study_keys", ())}, key=str.casefold),
            "study_titles": graph.graph.get("study_titles", {}), "style": STYLE,
            "label_all": len(nodes) <= LABEL_ALL, "headings": headings,
            "cmocs": cmoc_rows(graph, short), "options": json.loads(options),
            "nodes": _columns(nodes), "edges": _columns(edges)}


def page_html(graph: nx.MultiDiGraph, *, title: str | None = None, embed: bool = False,
              network: Network | None = None) -> str:
    """The whole page: full (header, toolbar, side panel) or for an iframe (`embed`); drawn from
    `network` (a pyvis Network of this graph, perhaps changed) if given."""
    data = page_data(graph, title, network)
    parts = {"@CSP@": CSP, "@TITLE@": html.escape(data["title"]),
             "@BODY_CLASS@": "cmo-embed" if embed else "cmo-full", "@LEGEND@": legend_html(),
             "@VIS_CSS@": _static("vis-network.min.css"), "@VIEW_CSS@": _static("view.css"),
             "@VIS_JS@": _static("vis-network.min.js"), "@VIEW_JS@": _static("view.js"),
             "@DATA@": json_for_script(data)}
    # One pass: text put in is never searched again for markers.
    return _MARKER.sub(lambda m: parts[m.group(0)], _TEMPLATE)
