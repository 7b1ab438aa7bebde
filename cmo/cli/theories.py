"""`cmo theory`: programme theory versions, the CMOcs that support, refute or refine them, a new
version made with its recorded change, and two versions compared.

The writes (`new-version`, `link`) go through `cmo serve` while it runs on the store."""

from __future__ import annotations

from pathlib import Path

import click

from cmo.cli.output import echo_json, echo_listing, format_option
from cmo.cli.session import reading, writing
from cmo.model.records import ProgrammeTheory, TheoryPart, TheoryRelation, validated
from cmo.model.theories import (
    LinkedCmoc,
    NewTheoryVersion,
    TheoryDiff,
    TheoryLinking,
    TheoryLinkRequest,
)
from cmo.questions.bulk import chooser
from cmo.rdf.provenance import acting_as
from cmo.review.theories import list_theories
from cmo.review.theory_diff import diff_theories
from cmo.review.theory_links import link_cmocs, new_theory_version, theory_detail
from cmo.store import Store
from cmo.words import counted

#: Who a change made on the store itself is recorded as (through a server: its admin, named so).
COMMAND_LINE = "cmo (command line)"
_RELATIONS = [r.value for r in TheoryRelation]


@click.group()
def theory() -> None:
    """Programme theory versions: show, refine with evidence, link CMOcs, compare."""


@theory.command("list")
@click.option("--review", required=True, help="review id")
@format_option("table", "json")
def list_command(review: str, fmt: str) -> None:
    """List every version of every programme theory."""
    found = reading(lambda store: list_theories(store, review))
    echo_listing(fmt, [t.model_dump(mode="json") for t in found],
                 [(t.id, t.label, t.version, t.revision_of or "") for t in found],
                 ["id", "label", "version", "revises"])


@theory.command()
@click.argument("theory_id")
@click.option("--review", required=True, help="review id")
@format_option("text", "json")
def show(theory_id: str, review: str, fmt: str) -> None:
    """Show a version: statement, parts, the change that made it, its CMOcs by relation."""
    detail = reading(lambda store: theory_detail(store, review, theory_id))
    if fmt == "json":
        echo_json(detail.model_dump(mode="json"))
        return
    t = detail.theory
    click.echo(f"{t.id}: {t.label} (version {t.version}"
               f"{', revises ' + t.revision_of if t.revision_of else ''})")
    if t.statement:
        click.echo(f"  statement: {t.statement}")
    for word, part in (("if", t.context), ("then", t.outcome), ("because", t.mechanism)):
        if part is not None:
            about = f" [{'; '.join(part.concepts)}]" if part.concepts else ""
            click.echo(f"  {word}: {part.text or ''}{about}")
    if t.change is not None:
        click.echo(f"  change: {t.change.what} (by {t.change.by or 'unknown'}"
                   f"{', ' + t.change.at.isoformat() if t.change.at else ''})")
        if t.change.rationale:
            click.echo(f"  rationale: {t.change.rationale}")
        if t.change.cmocs:
            click.echo(f"  justified by: {', '.join(t.change.cmocs)}")
    for relation in TheoryRelation:
        linked = [c for c, r in detail.links.items() if r == relation]
        if linked:
            click.echo(f"  {relation.value}: {', '.join(linked)}")
    if detail.later_versions:
        click.echo(f"  revised by: {', '.join(detail.later_versions)}")
    click.echo(f"  diagram: cmo draw --review {review} --theory {t.id}")


def _part(text: str | None, concepts: tuple[str, ...]) -> TheoryPart | None:
    return TheoryPart(text=text, concepts=list(concepts)) if text or concepts else None


@theory.command("new-version")
@click.argument("earlier")
@click.option("--review", required=True, help="review id")
@click.option("--what", required=True, help="what changed, in a sentence")
@click.option("--rationale", help="why: the reviewer's memo")
@click.option("--rationale-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="read the rationale from a UTF-8 text file")
@click.option("--cmoc", "cmocs", multiple=True, help="a CMOc that justifies the change "
              "(repeat)")
@click.option("--id", "new_id", help="the new version's id (default: EARLIER's with the next "
              "version number, e.g. peer-support-v2)")
@click.option("--label", help="a new name (default: EARLIER's)")
@click.option("--statement", help="the new statement (default: EARLIER's)")
@click.option("--if", "if_text", help="the \"if ...\" (context) part")
@click.option("--if-concept", multiple=True, help="a context concept the if part is about")
@click.option("--then", "then_text", help="the \"then ...\" (outcome) part")
@click.option("--then-concept", multiple=True, help="an outcome concept the then part is about")
@click.option("--because", "because_text", help="the \"because ...\" (mechanism) part")
@click.option("--because-concept", multiple=True,
              help="a mechanism concept the because part is about")
@click.option("--carry-over", is_flag=True, help="link EARLIER's CMOcs to the new version too, "
              "each with its relation")
@format_option("text", "json")
def new_version(earlier: str, review: str, what: str, rationale: str | None,
                rationale_file: Path | None, cmocs: tuple[str, ...], new_id: str | None,
                label: str | None, statement: str | None, if_text: str | None,
                if_concept: tuple[str, ...], then_text: str | None,
                then_concept: tuple[str, ...], because_text: str | None,
                because_concept: tuple[str, ...], carry_over: bool, fmt: str) -> None:
    """Make the next version of a theory from EARLIER, recording what changed, why, on which
    CMOcs, by whom and when, in one write. Parts left out are taken from EARLIER.

    Example: cmo theory new-version peer-support-v1 --review peer-support --what "adds
    intensity" --rationale "low-intensity support did not work" --cmoc c05 --carry-over
    """
    fields: dict[str, object] = {"what": what, "cmocs": list(cmocs), "carry_over": carry_over}
    if rationale_file is not None:
        rationale = rationale_file.read_text(encoding="utf-8")
    given = {"id": new_id, "label": label, "statement": statement, "rationale": rationale,
             "context": _part(if_text, if_concept), "outcome": _part(then_text, then_concept),
             "mechanism": _part(because_text, because_concept)}
    fields.update({k: v for k, v in given.items() if v is not None})
    new = validated(NewTheoryVersion, fields, "The new version")

    def here(store: Store) -> ProgrammeTheory:
        with acting_as(COMMAND_LINE):
            return new_theory_version(store, review, earlier, new)

    made = writing(here, lambda server: server.new_theory_version(review, earlier, new))
    if fmt == "json":
        echo_json(made.model_dump(mode="json"))
        return
    click.echo(f"Made {made.id!r} (version {made.version}) from {earlier!r}"
               f"{', carrying over its CMOcs' if carry_over else ''}.")


@theory.command()
@click.argument("theory_id")
@click.option("--review", required=True, help="review id")
@click.option("--relation", required=True, type=click.Choice(_RELATIONS, case_sensitive=False),
              help="how the CMOcs bear on the version (tested: tested against)")
@click.option("--cmoc", "cmocs", multiple=True, help="a CMOc id (repeat); with filters, only "
              "those of them that match")
@click.option("--context", help="CMOcs with this context (label or synonym)")
@click.option("--mechanism", help="CMOcs with this mechanism")
@click.option("--outcome", help="CMOcs with this outcome")
@click.option("--study", help="CMOcs from this study (key)")
@click.option("--design", help="CMOcs from studies of this design")
@click.option("--min-confidence", help="CMOcs the reviewer trusts at least this much")
@click.option("--fired-only", is_flag=True, help="only CMOcs whose mechanism fired")
@click.option("--direction", help="CMOcs with this outcome direction")
@click.option("--in-theory", help="CMOcs already linked to this theory (id or label)")
@click.option("--min-relevance", help="CMOcs with a study of at least this relevance")
@click.option("--min-rigour", help="CMOcs with a study of at least this rigour")
@format_option("text", "json")
def link(theory_id: str, review: str, relation: str, cmocs: tuple[str, ...],
         context: str | None, mechanism: str | None, outcome: str | None, study: str | None,
         design: str | None, min_confidence: str | None, fired_only: bool,
         direction: str | None, in_theory: str | None, min_relevance: str | None,
         min_rigour: str | None, fmt: str) -> None:
    """Relate many CMOcs to a version in one write: by id (--cmoc), or every CMOc matching the
    filters. An unknown CMOc, concept or theory writes nothing.

    Example: cmo theory link peer-support-v2 --review peer-support --relation refutes
    --context "low intensity support"
    """
    request = validated(TheoryLinkRequest, {
        "relation": relation, "ids": list(cmocs) or None, "context": context,
        "mechanism": mechanism, "outcome": outcome, "study": study, "design": design,
        "min_confidence": min_confidence, "fired_only": fired_only, "direction": direction,
        "theory": in_theory, "min_relevance": min_relevance, "min_rigour": min_rigour},
        "The link")

    def here(store: Store) -> TheoryLinking:
        with acting_as(COMMAND_LINE):
            return link_cmocs(store, review, theory_id, request.relation, chooser(request))

    done = writing(here, lambda server: server.link_theory(review, theory_id, request))
    if fmt == "json":
        echo_json(done.model_dump(mode="json"))
        return
    click.echo(f"Linked {counted(len(done.cmocs), 'CMOc')} to {theory_id!r} as "
               f"{request.relation.value}: {done.added} new, {done.changed} re-related.")


def _cmoc_lines(c: LinkedCmoc) -> list[str]:
    arrow = "->" if c.mechanism_fired else "-/->"
    head = (f"    {c.id}: {c.before.value if c.before else '-'} => "
            f"{c.after.value if c.after else '-'}   {'; '.join(c.contexts)} {arrow} "
            f"{c.mechanism or ''} -> {'; '.join(c.outcomes)}")
    if not c.in_review:
        head = f"    {c.id}: (no longer in the review)"
    return [head, *(f"      \"{e.quote}\" ({e.study or 'study?'}, p. {e.page or '?'})"
                    for e in c.evidence)]


def diff_text(d: TheoryDiff) -> list[str]:
    """A diff as a reviewer reads it: what changed, then the evidence for it."""
    out = [f"{d.a.id} (version {d.a.version}) -> {d.b.id} (version {d.b.version})"]
    if d.label.changed:
        out.append(f"  label: {d.label.before!r} -> {d.label.after!r}")
    out.append("  statement: " + ("changed" if d.statement.changed else "unchanged"))
    if d.statement.changed:
        out += [f"    - {d.statement.before or ''}", f"    + {d.statement.after or ''}"]
    for p in d.parts:
        if p.text.changed or p.concepts_added or p.concepts_removed:
            out.append(f"  {p.part} part: {p.text.before or '-'!s} -> {p.text.after or '-'!s}")
            out += [f"    + {c}" for c in p.concepts_added]
            out += [f"    - {c}" for c in p.concepts_removed]
    for title, cmocs in (("added", d.added), ("removed", d.removed),
                         ("re-related", d.re_related)):
        out.append(f"  CMOcs {title}: {len(cmocs)}")
        for c in cmocs:
            out += _cmoc_lines(c)
    out.append(f"  CMOcs unchanged: {len(d.unchanged)}")
    for r in d.changes:
        when = r.change.at.isoformat() if r.change.at else "?"
        out.append(f"  change to {r.version}: {r.change.what} (by {r.change.by or '?'}, {when})")
        if r.change.rationale:
            out.append(f"    rationale: {r.change.rationale}")
        for c in r.justified_by:
            out += _cmoc_lines(c)
    return out


@theory.command()
@click.argument("a")
@click.argument("b")
@click.option("--review", required=True, help="review id")
@format_option("text", "json")
def diff(a: str, b: str, review: str, fmt: str) -> None:
    """Compare versions A and B: statements, parts, CMOcs added, removed or re-related (with
    their quotes), and the recorded changes between them with their evidence."""
    found = reading(lambda store: diff_theories(store, review, a, b))
    if fmt == "json":
        echo_json(found.model_dump(mode="json"))
        return
    click.echo("\n".join(diff_text(found)))

