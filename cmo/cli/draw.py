"""`cmo draw` (the HTML view) and the graph formats of `cmo export` (GraphML, GEXF, Cytoscape).

networkx and the page assets load only when one of these commands runs, so the rest of the
`cmo` command starts as fast as before.
"""

from __future__ import annotations

import argparse
from typing import Any

from cmo.store import Store

GRAPH_FORMATS = ("graphml", "gexf", "cyjs")


def add_draw_parser(sub: Any) -> None:
    """Add `cmo draw --review ID … --out FILE.html` to the `cmo` parser."""
    p = sub.add_parser("draw", help="draw a review's mechanism network as one HTML file")
    p.add_argument("--review", required=True, help="review id")
    p.add_argument("--context", help="only this context and its narrower ones (label or synonym)")
    p.add_argument("--theory", help="only CMOcs of this programme theory (id or label)")
    p.add_argument("--min-studies", type=int, default=1,
                   help="hide links backed by fewer studies (default 1)")
    p.add_argument("--fired-only", action="store_true", help="leave out not-fired CMOcs")
    p.add_argument("--chains", action="store_true", help="draw CMO chains (rkg:leadsTo)")
    p.add_argument("--embed", action="store_true", help="a page for an <iframe>: no header")
    p.add_argument("--title", help="page title (default: from the review)")
    p.add_argument("--out", required=True, help="HTML file to write")
    p.set_defaults(handler=cmd_draw)


def cmd_draw(args: argparse.Namespace, store: Store) -> int:
    """cmo draw --review ID [--context L] [--theory L] [--min-studies N] --out FILE.html"""
    from cmo.views import MechanismView

    view = MechanismView(store, args.review, context=args.context, theory=args.theory,
                         min_studies=args.min_studies, fired_only=args.fired_only,
                         chains=args.chains, title=args.title)
    path = view.save(args.out, embed=args.embed)
    g = view.graph
    print(f"Wrote {path} ({g.number_of_nodes()} concepts, {g.number_of_edges()} links, "
          f"{path.stat().st_size / 1e6:.2f} MB).")
    return 0


def graph_export(store: Store, review_id: str, fmt: str) -> bytes:
    """A review's whole mechanism network (with CMO chains) as graphml, gexf or cyjs."""
    from cmo.views import graph_bytes, mechanism_graph

    return graph_bytes(mechanism_graph(store, review_id, chains=True), fmt)
