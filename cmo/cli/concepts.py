"""`cmo concepts orphans`: the concepts no CMOc refers to, listed and, with --prune, deleted."""

from __future__ import annotations

import click

from cmo.cli.output import echo_listing, format_option
from cmo.cli.session import current_session, reading
from cmo.cli.via_server import RunningServer
from cmo.review.concepts import orphan_concepts, prune_orphans
from cmo.words import counted


@click.group()
def concepts() -> None:
    """Look after a review's concepts (contexts, mechanisms, outcomes, ...)."""


@concepts.command()
@click.option("--review", required=True, help="review id")
@click.option("--prune", is_flag=True, help="delete them (in one write); autocomplete and "
              "suggestions no longer offer them")
@format_option("table", "json")
def orphans(review: str, prune: bool, fmt: str) -> None:
    """List the concepts no CMOc refers to, directly or through a narrower concept.

    Typos whose CMOc was corrected or deleted stay behind as orphans; --prune deletes them
    (through `cmo serve` while it runs on the store).
    """
    if prune:
        store = current_session().writer()
        found = (store.prune_orphans(review) if isinstance(store, RunningServer)
                 else prune_orphans(store, review))
    else:
        found = reading(lambda store: orphan_concepts(store, review))
    echo_listing(fmt, [c.model_dump(mode="json") for c in found],
                 [(c.kind.value, c.label) for c in found], ["kind", "label"])
    if fmt == "table":
        verb = "Pruned" if prune else "Found"
        click.echo(f"{verb} {counted(len(found), 'orphan concept')} in review {review!r}.",
                   err=True)
