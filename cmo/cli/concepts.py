"""`cmo concepts orphans`: the concepts no CMOc refers to, listed and, with --prune, deleted;
`cmo concepts merge`: a typo'd concept merged into the right one."""

from __future__ import annotations

import click

from cmo.cli.output import echo_json, echo_listing, format_option
from cmo.cli.session import reading, writing
from cmo.model.records import ConceptKind
from cmo.review.concepts import merge_concepts, orphan_concepts, prune_orphans
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
        found = writing(lambda store: prune_orphans(store, review),
                        lambda server: server.prune_orphans(review))
    else:
        found = reading(lambda store: orphan_concepts(store, review))
    echo_listing(fmt, [c.model_dump(mode="json") for c in found],
                 [(c.kind.value, c.label) for c in found], ["kind", "label"])
    if fmt == "table":
        verb = "Pruned" if prune else "Found"
        click.echo(f"{verb} {counted(len(found), 'orphan concept')} in review {review!r}.",
                   err=True)


@concepts.command()
@click.argument("merged")
@click.option("--into", "keep", required=True, help="label (or synonym) of the concept to keep")
@click.option("--kind", required=True, type=click.Choice([k.value for k in ConceptKind]),
              help="the kind of both concepts")
@click.option("--review", required=True, help="review id")
@format_option("text", "json")
def merge(merged: str, keep: str, kind: str, review: str, fmt: str) -> None:
    """Merge the concept MERGED into another (--into), in one write.

    Its CMOcs and narrower concepts move to the kept concept, its label and synonyms become
    synonyms of it, and the merge is recorded in the review's provenance. Example:
    cmo concepts merge "perceived usefullness" --into "perceived usefulness" --kind mechanism
    (through `cmo serve` while it runs on the store)
    """
    done = writing(lambda store: merge_concepts(store, review, keep, merged,
                                                kind=ConceptKind(kind)),
                   lambda server: server.merge_concepts(review, keep, merged, ConceptKind(kind)))
    if fmt == "json":
        echo_json(done.model_dump(mode="json"))
        return
    click.echo(f"Merged {kind} {done.merged!r} into {done.kept.label!r}: {len(done.cmocs)} "
               f"CMOc(s) and {len(done.narrower)} narrower concept(s) moved; "
               f"{done.merged!r} is now a synonym.")
