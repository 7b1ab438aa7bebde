"""Importing a big extraction sheet, against the floor of loading the same quads into pyoxigraph.

    python bench/sheet_import.py --rows 100000 --store disk      # or --store memory

Generates a CMO sheet (CSV) of `--rows` rows for one review, imports it with `import_file`
(every check, one transaction), dumps the review as N-Quads, and loads that file straight into a
fresh pyoxigraph store with `Store.load` (transactional, like the import) and `bulk_load` (not).
Each step runs in its own process, so peak memory (max RSS) is that step's alone.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = ["low", "high", "rural", "urban", "delivery", "intensity", "peer", "trust", "stigma",
         "family", "clinic", "home", "group", "phone", "visit", "antenatal", "postnatal",
         "income", "support", "confidence", "network", "culture"]


def _label(rng: random.Random, n: int, kind: str) -> str:
    return f"{kind} {' '.join(rng.sample(WORDS, 2))} {n}"


def write_sheet(path: Path, rows: int, seed: int = 1) -> None:
    """A realistic sheet: Zipf-ish reuse of 5% contexts, 2% mechanisms, 2% outcomes, 300 studies."""
    rng = random.Random(seed)
    contexts = [_label(rng, i, "ctx") for i in range(max(20, rows // 20))]
    mechanisms = [_label(rng, i, "mech") for i in range(max(10, rows // 50))]
    outcomes = [_label(rng, i, "out") for i in range(max(10, rows // 50))]
    studies = [f"Author{i} {2000 + i % 25}" for i in range(300)]

    def pick(pool: list[str]) -> str:
        return pool[min(int(rng.paretovariate(1.2)) - 1, len(pool) - 1)] if rng.random() < .5 \
            else rng.choice(pool)

    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["cmoc_id", "study", "context", "mechanism", "outcome", "resource",
                    "mechanism_fired", "outcome_direction", "confidence", "quote", "page",
                    "programme_theory", "leads_to", "reviewer"])
        for i in range(1, rows + 1):
            ctx = "; ".join(dict.fromkeys(pick(contexts) for _ in range(rng.randint(1, 3))))
            outs = "; ".join(dict.fromkeys(pick(outcomes) for _ in range(rng.randint(1, 2))))
            lead = f"c{i + rng.randint(1, 50)}" if rng.random() < .1 and i + 50 < rows else ""
            w.writerow([f"c{i}", rng.choice(studies), ctx, pick(mechanisms), outs,
                        f"resource {i % 97}", "no" if rng.random() < .15 else "yes",
                        rng.choice(["positive", "negative", "none", "mixed"]),
                        rng.choice(["high", "moderate", "low"]),
                        f"Quote {i}: mothers said the peer {rng.choice(WORDS)} mattered.",
                        str(rng.randint(1, 40)), rng.choice(["Peer theory", "Clinic theory"]),
                        lead, "Bench Reviewer"])


def _store_url(kind: str, folder: Path, name: str) -> str:
    return "memory:" if kind == "memory" else f"oxigraph:{folder / name}"


def step_import(sheet: str, kind: str, folder: str, dump: str, bulk: str) -> dict[str, float]:
    """Import the sheet (timed), then dump the review as N-Quads for the floor."""
    import pyoxigraph as ox

    from cmo.interchange.importer import import_file
    from cmo.store import open_store

    store = open_store(_store_url(kind, Path(folder), f"import-{bulk}"))
    data = Path(sheet).read_bytes()
    t = time.perf_counter()
    report = import_file(store, "bench", sheet, data, bulk=bulk == "bulk")
    seconds = time.perf_counter() - t
    Path(dump).write_bytes(store.dump(ox.RdfFormat.N_QUADS))
    store.close()
    return {"seconds": seconds, "rows": report.cmocs, "quads": report.triples}


def step_load(dump: str, kind: str, folder: str, bulk: bool) -> dict[str, float]:
    """Load the N-Quads straight into pyoxigraph: the floor."""
    import pyoxigraph as ox

    store = ox.Store() if kind == "memory" else ox.Store(str(Path(folder) / f"load{bulk}"))
    t = time.perf_counter()
    (store.bulk_load if bulk else store.load)(path=dump, format=ox.RdfFormat.N_QUADS)
    return {"seconds": time.perf_counter() - t}


def _child(*args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--step", *args], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--store", choices=("disk", "memory"), default="disk")
    p.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.step:
        name, *rest = args.step
        result = (step_import(*rest) if name == "import" else
                  step_load(rest[0], rest[1], rest[2], rest[3] == "bulk"))
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sheet, dump = folder / "sheet.csv", folder / "review.nq"
        t = time.perf_counter()
        write_sheet(sheet, args.rows)
        print(f"sheet: {args.rows:,} rows, {sheet.stat().st_size / 1e6:.0f} MB "
              f"({time.perf_counter() - t:.1f} s to generate)")
        imp = _child("import", str(sheet), args.store, tmp, str(dump), "tx")
        imp_bulk = _child("import", str(sheet), args.store, tmp, str(dump), "bulk")
        load = _child("load", str(dump), args.store, tmp, "load")
        bulk = _child("load", str(dump), args.store, tmp, "bulk")
    print(f"store: {args.store}; {int(imp['quads']):,} quads")
    print("| step | time | rows/s | peak memory |\n|---|---|---|---|")
    for what, r in (("cmo import (sheet, checked, one transaction)", imp),
                    ("cmo import --bulk (new review, not a transaction)", imp_bulk),
                    ("pyoxigraph Store.load of the N-Quads (floor)", load),
                    ("pyoxigraph Store.bulk_load (not transactional)", bulk)):
        print(f"| {what} | {r['seconds']:.1f} s | {args.rows / r['seconds']:,.0f} | "
              f"{r['peak_mb'] / 1024:.2f} GB |")
    print(f"ratio import / Store.load: {imp['seconds'] / load['seconds']:.2f}x; "
          f"import --bulk / bulk_load: {imp_bulk['seconds'] / bulk['seconds']:.2f}x")


if __name__ == "__main__":
    main()
