"""The mechanism network as a `pyvis.network.Network`: the nodes, links and vis-network options
that the page draws, and that a pyvis user can change before drawing.

Each node and link carries, besides what vis-network reads (label, shape, colour, size, x, y,
dashes, value), the counts and studies behind it and ``c``: the places, in `cmoc_rows`, of the
CMOcs behind it, so the page can follow one configuration from context to outcome.

pyvis's own ``show()`` and ``write_html()`` write pages that load vis-network from a CDN (or from
a ``lib/`` folder beside the page); `cmo.views.page` draws the same Network in one offline page.

>>> import networkx as nx
>>> g = nx.MultiDiGraph(cmocs={})
>>> g.add_node("c", kind="context", label="rural", studies=1, cmoc_ids=[])
>>> g.add_node("m", kind="mechanism", label="trust", studies=1, cmoc_ids=[])
>>> g.add_edge("c", "m", key="fired", relation="triggers", fired=True, studies=1, cmoc_ids=[])
'fired'
>>> net = pyvis_network(g)
>>> [(n["id"], n["label"]) for n in net.nodes], [(e["from"], e["to"]) for e in net.edges]
([('n0', 'rural'), ('n1', 'trust')], [('n0', 'n1')])
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx
from pyvis.network import Network

from cmo.views.layout import FONT, Layout, layout, node_sizes, wrap_label

DASHES = [8, 5]
MAX_QUOTES = 3
QUOTE_CHARS = 300
STYLE: dict[str, Any] = {
    "color": {"context": "#3b73b9", "mechanism": "#7e57c2", "outcome": "#00897b"},
    "shape": {"context": "dot", "mechanism": "diamond", "outcome": "square"},
    "fired": {"color": "#57606a", "label": "fires (context \u2192 mechanism)"},
    "not_fired": {"color": "#d1242f", "dashes": DASHES, "curve": "curvedCW",
                  "label": "does not fire (context \u2192 mechanism)"},
    "outcome_not_fired": {"color": "#8c959f", "dashes": DASHES, "curve": "curvedCW",
                          "label": "outcome of a CMOc that does not fire (colour: direction)"},
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
OPTIONS: dict[str, Any] = {
    "layout": {"hierarchical": {"enabled": False}, "improvedLayout": False, "randomSeed": 1},
    # The layout comes computed (cmo.views.layout): no physics, so nothing moves on load.
    "physics": {"enabled": False},
    "nodes": {"font": {"size": FONT, "face": "system-ui,Arial,sans-serif", "color": "#1f2328"},
              "borderWidth": 1},
    "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}, "smooth": False,
              "scaling": {"min": 1, "max": 8}, "selectionWidth": 1.5},
    "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False,
                    "keyboard": False},
}


def edge_style(relation: str, fired: bool | None, direction: str | None) -> dict[str, Any]:
    """Colour, dashes and curve of a link (the legend names each)."""
    if relation == "triggers":
        return dict(STYLE["fired"] if fired else STYLE["not_fired"])
    if relation == "leads_to":
        return dict(STYLE["leads_to"])
    colour = STYLE["direction"].get(direction or "unknown", STYLE["direction"]["unknown"])
    if fired is False:
        return {**STYLE["outcome_not_fired"], "color": colour["color"]}
    return dict(colour)


def _quotes(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**q, "quote": q["quote"] if len(q["quote"]) <= QUOTE_CHARS
             else q["quote"][:QUOTE_CHARS - 1] + "\u2026"} for q in evidence[:MAX_QUOTES]]


def cmoc_rows(graph: nx.MultiDiGraph, short: dict[str, str]) -> list[list[Any]]:
    """The CMOcs behind the network: [id, [contexts], mechanism, [outcomes], fired, direction],
    concepts named by their node ids."""
    return [[c["id"], [short[x] for x in c["contexts"]], short.get(c["mechanism"]),
             [short[o] for o in c["outcomes"]], c["fired"], c["direction"]]
            for c in graph.graph.get("cmocs", {}).values()]


def pyvis_network(graph: nx.MultiDiGraph, laid: Layout | None = None,
                  height: str = "640px") -> Network:
    """The graph as a pyvis Network: node ids ``n0``, ``n1``… in graph order, laid out."""
    laid = laid or layout(graph)
    short = {iri: f"n{i}" for i, iri in enumerate(graph.nodes)}
    place = {iri: i for i, iri in enumerate(graph.graph.get("cmocs", {}))}
    keys = sorted({k for _, a in graph.nodes(data=True) for k in a.get("study_keys", ())},
                  key=str.casefold)
    study = {k: i for i, k in enumerate(keys)}
    size = node_sizes(graph)
    net = Network(height=height, width="100%", directed=True, heading="")
    for iri, a in graph.nodes(data=True):
        kind = a.get("kind", "concept")
        x, y = laid.positions.get(iri, (0, 0))
        net.add_node(short[iri], label=wrap_label(a.get("label", iri)),
                     shape=STYLE["shape"].get(kind, "dot"),
                     color=STYLE["color"].get(kind, "#888888"), size=size[iri], x=x, y=y,
                     kind=kind, name=a.get("label", iri), iri=a.get("iri", iri),
                     definition=a.get("definition"), broader=a.get("broader", []),
                     review=a.get("review"), cmocs=a.get("cmocs", 0),
                     studies=a.get("studies", 0), fired=a.get("fired", 0),
                     not_fired=a.get("not_fired", 0), depth=laid.depth.get(iri, 0),
                     narrower=[short[m] for m in laid.narrower.get(iri, ())],
                     study_keys=[study[k] for k in a.get("study_keys", ())],
                     quotes=_quotes(a.get("evidence", [])),
                     more_quotes=max(0, len(a.get("evidence", [])) - MAX_QUOTES),
                     c=[place[i] for i in a.get("cmoc_ids", ()) if i in place])
    for u, v, a in graph.edges(data=True):
        relation = a.get("relation", "triggers")
        st = edge_style(relation, a.get("fired"), a.get("direction"))
        extra = {"smooth": {"enabled": True, "type": st["curve"], "roundness": 0.2}} \
            if "curve" in st else {}
        net.add_edge(short[u], short[v], color=st["color"], dashes=st.get("dashes", False),
                     value=a.get("studies", 1), relation=relation, fired=a.get("fired"),
                     direction=a.get("direction"), cmocs=a.get("cmocs", 0),
                     studies=a.get("studies", 0), not_fired_only=a.get("not_fired_only", False),
                     study_keys=[study[k] for k in a.get("study_keys", ())],
                     c=[place[i] for i in a.get("cmoc_ids", ()) if i in place], **extra)
    net.set_options(json.dumps({**OPTIONS, "interaction": {
        **OPTIONS["interaction"], "hideEdgesOnDrag": graph.number_of_edges() > 1500}}))
    return net
