"""`cmo draw` (the HTML view) and the graph formats of `cmo export` (GraphML, GEXF, Cytoscape).

networkx and the page assets load only when one of these commands runs, so the rest of the
`cmo` command starts as fast as before.
"""

from __future__ import annotations

import click

from cmo.cli.session import pass_reader
from cmo.errors import UnknownValue
from cmo.store import Store
from cmo.words import counted

GRAPH_FORMATS = ("graphml", "gexf", "cyjs")


@click.command()
@click.option("--review", required=True, help="review id")
@click.option("--context", help="only this context and its narrower ones (label or synonym)")
@click.option("--theory", help="only CMOcs of this programme theory (id or label)")
@click.option("--min-studies", type=int, default=1, show_default=True,
              help="hide links backed by fewer studies")
@click.option("--fired-only", is_flag=True, help="leave out not-fired CMOcs")
@click.option("--chains", is_flag=True, help="draw CMO chains (rkg:leadsTo)")
@click.option("--embed", is_flag=True, help="a page for an <iframe>: no header")
@click.option("--title", help="page title (default: from the review)")
@click.option("--out", required=True, metavar="FILE", help="HTML file to write")
@pass_reader
def draw(store: Store, review: str, context: str | None, theory: str | None, min_studies: int,
         fired_only: bool, chains: bool, embed: bool, title: str | None, out: str) -> None:
    """Draw a review's mechanism network as one HTML file.

    The page is self-contained (no asset from another host): contexts, mechanisms and outcomes
    as nodes, CMOcs as links, with filters and search.
    """
    from cmo.views import MechanismView

    try:
        view = MechanismView(store, review, context=context, theory=theory,
                             min_studies=min_studies, fired_only=fired_only, chains=chains,
                             title=title)
    except UnknownValue as exc:  # a theory the review does not hold: a usage error (exit 2)
        raise click.BadParameter(exc.message, param_hint=f"'--{exc.field}'") from exc
    path = view.save(out, embed=embed)
    g = view.graph
    click.echo(f"Wrote {path} ({counted(g.number_of_nodes(), 'concept')}, "
               f"{counted(g.number_of_edges(), 'link')}, "
               f"{path.stat().st_size / 1e6:.2f} MB).")


def graph_export(store: Store, review_id: str, fmt: str) -> bytes:
    """A review's whole mechanism network (with CMO chains) as graphml, gexf or cyjs."""
    from cmo.views import graph_bytes, mechanism_graph

    return graph_bytes(mechanism_graph(store, review_id, chains=True), fmt)
