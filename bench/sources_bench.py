"""How fast sources are added, quotes anchored and checked, and a page read (issue 13).

    .venv/bin/python bench/sources_bench.py [--pages 60] [--quotes 1000] [--repeat 3]

Writes a 60-page PDF of about 200,000 characters (tests/pdfs.py: real text layer, no fonts
needed), then on an embedded store on disk and in memory measures:

1. adding it to a study (extraction with pypdf, normalisation, storing 60 page literals);
2. anchoring 1,000 unanchored quotes of the study in it (`anchor_pending`, what an import runs;
   5% of the quotes are altered so they are not found and get a closest passage);
3. checking those 1,000 quotes (`check_quotes`);
4. reading one page through the API (a real `cmo serve` app under uvicorn, over HTTP), median
   and p95 of 200 requests.

Goals: 1 under 3 s; 2 and 3 under 2 s; 4 under 20 ms on the embedded store.
"""

from __future__ import annotations

import argparse
import platform
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.main import create_app
from cmo.interchange.sheet import COLUMNS
from cmo.interchange.sheet_import import import_sheet
from cmo.interchange.tables import read_csv
from cmo.model.records import Review, Study
from cmo.review.reviews import create_review
from cmo.review.studies import add_study
from cmo.settings import Settings
from cmo.sources.documents import add_source
from cmo.sources.extract import extract
from cmo.sources.quotes import anchor_pending, check_quotes
from cmo.store import Store, open_store
from tests.pdfs import make_pdf

T = TypeVar("T")

_VOCABULARY = ("peer support mothers breastfeeding trust local visits practical help home early "
         "contact intensity low high outcomes duration exclusive women felt understood valued "
         "supporters trained volunteers community clinic midwife advice confidence reported "
         "barriers family partner return work formula hospital discharge telephone weeks months "
         "qualitative interviews themes trial randomised control group intervention")
WORDS = tuple(_VOCABULARY.split())


def document(pages: int, seed: int = 1) -> tuple[bytes, list[list[str]]]:
    """A PDF of `pages` pages of 42 lines of about 80 characters, some lines hyphenated."""
    rng = random.Random(seed)
    out = []
    for _ in range(pages):
        lines = []
        for _ in range(42):
            line = " ".join(rng.choice(WORDS) for _ in range(11))
            if rng.random() < 0.1:
                line += " peer sup-"
                lines.append(line)
                lines_next = "porters " + " ".join(rng.choice(WORDS) for _ in range(9))
                lines.append(lines_next)
            else:
                lines.append(line)
        out.append(lines[:42])
    return make_pdf(out), out


def sheet(text: str, quotes: int, seed: int = 2) -> bytes:
    """A CMO sheet of `quotes` CMOcs of study 'Bench 2026', each quoting 60-200 characters of
    `text` (5% altered so they are not in it)."""
    rng = random.Random(seed)
    flat = " ".join(text.split())
    rows = ["cmoc_id,study,context,mechanism,outcome,quote"]
    for n in range(quotes):
        start = rng.randrange(0, len(flat) - 220)
        start = flat.index(" ", start) + 1
        quote = flat[start:flat.rfind(" ", start, start + rng.randrange(60, 200))]
        if n % 20 == 0:
            quote = quote.replace("e", "a", 3)
        rows.append(f'c{n:04d},Bench 2026,context {n % 37},mechanism {n % 23},'
                    f'outcome {n % 11},"{quote}"')
    return ("\n".join(rows) + "\n").encode()


def timed(fn: Callable[..., T], *args: object) -> tuple[float, T]:
    """Seconds `fn(*args)` took, and its answer."""
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def page_reads(store: Store, review: str, source: str, n: int = 200) -> list[float]:
    """Milliseconds for `n` GETs of one page through the running service."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(admin_token="b" * 32), store),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    out = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}",
                      headers={"Authorization": "Bearer " + "b" * 32}) as client:
        for i in range(n + 10):
            t0 = time.perf_counter()
            r = client.get(f"/reviews/{review}/sources/{source}/pages/{1 + i % 60}")
            elapsed = (time.perf_counter() - t0) * 1000
            assert r.status_code == 200, r.text
            if i >= 10:
                out.append(elapsed)
    server.should_exit = True
    thread.join(timeout=10)
    return out


def run(url: str, pdf: bytes, text: str, quotes: int, repeat: int) -> dict[str, object]:
    """The four measurements on one store."""
    store = open_store(url)
    adds, anchors, checks = [], [], []
    result: dict[str, object] = {}
    for r in range(repeat):
        review = f"bench{r}"
        create_review(store, Review(id=review, title="Bench"))
        add_study(store, review, Study(key="Bench 2026"))
        seconds, report = timed(add_source, store, review, "Bench 2026", "bench.pdf", pdf)
        adds.append(seconds)
        source = report.source.id
        import_sheet(store, review, read_csv("bench.csv", sheet(text, quotes), COLUMNS))
        seconds, counts = timed(anchor_pending, store, review)
        anchors.append(seconds)
        seconds, checked = timed(check_quotes, store, review)
        checks.append(seconds)
        result.update(anchored=counts, counts=checked.counts)
    reads = page_reads(store, "bench0", source)
    store.close()
    result.update(add=adds, anchor=anchors, check=checks, page_median=statistics.median(reads),
                  page_p95=statistics.quantiles(reads, n=20)[18])
    return result


def main() -> None:
    """Measure and print a Markdown section for bench/RESULTS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--quotes", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    pdf, _ = document(args.pages)
    extracted = extract("bench.pdf", pdf)
    text = "\n\n".join(extracted.pages)
    print(f"PDF: {args.pages} pages, {len(pdf):,} bytes, {len(text):,} characters of text")
    with tempfile.TemporaryDirectory() as folder:
        for name, url in (("embedded, on disk", f"oxigraph:{folder}/store"),
                          ("in memory", "memory:")):
            got = run(url, pdf, text, args.quotes, args.repeat)
            fmt = lambda xs: f"{statistics.median(xs):.2f} s (runs: {', '.join(f'{x:.2f}' for x in xs)})"  # noqa: E731,E501
            print(f"\n### {name}\n")
            print(f"| what | time | goal |\n|---|---|---|\n"
                  f"| add the {args.pages}-page PDF | {fmt(got['add'])} | < 3 s |\n"
                  f"| anchor {args.quotes:,} quotes (anchored, of) {got['anchored']} | "
                  f"{fmt(got['anchor'])} | < 2 s |\n"
                  f"| check {args.quotes:,} quotes {got['counts']} | {fmt(got['check'])} | "
                  f"< 2 s |\n"
                  f"| one page over HTTP, median (p95) of 200 | {got['page_median']:.1f} ms "
                  f"({got['page_p95']:.1f} ms) | < 20 ms |")
    print(f"\nMachine: {platform.platform()}, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
