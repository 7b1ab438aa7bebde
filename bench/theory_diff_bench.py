"""How long a theory diff takes on a review of 2,000 CMOcs (issue 16: under 200 ms).

Builds one review (an extraction sheet of `--cmocs` rows, each with a quote), links every CMOc
to v1 with a mix of relations in one bulk link per relation, makes v2 from v1 with its recorded
change carrying the links over, then re-relates, adds and removes some, as a refinement does.
Then times `diff_theories(v1, v2)` warm (the review index read), once right after a bulk link
(which brings this process's index along), and once with the review read again from the store,
on disk and in memory; and the bulk links themselves.

    .venv/bin/python bench/theory_diff_bench.py --cmocs 2000 --repeat 20

Prints a Markdown section for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyoxigraph

from cmo.interchange.importer import import_file
from cmo.model.records import ProgrammeTheory, Review, TheoryRelation
from cmo.model.theories import CmocSelection, NewTheoryVersion
from cmo.questions.bulk import chooser
from cmo.review.index import review_indexes
from cmo.review.reviews import create_review
from cmo.review.theories import add_theory
from cmo.review.theory_diff import diff_theories
from cmo.review.theory_links import link_cmocs, new_theory_version
from cmo.store import Store, open_store

GOAL_MS = 200.0
RELATIONS = [TheoryRelation.supports, TheoryRelation.refutes, TheoryRelation.refines,
             TheoryRelation.tested]


def _ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def build(store: Store, n: int) -> dict[str, float]:
    """The review, its two versions and their links; the time of each step (ms)."""
    create_review(store, Review(id="bench", title="Theory diff bench"))
    rows = "\n".join(f"S{i % 60} {2000 + i % 20},ctx{i % 40};ctx{(i * 7) % 40},mech{i % 25},"
                     f"out{i % 15},\"quote {i}: peers helped when contacts were frequent\",{i % 30}"
                     for i in range(n))
    times = {"import sheet": _ms(lambda: import_file(
        store, "bench", "b.csv", f"study,context,mechanism,outcome,quote,page\n{rows}\n"
        .encode()))}
    add_theory(store, "bench", ProgrammeTheory(id="t-v1", label="T", statement="If a then b."))
    ids = [c.id for c in review_indexes(store, ["bench"])[0].cmocs]
    for k, relation in enumerate(RELATIONS):
        chosen = ids[k::4]
        times[f"bulk link {len(chosen)} by ids ({relation.value})"] = _ms(
            lambda c=chosen, r=relation: link_cmocs(store, "bench", "t-v1", r, c))
    times["new version, carrying over every link"] = _ms(lambda: new_theory_version(
        store, "bench", "t-v1", NewTheoryVersion(what="refined", rationale="because",
                                                 statement="If a and c then b.",
                                                 cmocs=ids[:50], carry_over=True)))
    times["bulk link by filter (context ctx3)"] = _ms(lambda: link_cmocs(
        store, "bench", "t-v2", TheoryRelation.refines, chooser(CmocSelection(context="ctx3"))))
    link_cmocs(store, "bench", "t-v2", TheoryRelation.supports, ids[1::8])
    return times


def measure(url: str, n: int, repeat: int) -> dict[str, object]:
    """Build on the store at `url`, then time the diff."""
    store = open_store(url)
    built = build(store, n)
    after_write = _ms(lambda: diff_theories(store, "bench", "t-v1", "t-v2"))
    runs = sorted(_ms(lambda: diff_theories(store, "bench", "t-v1", "t-v2"))
                  for _ in range(repeat))
    diff = diff_theories(store, "bench", "t-v1", "t-v2")
    store.state.indexes.clear()  # as in a process that has not read the review yet
    reread = _ms(lambda: diff_theories(store, "bench", "t-v1", "t-v2"))
    store.close()
    return {"built": built, "after write": after_write, "reread": reread,
            "median": statistics.median(runs),
            "p95": runs[min(len(runs) - 1, int(len(runs) * 0.95))],
            "sizes": (len(diff.added), len(diff.removed), len(diff.re_related),
                      len(diff.unchanged), sum(len(c.evidence) for c in diff.re_related))}


def main() -> None:
    """Measure and print a Markdown section for bench/RESULTS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--cmocs", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = {"on disk": measure(f"oxigraph:{tmp}/store", args.cmocs, args.repeat),
                   "in memory": measure("memory:", args.cmocs, args.repeat)}
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"## Theory diff, {args.cmocs:,} CMOcs ({now})\n")
    print(f"Command: `python bench/theory_diff_bench.py --cmocs {args.cmocs} --repeat "
          f"{args.repeat}`  ")
    print(f"Machine: `{platform.platform()}`, Python {platform.python_version()}, pyoxigraph "
          f"{pyoxigraph.__version__}  ")
    sizes = results["on disk"]["sizes"]
    print(f"Diff v1 → v2: {sizes[0]} added, {sizes[1]} removed, {sizes[2]:,} re-related "
          f"({sizes[4]:,} quotes), {sizes[3]:,} unchanged; one recorded change with 50 CMOcs.\n")
    print("| milliseconds | on disk | in memory |\n|---|---|---|")
    for key, label in (("median", f"diff, warm: median of {args.repeat}"),
                       ("p95", "diff, warm: p95"),
                       ("after write", "diff, first after a bulk link in this process "
                                       "(the index brought along)"),
                       ("reread", "diff with the review read again from the store "
                                  "(a process that has not read it; not a goal)")):
        print(f"| {label} | {results['on disk'][key]:.1f} | {results['in memory'][key]:.1f} |")
    for step in results["on disk"]["built"]:  # type: ignore[attr-defined]
        print(f"| {step} | {results['on disk']['built'][step]:.0f} | "  # type: ignore[index]
              f"{results['in memory']['built'][step]:.0f} |")  # type: ignore[index]
    worst = max(float(r[k]) for r in results.values()  # type: ignore[arg-type]
                for k in ("median", "after write"))
    verdict = "met" if worst < GOAL_MS else "**not met**"
    print(f"\nGoal: {verdict}: a theory diff of a {args.cmocs:,}-CMOc review under "
          f"{GOAL_MS:.0f} ms — worst of the above {worst:.1f} ms.\n")


if __name__ == "__main__":
    main()
