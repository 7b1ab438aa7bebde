"""`cmo import`, `export`, `validate`, `stats`, `reviews` and `visibility`: reviews in and out
of the store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cmo.cli.draw import GRAPH_FORMATS, graph_export
from cmo.cli.output import StageProgress, echo_listing, format_option, wide_option
from cmo.cli.session import current_session, pass_reader, reading, writing
from cmo.cli.via_server import RunningServer
from cmo.errors import CmoError, UsageError, ValidationFailed
from cmo.interchange.annotations import export_annotations
from cmo.interchange.importer import (
    IMPORT_FORMATS,
    anchor_imported,
    detect_format,
    import_file,
)
from cmo.interchange.qdpx import QdpxOptions, export_qdpx, parse_assemble, read_code_map
from cmo.interchange.rdf_files import (
    EXPORT_FORMATS,
    FORMATS,
    ImportReport,
    export_review,
    import_rdf,
)
from cmo.interchange.sheet_export import SHEET_EXPORT_FORMATS, concept_sheet, export_sheet
from cmo.model.records import NewConcept, NewConcepts
from cmo.questions.stats import review_stats
from cmo.review.reviews import list_reviews, update_review
from cmo.review.validation import validate_review
from cmo.store import Store
from cmo.words import counted

LISTED = 50
"""How many new concepts an import summary lists by name (the rest are counted)."""


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
@click.option("--bulk", is_flag=True, help="a big sheet or .qdpx into a new review: use the bulk "
              "loader (faster on disk, not a transaction)")
@click.option("--no-validate", is_flag=True, help="skip the SHACL check before writing")
@click.option("--no-new-concepts", is_flag=True, help="refuse a file whose labels name "
              "concepts the review does not have (each named by row and column)")
@click.option("--map", "code_map", metavar="CSV", help="with a .qdpx: code_path,kind rows "
              "naming the kind of codes outside Context/Mechanism/Resource/Outcome")
@click.option("--assemble", metavar="window=N", help="with a .qdpx: also make CMOcs of "
              "passages coded C, M and O within N characters of each other in one source")
def import_files(files: tuple[str, ...], review: str, fmt: str | None, concepts: str | None,
                 check: bool, bulk: bool, no_validate: bool, no_new_concepts: bool,
                 code_map: str | None, assemble: str | None) -> None:
    """Import sheets, reference libraries, RDF or REFI-QDA projects into a review.

    FILE is an extraction sheet (CSV, XLSX), a reference library (RIS, BibTeX), RDF (Turtle,
    TriG, N-Triples, N-Quads, JSON-LD; several RDF files may go together) or a REFI-QDA project
    from NVivo, ATLAS.ti, MAXQDA or QualCoder (.qdpx; see docs/refi-qda.md). All or nothing: a
    file that does not parse, or a sheet with a bad row, imports nothing. The summary names the
    concepts the import creates, and warns of each one close to an existing label or synonym
    (a typo?); --no-new-concepts refuses them instead. While `cmo serve` runs on the store, the
    import goes through it.
    """
    policy: NewConcepts = "refuse" if no_new_concepts else "allow"
    read = [(name, _read(name)) for name in files]
    kinds = {fmt or detect_format(name, data) for name, data in read}
    if len(read) > 1 and not kinds <= set(FORMATS):
        raise CmoError("Import one sheet or reference library at a time (several RDF files "
                       "may go together).")
    concept_file = (concepts, _read(concepts)) if concepts else None
    map_file = (code_map, _read(code_map)) if code_map else None
    qdpx = QdpxOptions(read_code_map(*map_file) if map_file else {},
                       parse_assemble(assemble) if assemble else None)
    if (code_map or assemble) and not kinds <= {"qdpx"}:
        raise UsageError("--map and --assemble go with a REFI-QDA project (.qdpx).")
    store = current_session().writer()
    if isinstance(store, RunningServer):
        if no_validate:
            raise UsageError(f"--no-validate cannot be used through {store.describe()}, which "
                             "checks every import: stop it to import without the check.")
        if bulk:
            click.echo("note: --bulk is not used through a running server: the import is one "
                       "transaction.", err=True)
        report = store.import_files(review, read, concept_file, fmt, check, policy,
                                    map_file, assemble)
    elif len(read) > 1 or (kinds <= set(FORMATS) and concepts is None):
        rdf = [(name, data, FORMATS[fmt or detect_format(name, data)]) for name, data in read]
        report = anchor_imported(store, import_rdf(store, review, rdf,
                                                   validate=not no_validate, check=check,
                                                   new_concepts=policy))
    else:
        with StageProgress() as progress:
            report = import_file(store, review, *read[0], fmt=fmt, concepts=concept_file,
                                 check=check, progress=progress, bulk=bulk,
                                 new_concepts=policy, qdpx=qdpx)
    _say_imported(report)


def _say_imported(report: ImportReport) -> None:
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    created = " (new review)" if report.created_review else ""
    verb = "Checked, nothing written:" if report.checked else "Imported"
    click.echo(f"{verb} {counted(report.triples, 'triple')} ({counted(report.cmocs, 'CMOc')}, "
               f"{counted(report.studies, 'study')}, {counted(report.concepts, 'concept')}) from "
               f"{counted(report.files, 'file')} into review {report.review!r}{created}.")
    if report.sources or report.codings or report.unmapped_codes:
        _say_project(report)
    say_new_concepts(report.new_concepts, report.warnings)


def _say_project(report: ImportReport) -> None:
    kinds = ", ".join(f"{n} {k}" for k, n in report.concepts_by_kind.items()) or "none"
    click.echo(f"  {counted(report.sources, 'source')}, {counted(report.studies, 'new study')}; "
               f"concepts by kind: {kinds}; {counted(report.cmocs, 'CMOc')}; "
               f"{counted(report.codings, 'unassigned coding')}")
    if report.unmapped_codes:
        shown = report.unmapped_codes[:LISTED]
        more = len(report.unmapped_codes) - len(shown)
        click.echo(f"Codes not mapped ({len(report.unmapped_codes)}; name their kind with "
                   "--map):")
        for path in shown:
            click.echo(f"  {path}")
        if more:
            click.echo(f"  ... and {more} more")


def say_new_concepts(new: list[NewConcept], warnings: list[str]) -> None:
    """Name the concepts a write created (the first `LISTED`), then warn of likely typos."""
    if new:
        click.echo(f"New concepts ({len(new)}):")
        for c in new[:LISTED]:
            click.echo(f"  {c.kind.value:<12} {c.label}")
        if len(new) > LISTED:
            click.echo(f"  ... and {len(new) - LISTED} more")
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


@click.command()
@click.option("--review", required=True, help="review id")
@click.option("--format", "fmt", default="ttl", show_default=True,
              type=click.Choice((*EXPORT_FORMATS, *SHEET_EXPORT_FORMATS, *GRAPH_FORMATS,
                                 "annotations", "qdpx")),
              help="RDF, the extraction sheet, the mechanism network as a graph, the quotes "
                   "as W3C Web Annotations, or a REFI-QDA project")
@click.option("--concepts-out", metavar="FILE",
              help="with --format csv: also write the concept sheet to FILE")
@click.option("--out", metavar="FILE", help="file to write (default: standard output)")
@pass_reader
def export(store: Store, review: str, fmt: str, concepts_out: str | None,
           out: str | None) -> None:
    """Write a review as RDF, a sheet, a network graph, Web Annotations or a REFI-QDA project.

    RDF (ttl, trig, nq, jsonld), the extraction sheet (csv, xlsx), the mechanism network for
    Gephi, Cytoscape or yEd (graphml, gexf, cyjs), every quote as a W3C Web Annotation in
    JSON-LD (annotations), anchored in its source where it has one, or a REFI-QDA project for
    NVivo, ATLAS.ti, MAXQDA and QualCoder (qdpx: sources, codes, coded quotes, CMOcs as links).
    """
    if fmt == "qdpx":
        data = export_qdpx(store, review)
    elif fmt == "annotations":
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
@pass_reader
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
@pass_reader
def stats(store: Store, review: str | None, fmt: str) -> None:
    """Count what a review holds (CMOcs, studies, concepts, ...)."""
    counts = review_stats(store, review).model_dump()
    echo_listing(fmt, counts, list(counts.items()), ["what", "count"])


@click.group(invoke_without_command=True)
@format_option("table", "json")
@wide_option
@click.pass_context
def reviews(ctx: click.Context, fmt: str, wide: bool) -> None:
    """List the reviews in the store (or change one: `cmo reviews set`)."""
    if ctx.invoked_subcommand is not None:
        return
    found = reading(list_reviews)
    echo_listing(fmt, [r.model_dump(mode="json") for r in found],
                 [(r.id, r.title, "public" if r.public else "private") for r in found],
                 ["id", "title", "visibility"], wide)


@reviews.command("set")
@click.option("--review", required=True, help="review id")
@click.option("--title", help="the review's new title")
@click.option("--question", help="the review's new question")
def set_review(review: str, title: str | None, question: str | None) -> None:
    """Change a review's title or question (its visibility: `cmo visibility`).

    While `cmo serve` runs on the store, the change goes through it."""
    if title is None and question is None:
        raise click.UsageError("Give --title, --question or both.")
    changes = {k: v for k, v in (("title", title), ("question", question)) if v is not None}
    updated = writing(lambda store: update_review(store, review, title=title, question=question),
                      lambda server: server.update_review(review, **changes))
    click.echo(f"Review {updated.id!r}: {updated.title!r}"
               + (f", asking {updated.question!r}." if updated.question else "."))


@click.command()
@click.argument("visibility", type=click.Choice(("public", "private")))
@click.option("--review", required=True, help="review id")
def visibility(visibility: str, review: str) -> None:
    """Make a review public or private.

    Anyone may read a public review; a private one only those its tokens let in. Only this
    command, or an admin or editor through the API, changes a review's visibility:
    an import never does, whatever the file says (`rkg:public`). A new review is private.
    While `cmo serve` runs on the store, the change goes through it.
    """
    public = visibility == "public"
    updated = writing(lambda store: update_review(store, review, public=public),
                      lambda server: server.update_review(review, public=public))
    click.echo(f"Review {updated.id!r} is now {visibility}.")
