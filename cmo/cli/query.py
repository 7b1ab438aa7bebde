"""`cmo query QUESTION`: the reviewer's questions, one command each, as a table, JSON or CSV.

Every question takes ``--review`` (repeatable; default: all reviews) and ``--format``; all but
`chains` take the CMOc filters (``--design``, ``--min-confidence``, ``--fired-only``,
``--direction``, ``--theory``, ``--min-relevance``, ``--min-rigour``), whose choices come from
the model's enums.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable
from typing import Any

import click
from pydantic import BaseModel

from cmo.cli.answers import answer_rows
from cmo.cli.output import (
    CELL_WIDTH,
    echo_json,
    echo_listing,
    format_option,
    print_table,
    wide_option,
)
from cmo.cli.session import reading
from cmo.errors import UnknownValue
from cmo.model.answers import Chains, Contradictions
from cmo.model.appraisal import Relevance, Rigour
from cmo.model.records import Confidence, Direction, StudyDesign, Words, choose
from cmo.questions import engine as q
from cmo.review.codings import list_codings
from cmo.store import Store

Question = Callable[..., BaseModel]

class Word(click.ParamType[Words]):
    """One of a fixed set of tokens, in any case (a design also by its label or a synonym); an
    unknown word is a usage error (exit 2) naming the closest tokens."""

    name = "word"

    def __init__(self, choices: type[Words], field: str) -> None:
        self.choices, self.field = choices, field

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Words:
        """The member the word names."""
        try:
            return choose(self.choices, self.field, str(value))
        except UnknownValue as exc:
            self.fail(exc.message, param, ctx)


FILTERS = (
    click.option("--design", type=Word(StudyDesign, "design"), metavar="DESIGN",
                 help="only CMOcs from studies of this design: "
                 + ", ".join(d.value for d in StudyDesign)
                 + " (or a label or synonym, e.g. 'randomised controlled trial', 'cluster RCT')"),
    click.option("--min-confidence", type=Word(Confidence, "min_confidence"),
                 metavar="[" + "|".join(Confidence) + "]",
                 help="only CMOcs the reviewer trusts at least this much"),
    click.option("--fired-only", is_flag=True, help="only CMOcs whose mechanism fired"),
    click.option("--direction", type=Word(Direction, "direction"),
                 metavar="[" + "|".join(Direction) + "]",
                 help="only CMOcs whose outcome moved this way"),
    click.option("--theory", help="only CMOcs of this programme theory (id or label; an unknown "
                 "one is a usage error naming the closest)"),
    click.option("--min-relevance", type=Word(Relevance, "min_relevance"),
                 metavar="[" + "|".join(Relevance) + "]",
                 help="only CMOcs from sources appraised at least this relevant"),
    click.option("--min-rigour", type=Word(Rigour, "min_rigour"),
                 metavar="[" + "|".join(Rigour) + "]",
                 help="only CMOcs from sources appraised at least this rigorous (a quote's "
                 "own rigour counts instead of its study's)"),
)
FILTER_NAMES = ("design", "min_confidence", "fired_only", "direction", "theory",
                "min_relevance", "min_rigour")
CONTEXT = click.option("--context", required=True, help="context label, synonym or IRI")
MECHANISM = click.option("--mechanism", required=True, help="mechanism label, synonym or IRI")
NO_NARROWER = click.option("--no-narrower", is_flag=True,
                           help="do not include narrower concepts (skos:broader)")


@click.group()
def query() -> None:
    """Ask the graph the reviewer's questions.

    Concepts are named by label, synonym or IRI, in any case or spacing; an unknown one
    suggests the closest labels.
    """


def question(filtered: bool = True, one_of: tuple[str, ...] = ()
             ) -> Callable[[Question], Callable[..., None]]:
    """Make `ask(store, ..., reviews=, [filters=])` a question: add ``--review``, the filters
    (if `filtered`) and ``--format``, and print the answer it returns. With `one_of`, one of
    those options is required (a usage error, before any store is opened)."""
    def make(ask: Question) -> Callable[..., None]:
        def run(review: tuple[str, ...], fmt: str, wide: bool, **options: Any) -> None:
            if one_of and not any(options[name] for name in one_of):
                raise click.UsageError("Missing option " + " or ".join(
                    f"'--{name}'" for name in one_of) + ".", click.get_current_context())
            if filtered:
                options["filters"] = q.CmocFilter(**{k: options.pop(k) for k in FILTER_NAMES})
            try:
                answer = reading(
                    lambda store: ask(store, reviews=list(review) or None, **options))
            except UnknownValue as exc:  # a theory the reviews do not hold: a usage error too
                raise click.BadParameter(exc.message, param_hint=f"'--{exc.field}'") from exc
            if fmt == "json":  # the same text as json.dumps(indent=2), written ~6x faster
                click.echo(answer.model_dump_json(indent=2))
                return
            show(answer, fmt, wide)

        functools.update_wrapper(run, ask)  # the command's name and help are the question's
        command: Callable[..., None] = wide_option(format_option("table", "json", "csv")(run))
        for option in reversed(FILTERS if filtered else ()):
            command = option(command)
        return click.option("--review", multiple=True,
                            help="review id (repeatable; default: all)")(command)
    return make


@query.command()
@question()
def matrix(store: Store, **common: Any) -> BaseModel:
    """Context x mechanism: CMOcs, studies, fired and not fired."""
    return q.context_mechanism_matrix(store, **common)


@query.command()
@CONTEXT
@NO_NARROWER
@question()
def mechanisms(store: Store, context: str, no_narrower: bool, **common: Any) -> BaseModel:
    """The mechanisms triggered, or not, in a context.

    Each with its outcomes; CMOcs of narrower contexts count too, unless --no-narrower.
    """
    return q.mechanisms_for_context(store, context, include_narrower=not no_narrower, **common)


@query.command()
@MECHANISM
@NO_NARROWER
@question()
def contexts(store: Store, mechanism: str, no_narrower: bool, **common: Any) -> BaseModel:
    """Where a mechanism fired, and where it did not, side by side."""
    return q.contexts_for_mechanism(store, mechanism, include_narrower=not no_narrower, **common)


@query.command()
@MECHANISM
@NO_NARROWER
@question()
def outcomes(store: Store, mechanism: str, no_narrower: bool, **common: Any) -> BaseModel:
    """What a mechanism produces: each outcome and its direction."""
    return q.outcomes_for_mechanism(store, mechanism, include_narrower=not no_narrower, **common)


@query.command()
@click.option("--cmoc", help="CMOc id")
@click.option("--context", help="context label, synonym or IRI")
@click.option("--mechanism", help="mechanism label, synonym or IRI")
@NO_NARROWER
@question(one_of=("cmoc", "context", "mechanism"))
def evidence(store: Store, cmoc: str | None, context: str | None, mechanism: str | None,
             no_narrower: bool, **common: Any) -> BaseModel:
    """The studies, quotes and pages behind CMOcs.

    Behind one CMOc (--cmoc), or behind every CMOc of a context, a mechanism, or both
    (--context, --mechanism); one of them is required.
    """
    return q.evidence_trail(store, cmoc=cmoc, context=context, mechanism=mechanism,
                            include_narrower=not no_narrower, **common)


@query.command()
@click.option("--cmoc", help="start from this CMOc (default: from every chain head)")
@click.option("--max-length", type=int, default=10, show_default=True, help="at most N links")
@click.option("--limit", type=int, default=100, show_default=True, help="at most N chains")
@click.option("--offset", type=int, default=0, show_default=True, help="skip the first N chains")
@question(filtered=False)
def chains(store: Store, cmoc: str | None, **options: Any) -> BaseModel:
    """CMO chains along rkg:leadsTo: one page of the maximal chains."""
    return q.chains(store, cmoc, **options)


@query.command()
@click.option("--min-studies", type=int, default=2, show_default=True,
              help="at least N distinct studies")
@click.option("--roll-up", is_flag=True, help="count CMOcs of narrower contexts toward the "
              "broader ones (skos:broader); each row names the contexts it gathered")
@question()
def patterns(store: Store, min_studies: int, roll_up: bool, **common: Any) -> BaseModel:
    """Demi-regularities: CMO patterns recurring across studies.

    The same context, mechanism, outcome, direction and firing, in at least --min-studies
    distinct studies; each row counts its studies by rigour and says whether they are all
    of low rigour.
    """
    return q.recurring_patterns(store, min_studies, roll_up=roll_up, **common)


@query.command()
@question()
def contradictions(store: Store, **common: Any) -> BaseModel:
    """Opposite directions, or fired in one study and not another.

    The same mechanism and a shared context with positive and negative outcomes, or fired on
    one side and not the other; each with the evidence on both sides. Checked against each
    CMOc's whole context configuration: shown apart, those with the same configuration
    (unexplained) and those whose contexts differ (explained by context).
    """
    return q.contradictions(store, **common)


@query.command()
@click.option("--review", required=True, help="review id")
@click.option("--unassigned/--all", default=True, show_default=True,
              help="only passages not yet in a CMOc, or also the anchored quotes of CMOcs")
@wide_option
@format_option("table", "json")
def codings(review: str, unassigned: bool, fmt: str, wide: bool) -> None:
    """Coded passages waiting to be assembled into CMOcs.

    A REFI-QDA import (`cmo import project.qdpx`) keeps every coded passage that forms no CMOc:
    each with its source, place, study and the concepts it is coded to.
    """
    found = reading(lambda store: list_codings(store, review, unassigned=unassigned))
    rows = [[c.id, c.study or "", c.source or "", f"{c.start}-{c.end}" if c.start is not None
             else "", "; ".join(f"{k}: {', '.join(v)}" for k, v in c.codes.items()), c.quote,
             "yes" if c.assigned else ""] for c in found]
    echo_listing(fmt, [c.model_dump(mode="json") for c in found], rows, ["passage", "study",
                 "source", "place", "codes", "quote", "in a CMOc"], wide)


def show(answer: BaseModel, fmt: str, wide: bool = False) -> None:
    """Print an answer as JSON, CSV, or a table (with a note when a page of chains is cut)."""
    if fmt == "json":
        echo_json(answer.model_dump(mode="json"))
        return
    if isinstance(answer, Contradictions) and fmt == "table":
        # Two sections: what the contexts do not explain, then what they may.
        for title, part in (("Unexplained (same context configuration)", answer.rows),
                            ("Explained by context", answer.explained)):
            click.echo(f"{title}: {len(part)}")
            if part:
                header, rows = answer_rows(Contradictions(rows=part))
                print_table(rows, header, None if wide else CELL_WIDTH)
        return
    header, rows = answer_rows(answer)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        click.echo(out.getvalue(), nl=False)
        return
    print_table(rows, header, None if wide else CELL_WIDTH)
    if isinstance(answer, Chains) and answer.truncated:
        total = "an unknown number of" if answer.total is None else str(answer.total)
        more = f"; --offset {answer.next_offset} for more" if answer.next_offset else ""
        click.echo(f"({len(rows)} of {total} chains{more})")
