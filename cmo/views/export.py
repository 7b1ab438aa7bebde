"""The mechanism network for other tools: GraphML (yEd, Gephi), GEXF (Gephi), Cytoscape JSON.

GraphML and GEXF hold only plain values, so lists (study keys, broader labels) become
``"; "``-joined text, the quotes are left out (they stay in the HTML view and the evidence
trail; ``quotes`` counts them), and a missing value is left out.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> _ = g.add_edge("a", "b", key="fired", relation="triggers", studies=2, study_keys=["X", "Y"])
>>> back = nx.read_graphml(io.BytesIO(graph_bytes(g, "graphml")))
>>> [(u, v, a["study_keys"], a["studies"]) for u, v, a in back.edges(data=True)]
[('a', 'b', 'X; Y', 2)]
"""

from __future__ import annotations

import io
import json
from typing import Any

import networkx as nx

from cmo.errors import Problem, UnsupportedFormat

GRAPH_FORMATS = ("graphml", "gexf", "cyjs")
FIGURE_FORMATS = ("svg", "png", "pdf")


def _plain(attrs: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in attrs.items():
        if name == "evidence":
            out["quotes"] = len(value)
        elif isinstance(value, list | tuple):
            out[name] = "; ".join(str(v) for v in value)
        elif value is None or isinstance(value, dict):
            continue
        else:
            out[name] = value
    return out


def plain_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose node and edge attributes are strings, numbers and booleans only."""
    flat = nx.MultiDiGraph(**_plain(dict(graph.graph)))
    flat.add_nodes_from((n, _plain(a)) for n, a in graph.nodes(data=True))
    flat.add_edges_from((u, v, k, _plain(a)) for u, v, k, a in graph.edges(keys=True, data=True))
    return flat


def graph_bytes(graph: nx.MultiDiGraph, fmt: str) -> bytes:
    """The graph written as `fmt` (graphml, gexf or cyjs), UTF-8."""
    if fmt not in GRAPH_FORMATS:
        raise UnsupportedFormat(f"Cannot write a graph as {fmt!r}.", [Problem(
            field="format", reason=f"use one of: {', '.join(GRAPH_FORMATS)}")])
    if fmt == "cyjs":
        data = nx.cytoscape_data(graph)
        data["data"] = dict(graph.graph)
        for node in data["elements"]["nodes"]:
            node["data"]["name"] = node["data"].get("label", node["data"]["name"])
        return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(plain_graph(graph), buffer, encoding="utf-8")
    else:
        nx.write_gexf(_gexf_ready(plain_graph(graph)), buffer, encoding="utf-8")
    return buffer.getvalue()


def _gexf_ready(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """GEXF's own `label` attribute shows the concept label in Gephi."""
    for _, attrs in graph.nodes(data=True):
        attrs["label"] = attrs.get("label", "")
    for _, _, key, attrs in graph.edges(keys=True, data=True):
        attrs.setdefault("label", key)
    return graph


def view_bytes(graph: nx.MultiDiGraph, fmt: str, *, title: str, **size: Any) -> bytes:
    """The graph as one of `GRAPH_FORMATS`, or drawn as an svg, png or pdf figure (`size`:
    width, height, font_px)."""
    if fmt in FIGURE_FORMATS:
        from cmo.views.figures import graph_svg, svg_bytes

        return svg_bytes(graph_svg(graph, title=title, **size), fmt)
    if fmt not in GRAPH_FORMATS:
        raise UnsupportedFormat(f"Cannot export a view as {fmt!r}.", [Problem(
            field="format", reason=f"use one of: {', '.join(GRAPH_FORMATS + FIGURE_FORMATS)}")])
    return graph_bytes(graph, fmt)
