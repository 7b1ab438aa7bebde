"""How fast the context × mechanism heatmap is counted and written, as SVG and as HTML.

    .venv/bin/python bench/heatmap_bench.py                  # 200 contexts × 100 mechanisms
    .venv/bin/python bench/heatmap_bench.py --contexts 500 --mechanisms 200 --cmocs 10000

A synthetic review is written with the `cmo.rdf.mapping` writers and loaded into a `memory:`
store: contexts in three levels (a tenth top-level, a fifth mid-level, the rest leaves; every
context used by some CMOc), flat mechanisms (every one used), 60 studies, CMOcs with 1–3
contexts, one mechanism, 1–2 studies, one quote, 15% not fired. For each output: the time to
count the cells (`heatmap_data`) and write the file, cold (the review index read from the store
first) and warm (median of runs), and the size. With ``--browser``, the time headless Chromium
takes from navigation to the page's grid drawn. Goal (issue 15): 200 × 100 written in under 1 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cmo
from cmo.interchange.rdf_files import import_rdf
from cmo.rdf.mapping import MintedRefs, cmoc_triples, concept_triples, review_triples, study_triples
from cmo.store import Store, open_store
from cmo.views import ViewOptions, heatmap_data, heatmap_svg, heatmap_view_html

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def review_store(contexts: int, mechanisms: int, cmocs: int, seed: int = 1) -> Store:
    """A memory store holding review ``r`` of the asked size (module docstring)."""
    rnd = random.Random(seed)
    refs = MintedRefs("r")
    triples = review_triples(cmo.Review(id="r", title="Synthetic heatmap review"))
    names = [f"context {i:03d} {rnd.choice(['rural', 'urban', 'clinic', 'home'])}"
             for i in range(contexts)]
    top, mid = names[:max(1, contexts // 10)], names[max(1, contexts // 10):contexts * 3 // 10]
    for label in names:
        parent = None if label in top else rnd.choice(top if label in mid or not mid else mid)
        concept = cmo.Concept(kind="context", label=label)
        triples += concept_triples("r", concept, refs.concept(concept.kind, label),
                                   refs.concept(concept.kind, parent) if parent else None)
    mechs = [f"mechanism {i:03d}" for i in range(mechanisms)]
    for label in [*mechs, "outcome a", "outcome b"]:
        concept = cmo.Concept(kind="outcome" if label.startswith("outcome") else "mechanism",
                              label=label)
        triples += concept_triples("r", concept, refs.concept(concept.kind, label), None)
    studies = [f"Study {i:02d} 20{10 + i % 15}" for i in range(60)]
    for key in studies:
        triples += study_triples(cmo.Study(key=key), refs.study(key))
    for n in range(max(cmocs, contexts, mechanisms)):
        ctx = [names[n % contexts]] if n < contexts else rnd.sample(names, rnd.randint(1, 3))
        chosen = rnd.sample(studies, rnd.randint(1, 2))
        triples += cmoc_triples("r", cmo.CMOConfiguration(
            id=f"c{n:05d}", studies=chosen, contexts=ctx, mechanism=mechs[n % mechanisms],
            outcomes=[rnd.choice(["outcome a", "outcome b"])],
            mechanism_fired=rnd.random() > 0.15, outcome_direction="positive",
            evidence=[cmo.Evidence(quote=f"Participants in {ctx[0]} said so ({n}).",
                                   page=str(rnd.randint(1, 30)), study=chosen[0])]), refs)
    store = open_store("memory:")
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    import_rdf(store, "r", [("bench.nt", data, ox.RdfFormat.N_TRIPLES)], validate=False)
    return store


def timed(store: Store, write: Callable[[], str], out: Path,
          runs: int) -> tuple[float, float, float, int]:
    """Cold and median warm seconds to count and write, the warm median of CPU seconds (the
    machine may be shared), and the file's size in bytes."""
    store.state.indexes.clear()
    start = time.perf_counter()
    out.write_text(write(), encoding="utf-8")
    cold = time.perf_counter() - start
    warm, cpu = [], []
    for _ in range(runs):
        start, used = time.perf_counter(), time.process_time()
        out.write_text(write(), encoding="utf-8")
        warm.append(time.perf_counter() - start)
        cpu.append(time.process_time() - used)
    return cold, statistics.median(warm), statistics.median(cpu), out.stat().st_size


def time_ready(path: Path, runs: int) -> list[float]:
    """Seconds from navigation start to the grid drawn, one fresh page per run."""
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.route("**/*", lambda r: r.continue_() if r.request.url == path.as_uri()
                       else r.abort())
            page.goto(path.as_uri())
            # Poll from Python: the page's CSP forbids the eval wait_for_function needs.
            while not page.evaluate("() => Boolean(window.cmoHeatmap && window.cmoHeatmap.stable)"):
                time.sleep(0.02)
            # Then wait for the first paint after the grid was drawn (layout included).
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r)))")
            out.append(page.evaluate("window.cmoHeatmap.readyAt") / 1000)
            out[-1] = max(out[-1], page.evaluate("performance.now()") / 1000)
            page.close()
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--contexts", type=int, default=200)
    parser.add_argument("--mechanisms", type=int, default=100)
    parser.add_argument("--cmocs", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--browser", type=int, default=3, help="Chromium runs (0: none)")
    args = parser.parse_args()
    store = review_store(args.contexts, args.mechanisms, args.cmocs)
    options = ViewOptions(("r",))
    data = heatmap_data(store, options)
    print(f"{sum(r.has_cells for r in data.rows)} contexts with cells ({len(data.rows)} rows), "
          f"{len(data.columns)} mechanisms, {len(data.cells):,} cells, "
          f"{len(data.cmocs):,} CMOcs")
    print("| output | count + write, cold | warm (median) | warm, CPU time | size |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        outputs: list[tuple[str, Callable[[], str], Path]] = [
            ("`heatmap_data` alone", lambda: str(len(heatmap_data(store, options).cells)),
             folder / "cells.txt"),
            ("SVG, 1600 px (`heatmap_svg`)", lambda: heatmap_svg(store, options),
             folder / "h.svg"),
            ("HTML page (`heatmap_view_html`)", lambda: heatmap_view_html(store, "r"),
             folder / "h.html")]
        for name, write, out in outputs:
            cold, warm, cpu, size = timed(store, write, out, args.runs)
            print(f"| {name} | {cold * 1000:.0f} ms | {warm * 1000:.0f} ms | {cpu * 1000:.0f} ms"
                  f" | {size / 1e6:.2f} MB |", flush=True)
        if args.browser:
            runs = time_ready(folder / "h.html", args.browser)
            print(f"\nChromium, navigation to grid drawn: median {statistics.median(runs):.2f} s "
                  f"({', '.join(f'{r:.2f}' for r in runs)})")
    store.close()


if __name__ == "__main__":
    main()
