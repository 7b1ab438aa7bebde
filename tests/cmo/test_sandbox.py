"""Query workers: what counts against a caller's time limit, and what a worker sees."""

from __future__ import annotations

import time

from cmo.interchange.rdf_files import import_rdf, rdf_format
from cmo.model import ids
from cmo.store import Store
from cmo.store.sandbox import QuerySandbox, SandboxLimits
from tests.conftest import EXAMPLE


def _reviews(store: Store, n: int) -> list[str]:
    for i in range(n):
        import_rdf(store, f"r{i}", [("r.ttl", EXAMPLE.read_bytes(), rdf_format("ttl"))])
    return [ids.review_iri(f"r{i}") for i in range(n)]


def test_copying_reviews_from_a_server_is_not_the_query_time(remote_store: Store) -> None:
    """25 reviews (45,000 triples) take about a second to copy, more than the query's 0.4 s
    limit; the query is still answered, because the copy has a limit of its own. The query is an
    ASK that stops at its first match, so a loaded machine cannot push it past the limit."""
    graphs = _reviews(remote_store, 25)
    sandbox = QuerySandbox(remote_store, SandboxLimits(seconds=0.4, workers=1))
    sandbox.start()
    try:
        sandbox.run("ASK {}", [])  # the worker has started
        started = time.monotonic()
        data, _ = sandbox.run("ASK { ?s a <https://w3id.org/realist-kg/ns#Review> }", graphs)
        copied = time.monotonic() - started
        assert b"true" in data
        started = time.monotonic()
        sandbox.run("ASK { ?s ?p ?o }", graphs)
        assert time.monotonic() - started < copied  # the copy is kept while nothing changes
    finally:
        sandbox.close()


def test_a_worker_sees_a_write_to_a_copied_review(remote_store: Store) -> None:
    graphs = _reviews(remote_store, 1)
    sandbox = QuerySandbox(remote_store, SandboxLimits(seconds=30, workers=1))
    sandbox.start()
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/realist-kg/ns#Review> }"
    try:
        before = sandbox.run(query, graphs)[0]
        import_rdf(remote_store, "r0", [("more.ttl", b"<urn:x> <urn:p> 1 .", rdf_format("ttl"))],
                   validate=False)
        after = sandbox.run("SELECT (COUNT(*) AS ?n) WHERE { <urn:x> ?p ?o }", graphs)[0]
        assert b'"value":"1"' in after and before
    finally:
        sandbox.close()
