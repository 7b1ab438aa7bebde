"""`cmo query …`: the reviewer's questions on the command line, as a table, JSON or CSV."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from cmo.questions import engine as q
from cmo.store import Store

QUESTIONS = ("matrix", "mechanisms", "contexts", "outcomes", "evidence", "chains", "patterns",
             "contradictions")


def add_query_parser(sub: Any) -> None:
    """Add `cmo query QUESTION` and its options to the `cmo` parser."""
    p = sub.add_parser("query", help="ask the graph: which mechanisms fire in which contexts…")
    p.add_argument("question", choices=QUESTIONS)
    p.add_argument("--review", action="append", help="review id (repeatable; default: all)")
    p.add_argument("--context", help="context label, synonym or IRI")
    p.add_argument("--mechanism", help="mechanism label, synonym or IRI")
    p.add_argument("--cmoc", help="CMOc id (evidence, chains)")
    p.add_argument("--no-narrower", action="store_true",
                   help="do not include narrower concepts (skos:broader)")
    p.add_argument("--min-studies", type=int, default=2, help="patterns: at least N studies")
    p.add_argument("--max-length", type=int, default=10, help="chains: at most N links")
    p.add_argument("--limit", type=int, default=100, help="chains: at most N chains")
    p.add_argument("--offset", type=int, default=0, help="chains: skip the first N chains")
    p.add_argument("--design", help="only CMOcs from studies of this design")
    p.add_argument("--min-confidence", choices=("low", "moderate", "high"))
    p.add_argument("--fired-only", action="store_true")
    p.add_argument("--direction", choices=("positive", "negative", "none", "mixed"))
    p.add_argument("--theory", help="programme theory id or label")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.set_defaults(handler=cmd_query)


def _need(args: argparse.Namespace, name: str) -> str:
    value: str | None = getattr(args, name)
    if not value:
        raise SystemExit(f"cmo query {args.question}: --{name} is required")
    return value


def answer(args: argparse.Namespace, store: Store) -> BaseModel:
    """Run the question the arguments ask."""
    common: dict[str, Any] = {"reviews": args.review, "filters": q.CmocFilter(
        design=args.design, min_confidence=args.min_confidence, fired_only=args.fired_only,
        direction=args.direction, theory=args.theory)}
    narrower = not args.no_narrower
    if args.question == "matrix":
        return q.context_mechanism_matrix(store, **common)
    if args.question == "mechanisms":
        return q.mechanisms_for_context(store, _need(args, "context"),
                                        include_narrower=narrower, **common)
    if args.question == "contexts":
        return q.contexts_for_mechanism(store, _need(args, "mechanism"),
                                        include_narrower=narrower, **common)
    if args.question == "outcomes":
        return q.outcomes_for_mechanism(store, _need(args, "mechanism"),
                                        include_narrower=narrower, **common)
    if args.question == "evidence":
        if not (args.cmoc or args.context):
            _need(args, "mechanism")
        return q.evidence_trail(store, cmoc=args.cmoc, context=args.context,
                                mechanism=args.mechanism, include_narrower=narrower, **common)
    if args.question == "chains":
        return q.chains(store, args.cmoc, max_length=args.max_length, limit=args.limit,
                        offset=args.offset, reviews=args.review)
    if args.question == "patterns":
        return q.recurring_patterns(store, args.min_studies, **common)
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


def cmd_query(args: argparse.Namespace, store: Store) -> int:
    """cmo query QUESTION [options]"""
    data = answer(args, store).model_dump(mode="json")
    if args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    rows = rows_of(data)
    header = list(dict.fromkeys(k for r in rows for k in r))
    if args.format == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        sys.stdout.write(out.getvalue())
        return 0
    print_table([[r.get(h, "") for h in header] for r in rows], header)
    if data.get("truncated"):
        total = "an unknown number of" if data["total"] is None else str(data["total"])
        more = f"; --offset {data['next_offset']} for more" if data["next_offset"] else ""
        print(f"({len(rows)} of {total} chains{more})")
    return 0


def print_table(rows: Sequence[Sequence[object]], header: Sequence[str], width: int = 60) -> None:
    """Print rows as aligned columns under a header, cutting cells longer than `width`."""
    def cut(value: object) -> str:
        text = str(value)
        return text if len(text) <= width else text[: width - 1] + "…"

    cells = [[cut(h) for h in header]] + [[cut(c) for c in r] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    for n, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    if not rows:
        print("(no rows)")
