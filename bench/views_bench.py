"""How fast a mechanism view is built and written, how big it is, and how soon Chromium settles it.

    .venv/bin/python bench/views_bench.py                       # 100, 1,000, 5,000 concepts
    .venv/bin/python bench/views_bench.py --concepts 1000 --browser-runs 3

A synthetic review (bench/corpus.py, one review, as many CMOcs as it takes for the asked number
of concepts) is loaded into a `memory:` store. For each size: the time to build the networkx
graph and write the HTML page (`MechanismView(...).save`: layout, pyvis Network, page), cold (the
review index read from the store first) and warm (index cached), the page size, and, for the
browser sizes, the time from navigation start to the page's `cmoView.stable` in headless Chromium
(Debian's): drawn, fitted and, above 100 concepts, the most-studied concepts labelled.
Goals (issues 5 and 15): 1,000 concepts written in under 1 s, stable in under 3 s, under 2 MB.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import corpus

from cmo.review.index import review_indexes
from cmo.store import Store, open_store
from cmo.views import MechanismView

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def review_store(concepts: int, folder: Path) -> tuple[Store, str]:
    """A memory store holding one synthetic review with about `concepts` concepts in use."""
    cmocs = max(40, round((concepts - 20) / 0.375))
    data = corpus.generate(cmocs=cmocs, reviews=1, seed=1)
    path = folder / f"review-{concepts}.nq"
    corpus.write_nquads(data, path)
    store = open_store("memory:")
    with path.open("rb") as f:
        store.add_quads(ox.parse(f, ox.RdfFormat.N_QUADS))
    return store, data.reviews[0].id


def time_write(store: Store, review: str, out: Path, runs: int) -> tuple[float, float, int]:
    """Cold (index built) and median warm seconds to build and write the page; nodes drawn."""
    store.state.indexes.clear()
    start = time.perf_counter()
    view = MechanismView(store, review)
    view.save(out)
    cold = time.perf_counter() - start
    review_indexes(store, [review])
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        MechanismView(store, review).save(out)
        warm.append(time.perf_counter() - start)
    return cold, statistics.median(warm), view.graph.number_of_nodes()


def time_stable(path: Path, runs: int) -> list[float]:
    """Seconds from navigation start to the `stabilized` event, one fresh page per run."""
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route("**/*", lambda r: r.continue_() if r.request.url == path.as_uri()
                       else r.abort())
            page.goto(path.as_uri())
            # Poll from Python: the page's CSP forbids the eval wait_for_function needs.
            while not page.evaluate("() => Boolean(window.cmoView && window.cmoView.stable)"):
                time.sleep(0.02)
            out.append(page.evaluate("window.cmoView.stableAt") / 1000)
            page.close()
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--concepts", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--browser", type=int, nargs="*", default=[1000],
                        help="sizes to open in Chromium (default 1000)")
    parser.add_argument("--runs", type=int, default=5, help="warm write runs")
    parser.add_argument("--browser-runs", type=int, default=3)
    args = parser.parse_args()
    print("| concepts drawn | links | CMOcs | build + write, cold | warm (median) | HTML size |"
          " stable in Chromium (median of runs) |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in args.concepts:
            store, review = review_store(n, folder)
            out = folder / f"view-{n}.html"
            cold, warm, drawn = time_write(store, review, out, args.runs)
            g = MechanismView(store, review).graph
            cmocs = len(review_indexes(store, [review])[0].cmocs)
            stable = "—"
            if n in args.browser:
                runs = time_stable(out, args.browser_runs)
                stable = f"{statistics.median(runs):.2f} s ({', '.join(f'{r:.2f}' for r in runs)})"
            print(f"| {drawn:,} | {g.number_of_edges():,} | {cmocs:,} | {cold:.2f} s | "
                  f"{warm:.2f} s | {out.stat().st_size / 1e6:.2f} MB | {stable} |", flush=True)
            store.close()


if __name__ == "__main__":
    main()
