"""Graph views: the mechanism network of a review, drawn, embedded and exported.

- `mechanism_graph` builds a networkx graph (contexts → mechanisms → outcomes) from the review
  indexes behind the questions;
- `mechanism_view_html` writes it as one self-contained HTML page (vis-network inlined, no request
  leaves the page); `embed=True` gives the page for an ``<iframe>``;
- `MechanismView` does both for notebooks (``_repr_html_``) and scripts (``save``, ``export``),
  and gives the network as a `pyvis.network.Network` (``to_pyvis``) to change and draw again;
  ``cmo.open(url).review(id).draw(...)`` makes one;
- `graph_bytes` writes GraphML, GEXF or Cytoscape JSON for Gephi, Cytoscape and yEd.

>>> import cmo
>>> kg = cmo.open("memory:")
>>> _ = kg.reviews.create(id="r", title="R").cmocs.create(id="c1", studies=["S 2020"],
...     contexts=["rural"], mechanism="trust", outcomes=["uptake"],
...     outcome_direction="positive")
>>> view = MechanismView(kg.store, "r")
>>> view.graph.number_of_nodes(), view.graph.number_of_edges()
(3, 2)
>>> view.html().startswith("<!DOCTYPE html>")
True
>>> net = view.to_pyvis()
>>> sorted(n["name"] for n in net.nodes), len(net.edges)
(['rural', 'trust', 'uptake'], 2)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
from pyvis.network import Network

from cmo.review.reviews import get_review
from cmo.store import Store
from cmo.views.embedding import iframe_tag
from cmo.views.export import GRAPH_FORMATS, graph_bytes, plain_graph, view_bytes
from cmo.views.graph import ViewOptions, build_graph, mechanism_graph, view_title
from cmo.views.heatmap import HeatmapData, HeatmapView, heatmap_data, heatmap_svg, heatmap_view_html
from cmo.views.network import pyvis_network
from cmo.views.page import page_html

__all__ = ["GRAPH_FORMATS", "MechanismView", "ViewOptions", "build_graph", "graph_bytes",
           "mechanism_graph", "mechanism_view_html", "plain_graph"]
__all__ += ["HeatmapData", "HeatmapView", "heatmap_data", "heatmap_svg", "heatmap_view_html"]


class MechanismView:
    """A review's mechanism network, ready to show: in a notebook, a file, or another tool."""

    def __init__(self, store: Store, review_id: str, *, context: str | None = None,
                 theory: str | None = None, min_studies: int = 1, fired_only: bool = False,
                 chains: bool = False, title: str | None = None, height: str = "640px") -> None:
        self.options = ViewOptions((review_id,), context, theory, min_studies, fired_only,
                                   chains)
        self.graph: nx.MultiDiGraph = build_graph(store, self.options)
        self.title = title or _default_title(store, review_id, self.options)
        self.height = height

    def html(self, *, embed: bool = False, network: Network | None = None) -> str:
        """The self-contained page (for an iframe with `embed`), drawn from `network` if given
        (a Network from `to_pyvis`, changed: colours, shapes, labels, positions, options)."""
        return page_html(self.graph, title=self.title, embed=embed, network=network)

    def to_pyvis(self) -> Network:
        """The network as a pyvis Network (laid out; node ids ``n0``… in graph order, the concept
        IRI in ``iri``). pyvis's own ``show()`` loads vis-network from a CDN: to keep the page
        offline, draw it with ``view.html(network=net)`` or ``view.save(path, network=net)``."""
        return pyvis_network(self.graph, height=self.height)

    def iframe(self) -> str:
        """An ``<iframe srcdoc=…>`` holding the embed page: one tag to paste into HTML."""
        return iframe_tag(self.title, self.height, self.html(embed=True))

    def _repr_html_(self) -> str:
        """Jupyter and Quarto show the view in a sandboxed iframe."""
        return self.iframe()

    def save(self, path: str | Path, *, embed: bool = False,
             network: Network | None = None) -> Path:
        """Write the page to `path` (UTF-8) and return the path."""
        out = Path(path)
        out.write_text(self.html(embed=embed, network=network), encoding="utf-8")
        return out

    def export(self, fmt: str, **size: Any) -> bytes:
        """The network as graphml, gexf or cyjs (Cytoscape JSON), or as an svg, png or pdf
        figure (`size`: width, height, font_px, as for `to_svg`)."""
        return view_bytes(self.graph, fmt, title=self.title, **size)

    def to_svg(self, **size: Any) -> str:
        """A static figure for a report: ``width`` px wide (default 1600), ``height`` px high
        (default: as the drawing needs), text ``font_px`` (default: 7 pt at A4 width)."""
        from cmo.views.figures import graph_svg

        return graph_svg(self.graph, title=self.title, **size)

    def to_png(self, **size: Any) -> bytes:
        """The figure of `to_svg` as a PNG of that many pixels."""
        return self.export("png", **size)

    def to_pdf(self, **size: Any) -> bytes:
        """The figure of `to_svg` as a one-page PDF."""
        return self.export("pdf", **size)


def _default_title(store: Store, review_id: str, options: ViewOptions) -> str:
    return view_title(f"Mechanisms \u2014 {get_review(store, review_id).title}", options)


def mechanism_view_html(store: Store, review_id: str, *, context: str | None = None,
                        theory: str | None = None, min_studies: int = 1,
                        fired_only: bool = False, embed: bool = False,
                        title: str | None = None) -> str:
    """The mechanism view of a review as one HTML page (``embed=True``: no chrome, for an iframe).

    This is what ``GET /reviews/{id}/views/mechanisms`` serves. An unknown review or context
    raises `cmo.NotFound` (`cmo.UnknownConcept` for a context); an unknown theory or
    ``min_studies < 1`` raises `cmo.InvalidInput` (`UnknownValue`, with the closest theories).
    """
    view = MechanismView(store, review_id, context=context, theory=theory,
                         min_studies=min_studies, fired_only=fired_only, title=title)
    return view.html(embed=embed)
