"""How fast a static figure is drawn: the network as SVG, PNG and PDF (issue 15, item 4).

    .venv/bin/python bench/figures_bench.py                      # 100 and 1,000 concepts
    .venv/bin/python bench/figures_bench.py --concepts 1000 --runs 5

The synthetic review of bench/views_bench.py (bench/corpus.py) in a `memory:` store. For each
size: the time to draw the SVG from the graph alone (`graph_svg`), the whole
`figure_bytes(..., fmt="svg")` with the review index warm (graph built too), and the PNG and PDF
(`figure_bytes` with CairoSVG), each the median of the runs, wall clock and (in brackets) CPU
time, with the figure's size in px and bytes. A PNG over the pixel cap is drawn with a height
that fits it (named in the row).
Goal (issue 15): the SVG of a 1,000-concept network in under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from views_bench import review_store

from cmo.limits import LIMITS
from cmo.review.index import review_indexes
from cmo.views import ViewOptions, build_graph
from cmo.views.figures import figure_bytes, graph_svg


def median_time(run: Callable[[], object], runs: int) -> tuple[str, object]:
    """Median seconds of `runs` calls, wall clock (CPU time of this process), and the last
    result: on a shared machine the CPU time says what the drawing itself costs."""
    times, cpu, result = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = run()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return f"{statistics.median(times):.2f} s ({statistics.median(cpu):.2f} s)", result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--concepts", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--width", type=int, default=1600)
    args = parser.parse_args()
    print("| concepts | links | SVG from the graph | SVG, graph built too | SVG size (px, KB) |"
          " PNG | PDF |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.concepts:
            store, review = review_store(n, Path(tmp))
            review_indexes(store, [review])
            options = ViewOptions((review,))
            graph = build_graph(store, options)
            alone, _ = median_time(lambda g=graph: graph_svg(g, title="t", width=args.width),
                                   args.runs)
            whole, svg = median_time(lambda o=options, s=store: figure_bytes(
                s, "network", o, width=args.width), args.runs)
            assert isinstance(svg, bytes)
            height = int(ET.fromstring(svg).get("height", "0"))
            fit = None if args.width * height <= LIMITS.figure_pixels else min(\
                LIMITS.figure_pixels // args.width, LIMITS.figure_px_max)
            png, data = median_time(lambda o=options, h=fit, s=store: figure_bytes(
                s, "network", o, fmt="png", width=args.width, height=h), args.runs)
            pdf, _ = median_time(lambda o=options, s=store: figure_bytes(
                s, "network", o, fmt="pdf", width=args.width), args.runs)
            assert isinstance(data, bytes)
            note = f" (height {fit} px)" if fit else ""
            print(f"| {graph.number_of_nodes():,} | {graph.number_of_edges():,} | {alone} |"
                  f" {whole} | {args.width} × {height}, {len(svg) / 1e3:.0f} KB |"
                  f" {png}{note}, {len(data) / 1e6:.1f} MB | {pdf} |", flush=True)
            store.close()


if __name__ == "__main__":
    main()
