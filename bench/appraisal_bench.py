"""Appraisal benchmark (issue 16): the new filters, roll-up and context-aware contradictions at
scale, against the engine's goals.

    PYTHONPATH=. .venv/bin/python bench/appraisal_bench.py --cmocs 100000 --repeat 5

It generates the synthetic corpus (bench/corpus.py, seed 1; reviews = max(30, cmocs // 300),
30 studies each), appraises every study (relevance, richness, rigour drawn at random, with a
rationale: 3 `rkg:Appraisal` nodes per study, as `cmo appraise` writes them) and gives every
tenth CMOc's quote its own rigour, bulk-loads it all into an on-disk Oxigraph store, gives every
review a revision token, then times (median of --repeat after a first, cold call):

- one review's matrix, with min_rigour and min_relevance (goal < 20 ms);
- mechanisms for a context across all reviews, with min_rigour (goal < 100 ms);
- the full matrix right after a write to one review, with min_rigour (goal < 1 s);
- patterns with roll-up, and contradictions, of one review; a confidence profile.

Prints a Markdown section and appends it to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import platform
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import corpus as corpus_mod  # noqa: E402
import pyoxigraph as ox  # noqa: E402

from cmo.model.appraisal import Finding  # noqa: E402
from cmo.questions.confidence import confidence_profile  # noqa: E402
from cmo.questions.engine import (  # noqa: E402
    CmocFilter,
    context_mechanism_matrix,
    contradictions,
    mechanisms_for_context,
    recurring_patterns,
)
from cmo.rdf.appraisals import appraisal_triples  # noqa: E402
from cmo.review.reviews import update_review  # noqa: E402
from cmo.store import Store, open_store  # noqa: E402

DATA = HERE / "data"
RESULTS = HERE / "RESULTS.md"
RKG = "https://w3id.org/realist-kg/ns#"
WHEN = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """The first call's time, the median of `repeat` more (ms), and the answer."""
    t0 = time.perf_counter()
    answer = fn()
    cold = (time.perf_counter() - t0) * 1000
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return cold, statistics.median(runs) if runs else cold, answer


def appraisal_quads(c: corpus_mod.Corpus, seed: int) -> list[ox.Quad]:
    """Every study appraised on all three aspects; every tenth CMOc's quote its own rigour."""
    rng = random.Random(seed)
    out = []
    for review in c.reviews:
        g = ox.NamedNode(review.iri)
        triples = []
        for s in review.studies:
            for aspect, levels in (("relevance", ("high", "moderate", "low")),
                                   ("richness", ("thick", "thin")),
                                   ("rigour", ("high", "moderate", "low"))):
                triples += appraisal_triples(s.iri, aspect, rng.choice(levels),
                                             f"bench {aspect}", "Bench reviewer", WHEN)
        for cmoc in review.cmocs[::10]:
            triples += appraisal_triples(f"{cmoc.iri}/evidence/1", "rigour",
                                         rng.choice(("high", "moderate", "low")), "one quote",
                                         None, WHEN)
        out += [ox.Quad(t.subject, t.predicate, t.object, g) for t in triples]
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; append the results to bench/RESULTS.md."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cmocs", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    p.add_argument("--reuse", action="store_true", help="reuse the store a previous run left "
                   "in bench/data (its snapshots too), skipping generation and loading")
    args = p.parse_args(argv)
    n_reviews = max(30, args.cmocs // 300)
    DATA.mkdir(parents=True, exist_ok=True)
    nq, store_dir = DATA / f"abench-{args.cmocs}.nq", DATA / f"abench-{args.cmocs}-store"
    log = lambda *a: print(*a, flush=True)  # noqa: E731

    sidecar = DATA / f"abench-{args.cmocs}.json"
    reuse = args.reuse = args.reuse and store_dir.exists() and sidecar.exists()
    if reuse:
        asked = json.loads(sidecar.read_text())
        rid, ctx_label = asked["review"], asked["context"]
        finding = Finding.model_validate(asked["finding"])
        log(f"reusing {store_dir} (its review indexes come from their snapshots)")
        store = open_store(f"oxigraph:{store_dir}")
    else:
        rid, ctx_label, finding, store = load(args, n_reviews, nq, store_dir, sidecar, log)
    t0 = time.perf_counter()
    context_mechanism_matrix(store)  # reads every review into its index, as a first question does
    log(f"first full matrix (every review indexed): {time.perf_counter() - t0:.1f} s")
    measure(args, n_reviews, store, rid, ctx_label, finding, log)
    return 0


def load(args: argparse.Namespace, n_reviews: int, nq: Path, store_dir: Path, sidecar: Path,
         log: Callable[..., None]) -> tuple[str, str, Finding, Store]:
    """Generate, appraise and bulk-load the corpus; the review, context and finding to ask."""
    t0 = time.perf_counter()
    c = corpus_mod.generate(args.cmocs, n_reviews, 30, args.seed)
    mid = c.reviews[len(c.reviews) // 2]
    rid, ctx_label = mid.id, corpus_mod.busiest_mid_context(mid).label
    quads = corpus_mod.write_nquads(c, nq, revision=False)
    extra = appraisal_quads(c, args.seed)
    with nq.open("ab") as f:
        f.write(ox.serialize(extra, format=ox.RdfFormat.N_QUADS))
    review_iris = [r.iri for r in c.reviews]
    first = next(x for x in mid.cmocs if x.fired)
    finding = Finding(context=first.contexts[0], mechanism=first.mechanism,
                      outcome=first.outcomes[0], fired=True, roll_up=True)
    del c
    gc.collect()
    log(f"corpus {args.cmocs:,} CMOcs, {n_reviews} reviews, {quads + len(extra):,} quads "
        f"({len(extra):,} of appraisal) in {time.perf_counter() - t0:.1f} s")
    if store_dir.exists():
        shutil.rmtree(store_dir)
    raw = ox.Store(str(store_dir))
    raw.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    raw.flush()
    del raw
    store = open_store(f"oxigraph:{store_dir}")
    for g in review_iris:
        store.update(f'INSERT DATA {{ GRAPH <{g}> {{ <{g}> <{RKG}revision> "bench-1" }} }}')
    sidecar.write_text(json.dumps({"review": rid, "context": ctx_label,
                                   "finding": finding.model_dump(mode="json")}))
    return rid, ctx_label, finding, store


def measure(args: argparse.Namespace, n_reviews: int, store: Store, rid: str, ctx_label: str,
            finding: Finding, log: Callable[..., None]) -> None:
    """Time the questions; print the table and append it to RESULTS.md."""
    strict = CmocFilter.of(min_rigour="moderate", min_relevance="moderate")
    rig = CmocFilter.of(min_rigour="moderate")
    R, rows = args.repeat, []
    how = "reused from an earlier run, indexes from snapshots" if args.reuse else "fresh"

    def row(what: str, fn: Callable[[], Any], goal: float | None = None,
            repeat: int | None = None) -> Any:
        cold, warm, answer = timed(fn, R if repeat is None else repeat)
        verdict = "" if goal is None else ("met" if warm < goal else "**not met**")
        rows.append((what, cold, warm, f"< {goal:,.0f} ms: {verdict}" if goal else ""))
        log(f"  {what}: cold {cold:.1f} ms, median {warm:.1f} ms {verdict}")
        return answer

    row("one review's matrix", lambda: context_mechanism_matrix(store, [rid]), 20)
    row("one review's matrix, min_rigour + min_relevance moderate",
        lambda: context_mechanism_matrix(store, [rid], strict), 20)
    row("mechanisms for a context, all reviews",
        lambda: mechanisms_for_context(store, ctx_label), 100)
    row("mechanisms for a context, all reviews, min_rigour moderate",
        lambda: mechanisms_for_context(store, ctx_label, filters=rig), 100)
    row("full matrix, min_rigour moderate (remembered)",
        lambda: context_mechanism_matrix(store, None, rig))
    after: list[float] = []
    for n in range(R + 1):
        update_review(store, rid, title=f"bench write {n}")
        t0 = time.perf_counter()
        context_mechanism_matrix(store, None, rig)
        after.append((time.perf_counter() - t0) * 1000)
    warm = statistics.median(after[1:])
    rows.append(("full matrix right after a write to one review, min_rigour moderate", after[0],
                 warm, f"< 1,000 ms: {'met' if warm < 1000 else '**not met**'}"))
    log(f"  after a write: {warm:.0f} ms")
    row("patterns of one review, roll-up", lambda: recurring_patterns(
        store, 2, roll_up=True, reviews=[rid]))
    row("patterns of one review, roll-up, min_rigour moderate", lambda: recurring_patterns(
        store, 2, roll_up=True, reviews=[rid], filters=rig))
    row("patterns of all reviews, roll-up (one more call)",
        lambda: recurring_patterns(store, 2, roll_up=True), repeat=1)
    row("contradictions of one review (explained and not)",
        lambda: contradictions(store, reviews=[rid]))
    row("confidence profile of one pattern (roll-up)",
        lambda: confidence_profile(store, rid, finding))
    store.close()

    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"\n## Appraisal filters, roll-up, contradictions, confidence (issue 16), {stamp}\n",
             f"Command: `PYTHONPATH=. python bench/appraisal_bench.py --cmocs {args.cmocs} "
             f"--repeat {R}{' --reuse' if args.reuse else ''}`. Embedded store on disk ({how}); "
             f"{n_reviews} reviews, 30 studies each, every "
             "study appraised on three aspects and every tenth quote with its own rigour. "
             f"Machine: `{platform.platform()}`, Python {platform.python_version()}, 2 cores "
             "shared with other sessions' tests.\n",
             "| question | first call (ms) | median (ms) | goal |", "|---|---|---|---|"]
    lines += [f"| {w} | {c:,.1f} | {m:,.1f} | {g} |" for w, c, m, g in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_record:
        with RESULTS.open("a") as f:
            f.write(text)


if __name__ == "__main__":
    sys.exit(main())
