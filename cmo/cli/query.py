"""`cmo query QUESTION`: the reviewer's questions, one command each, as a table, JSON or CSV.

Every question takes ``--review`` (repeatable; default: all reviews) and ``--format``; all but
`chains` take the CMOc filters (``--design``, ``--min-confidence``, ``--fired-only``,
``--direction``, ``--theory``), whose choices come from the model's enums.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable
from typing import Any

import click
from pydantic import BaseModel

from cmo.cli.output import echo_json, format_option, print_table
from cmo.cli.session import current_store
from cmo.model.records import Confidence, Direction, StudyDesign
from cmo.questions import engine as q
from cmo.store import Store

Question = Callable[..., BaseModel]

FILTERS = (
    click.option("--design", type=click.Choice([d.value for d in StudyDesign]),
                 metavar="DESIGN", help="only CMOcs from studies of this design: "
                 + ", ".join(d.value for d in StudyDesign)),
    click.option("--min-confidence", type=click.Choice([c.value for c in Confidence]),
                 help="only CMOcs the reviewer trusts at least this much"),
    click.option("--fired-only", is_flag=True, help="only CMOcs whose mechanism fired"),
    click.option("--direction", type=click.Choice([d.value for d in Direction]),
                 help="only CMOcs whose outcome moved this way"),
    click.option("--theory", help="only CMOcs of this programme theory (id or label)"),
)
FILTER_NAMES = ("design", "min_confidence", "fired_only", "direction", "theory")
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
        def run(review: tuple[str, ...], fmt: str, **options: Any) -> None:
            if one_of and not any(options[name] for name in one_of):
                raise click.UsageError("Missing option " + " or ".join(
                    f"'--{name}'" for name in one_of) + ".", click.get_current_context())
            if filtered:
                options["filters"] = q.CmocFilter(**{k: options.pop(k) for k in FILTER_NAMES})
            answer = ask(current_store(), reviews=list(review) or None, **options)
            if fmt == "json":  # the same text as json.dumps(indent=2), written ~6x faster
                click.echo(answer.model_dump_json(indent=2))
                return
            show(answer.model_dump(mode="json"), fmt)

        functools.update_wrapper(run, ask)  # the command's name and help are the question's
        command: Callable[..., None] = format_option("table", "json", "csv")(run)
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
@question()
def patterns(store: Store, min_studies: int, **common: Any) -> BaseModel:
    """Demi-regularities: CMO patterns recurring across studies.

    The same context, mechanism, outcome, direction and firing, in at least --min-studies
    distinct studies.
    """
    return q.recurring_patterns(store, min_studies, **common)


@query.command()
@question()
def contradictions(store: Store, **common: Any) -> BaseModel:
    """Opposite directions, or fired in one study and not another.

    The same context and mechanism with positive and negative outcomes, or a mechanism that
    fired in one study and not in another; each with the evidence on both sides.
    """
    return q.contradictions(store, **common)


def _flat(value: Any) -> str:
    if isinstance(value, dict) and "label" in value:
        return str(value["label"])
    if isinstance(value, dict) and "key" in value:
        return str(value["key"])
    if isinstance(value, list):
        return "; ".join(_flat(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_flat(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def rows_of(data: dict[str, Any]) -> list[dict[str, str]]:
    """The answer as flat rows (for tables and CSV): the first list in it, one row per item."""
    for key in ("rows", "items", "chains", "fired_in"):
        if key in data:
            items = data[key]
            if key == "fired_in":
                items = ([{"side": "fired", **r} for r in data["fired_in"]] +
                         [{"side": "not fired", **r} for r in data["not_fired_in"]])
            if key == "chains":
                items = [{"review": chain["review"], "chain": " -> ".join(chain["cmocs"])}
                         for chain in items]
            # Concepts first, then counts: the way a reviewer reads a row.
            return [{k: _flat(v) for k, v in sorted(item.items(), key=lambda kv: not (
                isinstance(kv[1], dict) and "label" in kv[1]))} for item in items]
    return [{k: _flat(v) for k, v in data.items()}]


def show(data: dict[str, Any], fmt: str) -> None:
    """Print an answer as JSON, CSV, or a table (with a note when a page of chains is cut)."""
    if fmt == "json":
        echo_json(data)
        return
    rows = rows_of(data)
    header = list(dict.fromkeys(k for r in rows for k in r))
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(out.getvalue(), nl=False)
        return
    print_table([[r.get(h, "") for h in header] for r in rows], header)
    if data.get("truncated"):
        total = "an unknown number of" if data["total"] is None else str(data["total"])
        more = f"; --offset {data['next_offset']} for more" if data["next_offset"] else ""
        click.echo(f"({len(rows)} of {total} chains{more})")
