"""What the /sparql guards cost: the same queries run in-process (the old path) and through the
checks and a worker process (`cmo.store.sandbox`, the path every caller's query now takes).

    .venv/bin/python bench/sparql_guard_bench.py --cmocs 10000 --repeat 30

Builds an on-disk store from the synthetic corpus (bench/corpus.py), then times, side by side in
one run, each query: in-process `run_protocol_query` against `check_query_text` +
`QuerySandbox.run`. Prints medians and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from cmo.rdf.guards import check_query_text
from cmo.store import OxigraphStore
from cmo.store.protocol import run_protocol_query
from cmo.store.sandbox import QuerySandbox, SandboxLimits

QUERIES = {
    "ask": "ASK { ?s ?p ?o }",
    "mechanism labels": "SELECT ?label WHERE { ?m a <https://w3id.org/realist-kg/ns#Mechanism> ;"
                        " <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } LIMIT 100",
    "count by mechanism": "PREFIX rkg: <https://w3id.org/realist-kg/ns#> SELECT ?m "
                          "(COUNT(?c) AS ?n) WHERE { ?c rkg:hasMechanism ?m } GROUP BY ?m "
                          "ORDER BY DESC(?n)",
}


def _median_ms(run: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    """Build the store, time both paths, print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--cmocs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    corpus = tmp / "corpus.nq"
    subprocess.run([sys.executable, str(Path(__file__).parent / "corpus.py"), "--cmocs",
                    str(args.cmocs), "--reviews", "20", "--out", str(corpus)], check=True)
    store = OxigraphStore(tmp / "store")
    store._store.bulk_load(path=str(corpus), format=ox.RdfFormat.N_QUADS)
    graphs = store.graphs()[:5]
    sandbox = QuerySandbox(store, SandboxLimits(seconds=60, workers=1))
    sandbox.start()
    sandbox.run("ASK {}", graphs)  # the worker has started and opened the store

    print(f"| query ({args.cmocs} CMOcs, 5 of 20 reviews) | in-process ms | guarded, new "
          "text ms | ratio | guarded, repeated text ms | ratio |")
    print("|---|---|---|---|---|---|")
    fresh = iter(range(10**9))
    for name, query in QUERIES.items():
        direct = _median_ms(lambda q=query: run_protocol_query(store, q, graphs), args.repeat)
        # A new comment makes new text: the algebra check cannot use its cache.
        new = _median_ms(lambda q=query: sandbox.run(f"{q} # {next(fresh)}", graphs),
                         args.repeat)
        same = _median_ms(lambda q=query: (check_query_text(q), sandbox.run(q, graphs)),
                          args.repeat)
        print(f"| {name} | {direct:.2f} | {new:.2f} | {new / direct:.1f}x | {same:.2f} | "
              f"{same / direct:.1f}x |")
    sandbox.close()
    store.close()


if __name__ == "__main__":
    main()
