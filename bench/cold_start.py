"""The first cross-review answer in a new process, against the naive SPARQL it replaced.

    .venv/bin/python bench/cold_start.py                       # 100k CMOcs, 3 rounds
    .venv/bin/python bench/cold_start.py --rounds 5 --baseline /path/to/older/checkout

Builds the synthetic corpus (bench/corpus.py: 100k CMOcs, 334 reviews, revision tokens as `cmo
import` leaves them), bulk-loads it into an embedded on-disk store and optimises it, once: the
store is cached under /tmp/realist-kg-cold-start/ and reused by later runs. Then, in one run, it
starts fresh processes in turn (A B A B ...) and times each whole, start-up included, with its
peak resident memory (the kernel's ru_maxrss of the finished child):

- `cmo query matrix --format json` on the store, output to /dev/null, in three states:
  **kept answer** (the matrix asked before, no write since: the usual second process),
  **after a write** (another process has just changed the title of one review, r0167: 333
  reviews come from their snapshots, that one from the store, and the matrix is computed), and,
  with `--first`, **first ever**, in the first round only (no snapshots: every review read from
  the store, as before snapshots existed, and the snapshots written). The writes change the
  cached store (r0167's title and token);
- the naive SPARQL: one GROUP BY counting CMOcs per (context, mechanism) in a fresh pyoxigraph
  process (the yardstick of the goal), and the full aggregation of bench/query_bench.py
  (MATRIX_Q: CMOcs, distinct studies, fired, not fired);
- the warm answers inside one process: the repeated full matrix, and the full matrix right after
  a write to one review (bench/query_bench.py's "after a write"); with `--baseline` the same
  warm figures from another checkout of the code, for comparison.

Each state's time is divided by the naive GROUP BY run just before it (pairs keep the ratio
meaningful while the shared machine's load drifts); the table gives median and range over the
rounds. It checks that the matrix agrees with the naive query cell for cell, prints a Markdown
section and appends it to bench/RESULTS.md (`--no-results` to skip).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = Path("/tmp/realist-kg-cold-start")
RESULTS = HERE / "RESULTS.md"
PY = sys.executable
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from query_bench import MATRIX_Q  # noqa: E402  (the full aggregation, passed to the child)

NAIVE = r'''
import json, sys, pyoxigraph as ox
Q = """PREFIX rkg: <https://w3id.org/realist-kg/ns#>
SELECT ?ctx ?mech (COUNT(?c) AS ?n) WHERE {
  ?c a rkg:CMOConfiguration ; rkg:hasContext ?ctx ; rkg:hasMechanism ?mech } GROUP BY ?ctx ?mech"""
store = ox.Store(sys.argv[1])
rows = [[t.value for t in r] for r in store.query(
    Q if sys.argv[2] == "count" else sys.argv[2], use_default_graph_as_union=True)]
if len(sys.argv) > 3:
    with open(sys.argv[3], "w") as f:
        json.dump(rows, f)
'''

WARM = r'''
import json, sys, time
from cmo.questions.engine import context_mechanism_matrix
from cmo.review.reviews import update_review
from cmo.store import open_store
store = open_store("oxigraph:" + sys.argv[1])
reps = int(sys.argv[2])
def ms(fn):
    t = time.perf_counter(); fn(); return (time.perf_counter() - t) * 1000
first = ms(lambda: context_mechanism_matrix(store))
warm = sorted(ms(lambda: context_mechanism_matrix(store)) for _ in range(reps))
def after_write(n):
    update_review(store, "r0167", title=f"bench warm write {n}")
    return ms(lambda: context_mechanism_matrix(store))
rewrite = sorted(after_write(n) for n in range(reps))
print(json.dumps({"first": first, "warm": warm[len(warm) // 2], "after_write":
                  rewrite[len(rewrite) // 2]}))
'''


def build(cmocs: int, reviews: int) -> Path:
    """The cached store for this size, built (generate, bulk load, optimise) if missing."""
    store = CACHE / f"store-{cmocs}"
    done = CACHE / f"store-{cmocs}.done"
    if done.exists():
        return store
    shutil.rmtree(store, ignore_errors=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    nq = CACHE / f"corpus-{cmocs}.nq"
    subprocess.run([PY, str(HERE / "corpus.py"), "--cmocs", str(cmocs), "--reviews",
                    str(reviews), "--out", str(nq)], check=True, env=_env(ROOT))
    subprocess.run([PY, "-c", "import sys, pyoxigraph as ox; s = ox.Store(sys.argv[1]); "
                    "s.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS); s.flush(); "
                    "s.optimize()", str(store), str(nq)], check=True)
    nq.unlink()
    done.write_text(f"{cmocs} CMOcs, {reviews} reviews, seed 1\n")
    return store


def _env(code: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(code)}


def run(argv: list[str], code: Path = ROOT) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=_env(code), cwd="/tmp")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{argv[:4]} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def cmo_matrix(store: Path) -> list[str]:
    return [PY, "-m", "cmo.cli", "--store", f"oxigraph:{store}", "query", "matrix",
            "--format", "json"]


def check(store: Path) -> str:
    """The matrix from the CLI and the naive query agree on every cell's CMOc count."""
    out = CACHE / "check.json"
    subprocess.run([PY, "-c", NAIVE, str(store), MATRIX_Q, str(out)], check=True)
    naive = {(c, m): (int(n), int(s), int(f), int(nf))
             for c, m, n, s, f, nf in json.loads(out.read_text())}
    text = subprocess.run(cmo_matrix(store), check=True, capture_output=True, env=_env(ROOT),
                          cwd="/tmp").stdout
    ours = {(r["context"]["iri"], r["mechanism"]["iri"]):
            (r["cmocs"], r["studies"], r["fired"], r["not_fired"])
            for r in json.loads(text)["rows"]}
    return (f"ours {len(ours):,} cells, naive {len(naive):,}: "
            + ("identical" if ours == naive else "**DIFFERENT**"))


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
                if line.startswith("Model name")), "?")
    import pyoxigraph

    return (f"`{' '.join(platform.uname())}`, {cpu}, nproc {os.cpu_count()}, Python "
            f"{platform.python_version()}, pyoxigraph {pyoxigraph.__version__}")


def summary(values: list[float], digits: int = 2) -> str:
    return (f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}–"
            f"{max(values):.{digits}f})")


def main(argv: list[str] | None = None) -> int:
    """Build or reuse the store, time the states side by side, print and record the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cmocs", type=int, default=100_000)
    ap.add_argument("--reviews", type=int, default=334)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--first", action="store_true",
                    help="also time the first process ever, once (no snapshots; 25 s or more)")
    ap.add_argument("--baseline", type=Path, help="another checkout: its warm figures too")
    ap.add_argument("--no-results", action="store_true", help="do not append to RESULTS.md")
    args = ap.parse_args(argv)
    store = build(args.cmocs, args.reviews)
    index = Path(f"{store}.index")
    load_start = os.getloadavg()
    started = dt.datetime.now(dt.UTC)

    def kept() -> None:  # the matrix asked once, so every snapshot and the answer exist
        run(cmo_matrix(store))

    def after_write() -> None:  # a real write (a new title) to one review, in its own process
        run([PY, "-c", "import sys; from cmo.review.reviews import update_review; "
             "from cmo.store import open_store; s = open_store(sys.argv[1]); "
             "update_review(s, 'r0167', title=sys.argv[2]); s.close()",
             f"oxigraph:{store}", f"bench write {time.time()}"])

    def first() -> None:
        shutil.rmtree(index, ignore_errors=True)

    states = [("kept answer", kept), ("after a write", after_write)]
    naive_cmd = [PY, "-c", NAIVE, str(store), "count"]
    kept()
    figures: dict[str, list[tuple[float, float, float, float, float]]] = {}
    full: list[tuple[float, float, float]] = []
    for n in range(args.rounds):
        # The first process ever is slow and happens once: in the first round only.
        for name, prepare in [*states, *([("first ever", first)] if args.first and n == 0
                                         else [])]:
            prepare()
            naive = run(naive_cmd)
            ours = run(cmo_matrix(store))
            figures.setdefault(name, []).append((*ours, naive[0], ours[0] / naive[0]))
            figures.setdefault("naive GROUP BY", []).append((*naive, naive[0], 1.0))
            print(f"round {n + 1} {name}: {ours[0]:.2f} s / naive {naive[0]:.2f} s "
                  f"= {ours[0] / naive[0]:.2f}", flush=True)
        full.append(run([PY, "-c", NAIVE, str(store), MATRIX_Q]))
    kept()
    agree = check(store)
    warm = {"this code": json.loads(subprocess.run(
        [PY, "-c", WARM, str(store), "5"], check=True, capture_output=True, env=_env(ROOT),
        cwd="/tmp").stdout)}
    if args.baseline:
        shutil.rmtree(index, ignore_errors=True)  # the older code neither reads nor writes it
        warm["baseline"] = json.loads(subprocess.run(
            [PY, "-c", WARM, str(store), "5"], check=True, capture_output=True,
            env=_env(args.baseline), cwd="/tmp").stdout)
    load_end = os.getloadavg()

    lines = [f"## Cold start: the first full matrix in a new process, {args.cmocs:,} CMOcs "
             f"({started:%Y-%m-%d %H:%M} UTC)", "",
             f"Command: `python bench/cold_start.py {' '.join(argv or sys.argv[1:])}`  ",
             f"Machine: {machine()}  ",
             f"Store: {args.cmocs:,} CMOcs in {args.reviews} reviews (bench/corpus.py, seed 1), "
             f"bulk-loaded on disk and optimised; load average (1, 5, 15 min) at the start "
             f"{', '.join(f'{x:.1f}' for x in load_start)}, at the end "
             f"{', '.join(f'{x:.1f}' for x in load_end)}.", "",
             f"Whole fresh processes, {args.rounds} rounds, median (min–max); each of ours ran "
             "right after a naive GROUP BY, and the ratio is taken pair by pair.", "",
             "| process | wall s | CPU s | peak MB | wall / naive GROUP BY |",
             "|---|---|---|---|---|"]
    for name, rows in figures.items():
        label = ("naive SPARQL: one GROUP BY (CMOcs per context × mechanism)"
                 if name == "naive GROUP BY" else f"`cmo query matrix --format json`, {name}")
        lines.append(f"| {label} | {summary([r[0] for r in rows])} | "
                     f"{summary([r[1] for r in rows])} | {summary([r[2] for r in rows], 0)} | "
                     f"{summary([r[4] for r in rows])} |")
    lines.append(f"| naive SPARQL: the full aggregation (MATRIX_Q of query_bench.py) | "
                 f"{summary([f[0] for f in full])} | {summary([f[1] for f in full])} | "
                 f"{summary([f[2] for f in full], 0)} | — |")
    lines += ["", f"Check: {agree} (CMOcs, studies, fired, not fired per cell, against the "
              "full aggregation).", "",
              "Warm, in one process (ms, median of 5): the repeated full matrix; the full "
              "matrix right after a write to one review (its title); the first call in that "
              "process.", "",
              "| code | repeated | after a write to one review | first call |", "|---|---|---|---|"]
    for name, w in warm.items():
        lines.append(f"| {name} | {w['warm']:.1f} | {w['after_write']:.0f} | "
                     f"{w['first']:,.0f} |")
    ratio = statistics.median(r[4] for r in figures["kept answer"])
    lines += ["", f"Goal (issue 12 item 11): the cold full matrix in at most half the naive "
              f"SPARQL time — {'met' if ratio <= 0.5 else '**not met**'}: {ratio:.2f}× with the "
              "kept answer; "
              f"{statistics.median(r[4] for r in figures['after a write']):.2f}× after a write.",
              ""]
    text = "\n".join(lines)
    print(text)
    if not args.no_results:
        with RESULTS.open("a") as f:
            f.write("\n" + text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
