"""Item 13 (SIGTERM): `cmo serve` stops within CMO_SHUTDOWN_SECONDS, even with work in flight."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import httpx

from tests.security.conftest import ADMIN, _stop, start_embedded

SHUTDOWN_S = 2
#: Counts some 6e9 rows of a three-way cross product: minutes of work, in constant memory.
LONG_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_serve_exits_within_the_bound_after_sigterm_with_a_long_request_in_flight(
        tmp_path: Path) -> None:
    target = start_embedded(tmp_path, {"CMO_SHUTDOWN_SECONDS": str(SHUTDOWN_S),
                                       "CMO_SPARQL_TIMEOUT_SECONDS": "600"})
    [proc] = target.procs
    outcome: list[object] = []

    def ask() -> None:
        try:
            outcome.append(httpx.get(f"{target.url}/sparql", params={"query": LONG_QUERY},
                                     headers={"Authorization": f"Bearer {ADMIN}"},
                                     timeout=120).status_code)
        except httpx.TransportError as exc:
            outcome.append(exc)

    asking = threading.Thread(target=ask, daemon=True)
    try:
        asking.start()
        time.sleep(1.5)
        assert asking.is_alive() and not outcome, "the long request should still be running"
        signalled = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=SHUTDOWN_S + 15)
        took = time.monotonic() - signalled
    finally:
        _stop(target.procs)
    assert SHUTDOWN_S - 0.5 <= took < SHUTDOWN_S + 10, took  # it waited, but not beyond the bound
    asking.join(timeout=10)
    assert outcome, "the caller was left waiting after the service stopped"
