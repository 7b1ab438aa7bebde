"""`cmo import`, `export`, `validate`, `stats` and `reviews`: reviews in and out of the store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cmo.cli.draw import GRAPH_FORMATS, graph_export
from cmo.cli.output import StageProgress, echo_listing, format_option
from cmo.cli.session import pass_store
from cmo.errors import CmoError, ValidationFailed
from cmo.interchange.annotations import export_annotations
from cmo.interchange.importer import (
    IMPORT_FORMATS,
    anchor_imported,
    detect_format,
    import_file,
)
from cmo.interchange.rdf_files import (
    EXPORT_FORMATS,
    FORMATS,
    ImportReport,
    export_review,
    import_rdf,
)
from cmo.interchange.sheet_export import SHEET_EXPORT_FORMATS, concept_sheet, export_sheet
from cmo.questions.stats import review_stats
from cmo.review.reviews import list_reviews
from cmo.review.validation import validate_review
from cmo.store import Store


def _read(name: str) -> bytes:
    path = Path(name)
    if not path.is_file():
        raise CmoError(f"No such file: {name}")
    return path.read_bytes()


@click.command("import")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--review", required=True, help="review id (created when missing)")
@click.option("--format", "fmt", type=click.Choice(IMPORT_FORMATS),
              help="override the format guessed from the extension and content")
@click.option("--concepts", metavar="FILE", help="concept sheet to go with a CMO sheet")
@click.option("--check", is_flag=True, help="check and report; write nothing")
@click.option("--bulk", is_flag=True, help="a big sheet into a new review: use the bulk loader "
              "(faster on disk, not a transaction)")
@click.option("--no-validate", is_flag=True, help="skip the SHACL check before writing")
@pass_store
def import_files(store: Store, files: tuple[str, ...], review: str, fmt: str | None,
                 concepts: str | None, check: bool, bulk: bool, no_validate: bool) -> None:
    """Import sheets, reference libraries or RDF into a review.

    FILE is an extraction sheet (CSV, XLSX), a reference library (RIS, BibTeX) or RDF (Turtle,
    TriG, N-Triples, N-Quads, JSON-LD; several RDF files may go together). All or nothing: a
    file that does not parse, or a sheet with a bad row, imports nothing.
    """
    read = [(name, _read(name)) for name in files]
    kinds = {fmt or detect_format(name, data) for name, data in read}
    if len(read) > 1 and not kinds <= set(FORMATS):
        raise CmoError("Import one sheet or reference library at a time (several RDF files "
                       "may go together).")
    if len(read) > 1 or (kinds <= set(FORMATS) and concepts is None):
        rdf = [(name, data, FORMATS[fmt or detect_format(name, data)]) for name, data in read]
        report = anchor_imported(store, import_rdf(store, review, rdf,
                                                   validate=not no_validate, check=check))
    else:
        concept_file = (concepts, _read(concepts)) if concepts else None
        with StageProgress() as progress:
            report = import_file(store, review, *read[0], fmt=fmt, concepts=concept_file,
                                 check=check, progress=progress, bulk=bulk)
    _say_imported(report)


def _say_imported(report: ImportReport) -> None:
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    created = " (new review)" if report.created_review else ""
    verb = "Checked, nothing written:" if report.checked else "Imported"
    click.echo(f"{verb} {report.triples} triples ({report.cmocs} CMOcs, {report.studies} "
               f"studies, {report.concepts} concepts) from {report.files} file(s) into review "
               f"{report.review!r}{created}.")


@click.command()
@click.option("--review", required=True, help="review id")
@click.option("--format", "fmt", default="ttl", show_default=True,
              type=click.Choice((*EXPORT_FORMATS, *SHEET_EXPORT_FORMATS, *GRAPH_FORMATS,
                                 "annotations")),
              help="RDF, the extraction sheet, the mechanism network as a graph, or the quotes "
                   "as W3C Web Annotations")
@click.option("--concepts-out", metavar="FILE",
              help="with --format csv: also write the concept sheet to FILE")
@click.option("--out", metavar="FILE", help="file to write (default: standard output)")
@pass_store
def export(store: Store, review: str, fmt: str, concepts_out: str | None,
           out: str | None) -> None:
    """Write a review as RDF, a sheet, a network graph, or Web Annotations.

    RDF (ttl, trig, nq, jsonld), the extraction sheet (csv, xlsx), the mechanism network for
    Gephi, Cytoscape or yEd (graphml, gexf, cyjs), or every quote as a W3C Web Annotation in
    JSON-LD (annotations), anchored in its source where it has one.
    """
    if fmt == "annotations":
        data = export_annotations(store, review)
    elif fmt in GRAPH_FORMATS:
        data = graph_export(store, review, fmt)
    elif fmt in SHEET_EXPORT_FORMATS:
        data = export_sheet(store, review, fmt)
        if concepts_out:
            Path(concepts_out).write_bytes(concept_sheet(store, review))
    else:
        data = export_review(store, review, fmt)
    if out:
        Path(out).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


@click.command()
@click.option("--review", help="one review (default: all)")
@pass_store
@click.pass_context
def validate(ctx: click.Context, store: Store, review: str | None) -> None:
    """Check reviews against the SHACL shapes.

    Exit status 0 when every review checked conforms, 1 otherwise (each problem is printed).
    """
    review_ids = [review] if review else [r.id for r in list_reviews(store)]
    status = 0
    for review_id in review_ids:
        violations = validate_review(store, review_id)
        if violations:
            click.echo(ValidationFailed(violations, review_id).message)
            status = 1
        else:
            click.echo(f"Review {review_id!r} conforms.")
    ctx.exit(status)


@click.command()
@click.option("--review", help="one review (default: all)")
@format_option("table", "json")
@pass_store
def stats(store: Store, review: str | None, fmt: str) -> None:
    """Count what a review holds (CMOcs, studies, concepts, ...)."""
    counts = review_stats(store, review).model_dump()
    echo_listing(fmt, counts, list(counts.items()), ["what", "count"])


@click.command()
@format_option("table", "json")
@pass_store
def reviews(store: Store, fmt: str) -> None:
    """List the reviews in the store."""
    found = list_reviews(store)
    echo_listing(fmt, [r.model_dump(mode="json") for r in found],
                 [(r.id, r.title, "public" if r.public else "private") for r in found],
                 ["id", "title", "visibility"])
