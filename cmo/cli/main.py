"""The `cmo` command: import, export, validate and summarise realist reviews.

The store comes from ``--store URL`` or ``$CMO_STORE`` (default ``oxigraph:./cmo-data``).
Exit status: 0 on success, 1 when the input or the data is refused (the reason is printed),
2 for a mistake in the command line or the settings themselves.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from cmo.cli.draw import GRAPH_FORMATS, add_draw_parser, graph_export
from cmo.cli.progress import ProgressBar
from cmo.cli.query import add_query_parser, print_table
from cmo.cli.service import UsageError, add_service_parsers
from cmo.errors import CmoError, ValidationFailed
from cmo.interchange.importer import IMPORT_FORMATS, detect_format, import_file
from cmo.interchange.rdf_files import EXPORT_FORMATS, FORMATS, export_review, import_rdf
from cmo.interchange.sheet_export import SHEET_EXPORT_FORMATS, concept_sheet, export_sheet
from cmo.questions.stats import review_stats
from cmo.review.reviews import list_reviews
from cmo.review.validation import validate_review
from cmo.store import Store, open_store

Handler = Callable[[argparse.Namespace, Store], int]


def _read(name: str) -> bytes:
    path = Path(name)
    if not path.is_file():
        raise CmoError(f"No such file: {name}")
    return path.read_bytes()


def cmd_import(args: argparse.Namespace, store: Store) -> int:
    """cmo import FILE... --review ID [--format F] [--concepts FILE] [--check]"""
    files = [(name, _read(name)) for name in args.files]
    kinds = {args.format or detect_format(name, data) for name, data in files}
    if len(files) > 1 and not kinds <= set(FORMATS):
        raise CmoError("Import one sheet or reference library at a time (several RDF files "
                       "may go together).")
    if len(files) > 1 or (kinds <= set(FORMATS) and args.concepts is None):
        rdf = [(name, data, FORMATS[args.format or detect_format(name, data)])
               for name, data in files]
        report = import_rdf(store, args.review, rdf, validate=not args.no_validate,
                            check=args.check)
    else:
        concepts = (args.concepts, _read(args.concepts)) if args.concepts else None
        report = import_file(store, args.review, *files[0], fmt=args.format, concepts=concepts,
                             check=args.check, progress=ProgressBar(), bulk=args.bulk)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    created = " (new review)" if report.created_review else ""
    verb = "Checked, nothing written:" if report.checked else "Imported"
    print(f"{verb} {report.triples} triples ({report.cmocs} CMOcs, {report.studies} studies, "
          f"{report.concepts} concepts) from {report.files} file(s) into review "
          f"{report.review!r}{created}.")
    return 0


def cmd_export(args: argparse.Namespace, store: Store) -> int:
    """cmo export --review ID --format ttl|trig|nq|jsonld|csv|xlsx|graphml|gexf|cyjs"""
    if args.format in GRAPH_FORMATS:
        data = graph_export(store, args.review, args.format)
    elif args.format in SHEET_EXPORT_FORMATS:
        data = export_sheet(store, args.review, args.format)
        if args.concepts_out:
            Path(args.concepts_out).write_bytes(concept_sheet(store, args.review))
    else:
        data = export_review(store, args.review, args.format)
    if args.out:
        Path(args.out).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_validate(args: argparse.Namespace, store: Store) -> int:
    """cmo validate [--review ID]: 0 when every review checked conforms, 1 otherwise."""
    review_ids = [args.review] if args.review else [r.id for r in list_reviews(store)]
    status = 0
    for review_id in review_ids:
        violations = validate_review(store, review_id)
        if violations:
            print(ValidationFailed(violations, review_id).message)
            status = 1
        else:
            print(f"Review {review_id!r} conforms.")
    return status


def cmd_stats(args: argparse.Namespace, store: Store) -> int:
    """cmo stats [--review ID] [--format table|json]"""
    stats = review_stats(store, args.review)
    if args.format == "json":
        print(json.dumps(stats.model_dump(), indent=2))
    else:
        print_table(list(stats.model_dump().items()), ["what", "count"])
    return 0


def cmd_reviews(args: argparse.Namespace, store: Store) -> int:
    """cmo reviews: list the reviews in the store."""
    reviews = list_reviews(store)
    if args.format == "json":
        print(json.dumps([r.model_dump(mode="json") for r in reviews], indent=2))
    else:
        print_table([(r.id, r.title, "public" if r.public else "private") for r in reviews],
                     ["id", "title", "visibility"])
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `cmo` command."""
    parser = argparse.ArgumentParser(prog="cmo", description="A knowledge graph for realist "
                                     "reviews: CMO configurations as RDF.")
    parser.add_argument("--store", help="oxigraph:PATH or memory: (default: $CMO_STORE, "
                                        "else oxigraph:./cmo-data)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("import", help="import a sheet (CSV/XLSX), references (RIS/BibTeX) or "
                                      "RDF files into a review (all or nothing)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--review", required=True, help="review id (created when missing)")
    p.add_argument("--format", choices=IMPORT_FORMATS,
                   help="override the format guessed from the extension and content")
    p.add_argument("--concepts", metavar="FILE", help="concept sheet to go with a CMO sheet")
    p.add_argument("--check", action="store_true", help="check and report; write nothing")
    p.add_argument("--bulk", action="store_true", help="a big sheet into a new review: use the "
                   "bulk loader (faster on disk, not a transaction)")
    p.add_argument("--no-validate", action="store_true",
                   help="skip the SHACL check before writing")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("export", help="write a review as RDF, as its extraction sheet, or its "
                                      "mechanism network as a graph (Gephi, Cytoscape, yEd)")
    p.add_argument("--review", required=True)
    p.add_argument("--format", choices=(*EXPORT_FORMATS, *SHEET_EXPORT_FORMATS, *GRAPH_FORMATS),
                   default="ttl")
    p.add_argument("--concepts-out", metavar="FILE",
                   help="with --format csv: also write the concept sheet to FILE")
    p.add_argument("--out", help="file to write (default: standard output)")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("validate", help="check reviews against the SHACL shapes")
    p.add_argument("--review", help="one review (default: all)")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("stats", help="count what a review holds")
    p.add_argument("--review", help="one review (default: all)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=cmd_stats)

    add_query_parser(sub)
    add_draw_parser(sub)
    add_service_parsers(sub)

    p = sub.add_parser("reviews", help="list the reviews in the store")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=cmd_reviews)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `cmo` command; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        store = open_store(args.store)
    except CmoError as exc:
        print(f"cmo: {exc.message}", file=sys.stderr)
        return 1
    try:
        handler: Handler = args.handler
        return handler(args, store)
    except CmoError as exc:
        print(f"cmo: {exc.message}", file=sys.stderr)
        return 2 if isinstance(exc, UsageError) else 1
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
