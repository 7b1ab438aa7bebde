"""The workbench's CMOc table: the first page of a 2,000-CMOc review, served over HTTP by the
app on an embedded (in-memory) store, signed in as admin. Goal: under 300 ms.

    PYTHONPATH=. python bench/workbench_bench.py
"""

from __future__ import annotations

import re
import statistics
import time

from starlette.testclient import TestClient

from api.main import create_app
from bench.corpus import generate, review_quads, revision_token
from cmo.settings import Settings
from cmo.store import open_store

ADMIN = "bench-admin-secret-0123456789"


def main() -> None:
    """Load the review, sign in, time the table's first page (cold, then 20 warm)."""
    corpus = generate(2000, 1, 30, seed=1)
    review = corpus.reviews[0]
    store = open_store("memory:")
    store.add_quads(review_quads(review, revision=revision_token(corpus, review)))
    with TestClient(create_app(Settings(admin_token=ADMIN), store)) as client:
        form = client.get("/sign-in").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        client.post("/sign-in", data={"token": ADMIN, "csrf": csrf})
        url = f"/reviews/{review.id}/table"
        for label, params in (("first page, by id", {}),
                              ("first page, by mechanism", {"sort": "mechanism"})):
            start = time.perf_counter()
            answer = client.get(url, params=params)
            cold = (time.perf_counter() - start) * 1000
            assert answer.status_code == 200 and "2000 CMOcs" in answer.text
            warm = []
            for _ in range(20):
                start = time.perf_counter()
                client.get(url, params=params)
                warm.append((time.perf_counter() - start) * 1000)
            print(f"{label}: first {cold:.0f} ms, then median {statistics.median(warm):.0f} ms, "
                  f"max {max(warm):.0f} ms (20 runs)")


if __name__ == "__main__":
    main()
