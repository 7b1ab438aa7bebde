"""How fast the reading page, autocomplete and saving a CMOc answer (issue 14).

    .venv/bin/python bench/reading_bench.py [--pages 60] [--concepts 5000] [--anchors 300]

On an embedded store on disk: a review with `--concepts` concepts (contexts, mechanisms and
outcomes; 10% with a synonym), a `--pages`-page PDF source (bench/sources_bench.py's document)
with `--anchors` quotes anchored in it by position, served by a real `cmo serve` app under
uvicorn. A browser-like client signs in (session cookie, CSRF token) and measures, over HTTP on
loopback (so each figure includes the client's own overhead: the server's time is below it):

1. the reading page of the source (text cut at every anchor, builder, CMOc cards);
2. autocomplete (`/workbench/reviews/{id}/concepts?prefix=`) for prefixes, words and typos;
3. saving a CMOc with three anchored passages (`POST /workbench/reviews/{id}/cmocs`), in that
   review and in one the size of the bundled example (peer-support: 43 CMOcs, ~130 concepts)
   with the same source;
4. once, in Chromium (Playwright, as the browser tests): from navigation to the moment the
   page's script has placed the stripes and wired the builder (`performance.mark`).

Goals: 1 under 300 ms, 2 under 50 ms, 3 under 150 ms.
"""

from __future__ import annotations

import argparse
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.main import create_app
from bench.sources_bench import WORDS, document, free_port
from cmo.interchange.rdf_files import import_rdf, rdf_format
from cmo.model import ids
from cmo.model.records import CMOConfiguration, Concept, ConceptKind, Evidence, Review, Study
from cmo.rdf.mapping import concept_triples
from cmo.review.cmocs import create_cmoc
from cmo.review.reviews import create_review
from cmo.review.studies import add_study
from cmo.review.tokens import create_token
from cmo.settings import Settings
from cmo.sources.documents import add_source
from cmo.store import Store, open_store
from cmo.store.writes import add_triples
from tests.conftest import EXAMPLE

ADMIN = "w" * 32


def concepts(store: Store, review: str, n: int, rng: random.Random) -> list[str]:
    """`n` concepts in one write, a third of each kind; their labels."""
    triples, labels, seen = [], [], set()
    kinds = [ConceptKind.context, ConceptKind.mechanism, ConceptKind.outcome]
    while len(labels) < n:
        label = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 4)))
        kind = kinds[len(labels) % 3]
        if (kind, ids.normalise_label(label)) in seen:
            continue
        seen.add((kind, ids.normalise_label(label)))
        alt = [f"{label} alt"] if rng.random() < 0.1 else []
        concept = Concept(kind=kind, label=label, alt_labels=alt)
        triples += concept_triples(review, concept, ids.concept_iri(review, kind.value, label),
                                   None)
        labels.append(label)
    add_triples(store, review, triples)
    return labels


def setup(store: Store, pages: int, n_concepts: int, anchors: int) -> tuple[str, int]:
    """The review, its concepts, the source and its anchored quotes; the source id and length."""
    rng = random.Random(3)
    create_review(store, Review(id="bench", title="Bench"))
    add_study(store, "bench", Study(key="Bench 2026"))
    labels = concepts(store, "bench", n_concepts, rng)
    pdf, _ = document(pages)
    report = add_source(store, "bench", "Bench 2026", "bench.pdf", pdf)
    chars = report.source.chars
    for n in range(anchors):
        evidence = []
        for part in ("context", "mechanism", "outcome"):
            start = rng.randrange(0, chars - 200)
            evidence.append(Evidence(source=report.source.id, start=start,
                                     end=start + rng.randint(30, 150), part=part))
        create_cmoc(store, "bench", CMOConfiguration(
            id=f"b{n:04d}", studies=["Bench 2026"], contexts=[labels[0 + 3 * (n % 500)]],
            mechanism=labels[1 + 3 * (n % 500)], outcomes=[labels[2 + 3 * (n % 500)]],
            evidence=evidence))
    return report.source.id, chars


def serve(store: Store) -> tuple[str, uvicorn.Server, threading.Thread]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(admin_token=ADMIN), store),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server, thread


def signed_in(url: str, secret: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=url, timeout=60)
    form = client.get("/sign-in").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    assert client.post("/sign-in", data={"token": secret, "csrf": csrf}).status_code == 303
    page = client.get("/")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    return client, csrf


def ms(client: httpx.Client, method: str, path: str, **kw: object) -> float:
    t0 = time.perf_counter()
    r = client.request(method, path, **kw)  # type: ignore[arg-type]
    elapsed = (time.perf_counter() - t0) * 1000
    assert r.status_code in (200, 201), (r.status_code, r.text[:300])
    return elapsed


def saving(client: httpx.Client, csrf: str, review: str, study: str, source: str, chars: int,
           n: int, rng: random.Random) -> list[float]:
    """Milliseconds for `n` saves of a CMOc with three passages anchored in `source`."""
    out = []
    for _ in range(n):
        start = rng.randrange(0, chars - 200)
        body = {"study": study, "contexts": ["peer support mothers"],
                "mechanism": "trust local", "outcomes": ["breastfeeding duration"],
                "evidence": [{"source": source, "start": start + k * 40,
                              "end": start + k * 40 + 35, "part": part}
                             for k, part in enumerate(("context", "mechanism", "outcome"))]}
        out.append(ms(client, "POST", f"/workbench/reviews/{review}/cmocs", json=body,
                      headers={"X-CSRF-Token": csrf}))
    return out


def summary(xs: list[float]) -> str:
    return f"{statistics.median(xs):.1f} ms (p95 {statistics.quantiles(xs, n=20)[18]:.1f} ms)"


def chromium_ready(url: str, secret: str, path: str) -> float:
    """Milliseconds from navigation to the page's script being ready, in Chromium."""
    from playwright.sync_api import sync_playwright

    exe = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=["--headless", "--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(url + "/sign-in")
        page.get_by_label("Token").fill(secret)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(url + "/")
        times = []
        for _ in range(3):
            page.goto(url + path)
            for _ in range(400):
                ready = page.evaluate("() => performance.getEntriesByName('reader-ready')"
                                      ".map(e => e.startTime)[0] || null")
                if ready is not None:
                    break
                time.sleep(0.02)
            times.append(float(ready))
        browser.close()
    return statistics.median(times)


def main() -> None:
    """Measure and print a Markdown section for bench/RESULTS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--concepts", type=int, default=5000)
    parser.add_argument("--anchors", type=int, default=300)
    parser.add_argument("--saves", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"oxigraph:{folder}/store")
        t0 = time.perf_counter()
        source, chars = setup(store, args.pages, args.concepts, args.anchors)
        print(f"Setup: {time.perf_counter() - t0:.1f} s; source {args.pages} pages, {chars:,} "
              f"characters, {args.anchors * 3} anchored quotes; {args.concepts:,} concepts")
        url, server, thread = serve(store)
        secret = create_token(store, "editor", "bench", name="bench editor")
        client, csrf = signed_in(url, secret)
        read = f"/reviews/bench/sources/{source}/read"
        ms(client, "GET", read)
        reading = [ms(client, "GET", read) for _ in range(30)]
        size = len(client.get(read).content)
        rng = random.Random(5)
        prefixes = [rng.choice(WORDS)[:n] for n in (2, 3, 4, 6) for _ in range(25)]
        prefixes += [rng.choice(WORDS)[:5].replace("e", "a") for _ in range(50)]
        auto = [ms(client, "GET", "/workbench/reviews/bench/concepts",
                   params={"prefix": p, "kind": "context"}) for p in prefixes]
        saves = saving(client, csrf, "bench", "Bench 2026", source, chars, args.saves, rng)
        import_rdf(store, "example", [("review.ttl", EXAMPLE.read_bytes(), rdf_format("ttl"))])
        small = add_source(store, "example", "Jolly 2012", "bench.pdf",
                           document(args.pages)[0]).source.id
        editor, csrf2 = signed_in(url, create_token(store, "editor", "example", name="e2"))
        typical = saving(editor, csrf2, "example", "Jolly 2012", small, chars, args.saves, rng)
        ready = chromium_ready(url, secret, read)
        server.should_exit = True
        thread.join(timeout=10)
        store.close()
    print("\n| what | median (p95) over HTTP on loopback | goal |\n|---|---|---|")
    print(f"| reading page, {args.pages} pages, {args.anchors * 3} coded passages "
          f"({size:,} bytes of HTML), 30 GETs | {summary(reading)} | < 300 ms |")
    print(f"| autocomplete over {args.concepts:,} concepts, {len(auto)} prefixes (2-6 letters "
          f"and typos) | {summary(auto)} | < 50 ms |")
    print(f"| save a CMOc with 3 anchored passages, {args.saves} saves, in the review of "
          f"{args.concepts:,} concepts | {summary(saves)} | < 150 ms |")
    print(f"| the same in a review the size of the example (43 CMOcs) with the {args.pages}-page "
          f"source | {summary(typical)} | < 150 ms |")
    print(f"| Chromium: navigation to the reading page usable (median of 3) | {ready:.0f} ms | |")
    print(f"\nMachine: {platform.platform()}, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
