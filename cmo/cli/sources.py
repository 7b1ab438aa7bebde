"""`cmo source` (add, list, show, remove a study's documents) and `cmo quotes check`."""

from __future__ import annotations

import click

from cmo.cli.output import echo_json, echo_listing, format_option
from cmo.cli.session import current_session, pass_reader, reading, writing
from cmo.cli.via_server import RunningServer
from cmo.errors import CmoError
from cmo.sources.catalogue import get_page, get_source, list_sources
from cmo.sources.documents import add_source, remove_source
from cmo.sources.quotes import check_quotes
from cmo.store import Store
from cmo.words import counted


@click.group("source")
def source() -> None:
    """The documents of a study (PDF, Word, HTML, text) that quotes are anchored in."""


@source.command("add")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--review", required=True, help="review id")
@click.option("--study", required=True, help="key of the study the document belongs to")
@format_option("text", "json")
def add(file: str, review: str, study: str, fmt: str) -> None:
    """Add a document to a study, and anchor the study's unanchored quotes in it (through
    `cmo serve` while it runs on the store)."""
    try:
        with open(file, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise CmoError(f"Cannot read {file}: {exc.strerror}") from exc
    report = writing(lambda store: add_source(store, review, study, file, data),
                     lambda server: server.add_source(review, study, file, data))
    if fmt == "json":
        echo_json(report.model_dump(mode="json"))
        return
    s = report.source
    click.echo(f"Added source {s.id} ({s.file_name}, {s.page_count} pages) to study "
               f"{s.study!r}: {report.summary()}.")


@source.command("list")
@click.option("--review", required=True, help="review id")
@format_option("table", "json")
@pass_reader
def list_(store: Store, review: str, fmt: str) -> None:
    """List the documents of a review."""
    found = list_sources(store, review)
    echo_listing(fmt, [s.model_dump(mode="json", exclude={"pages"}) for s in found],
                 [(s.id, s.study, s.file_name, s.page_count, s.chars) for s in found],
                 ["id", "study", "file", "pages", "characters"])


@source.command("show")
@click.argument("source_id", metavar="SOURCE")
@click.option("--review", required=True, help="review id")
@click.option("--page", type=int, help="print the text of this page (from 1)")
@format_option("text", "json")
@pass_reader
def show(store: Store, source_id: str, review: str, page: int | None, fmt: str) -> None:
    """Show a document: what is known of it and its pages, or one page's text."""
    if page is not None:
        found = get_page(store, review, source_id, page)
        if fmt == "json":
            echo_json(found.model_dump(mode="json"))
        else:
            click.echo(found.text)
        return
    s = get_source(store, review, source_id, text=fmt == "json")
    if fmt == "json":
        echo_json(s.model_dump(mode="json"))
        return
    click.echo(f"{s.id}: {s.file_name} ({s.media_type}) of study {s.study!r}\n"
               f"  {s.page_count} pages, {s.chars} characters, added {s.added}\n"
               f"  sha256 {s.sha256}")
    for p in s.pages:
        click.echo(f"  page {p.number}: {p.start}-{p.end}")


@source.command("remove")
@click.argument("source_id", metavar="SOURCE")
@click.option("--review", required=True, help="review id")
@click.option("--force", is_flag=True, help="detach the quotes anchored in it (they keep text "
              "and page)")
def remove(source_id: str, review: str, force: bool) -> None:
    """Remove a document; refused while quotes are anchored in it, unless --force (through
    `cmo serve` while it runs on the store)."""
    store = current_session().writer()
    if isinstance(store, RunningServer):
        store.remove_source(review, source_id, force)
        click.echo(f"Removed source {source_id}.")
        return
    detached = remove_source(store, review, source_id, force=force)
    click.echo(f"Removed source {source_id}" + (f"; detached {counted(detached, 'quote')}."
                                                 if detached else "."))


@click.group("quotes")
def quotes() -> None:
    """The quotes of a review, against their studies' documents."""


@quotes.command("check")
@click.option("--review", required=True, help="review id")
@click.option("--fix", is_flag=True, help="re-anchor the quotes found elsewhere (moved)")
@format_option("table", "json")
@click.pass_context
def check(ctx: click.Context, review: str, fix: bool, fmt: str) -> None:
    """Check every quote: anchored, moved, not found (with the closest passage), no source.

    Exit status 1 when any quote is not found in its study's documents. A check runs beside
    `cmo serve`; --fix goes through it while it runs on the store.
    """
    if fix:
        report = writing(lambda store: check_quotes(store, review, fix=True),
                         lambda server: server.fix_quotes(review))
    else:
        report = reading(lambda store: check_quotes(store, review))
    if fmt == "json":
        echo_json(report.model_dump(mode="json"))
    else:
        rows = []
        for q in report.quotes:
            where = q.anchor or q.found or q.closest
            note = f"p. {where.page}" if where else ""
            if q.closest is not None:
                note += f", {q.closest.similarity:.2f}: {q.closest.text}"
            elif q.candidates:
                note = "pp. " + ", ".join(str(c.page) for c in q.candidates)
            rows.append((q.cmoc, q.evidence, q.status, note, q.quote))
        echo_listing(fmt, None, rows, ["cmoc", "n", "status", "where", "quote"])
        click.echo(report.summary())
    ctx.exit(1 if report.counts.get("not_found") else 0)
