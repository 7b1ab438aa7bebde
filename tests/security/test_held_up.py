"""What held up in the security test, kept tested on both setups: SPARQL scoping, refused
updates, REST authorisation, graph names in imports, remote JSON-LD contexts, a burst of traffic.
"""

from __future__ import annotations

import json
import random
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.security.conftest import Target
from tests.security.test_sparql_attacks import listener  # noqa: F401 - a fixture

REVIEW_GRAPH = "https://w3id.org/realist-kg/id/review/peer-support"
SYSTEM_GRAPH = "https://w3id.org/realist-kg/system"
LEAKS = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
    "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 5",
    f"SELECT * FROM <{REVIEW_GRAPH}> WHERE {{ ?s ?p ?o }} LIMIT 5",
    f"SELECT * FROM NAMED <{REVIEW_GRAPH}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT 5",
    f"SELECT * WHERE {{ GRAPH <{REVIEW_GRAPH}> {{ ?s ?p ?o }} }} LIMIT 5",
    f"SELECT * FROM <{SYSTEM_GRAPH}> WHERE {{ ?s ?p ?o }} LIMIT 5",
    f"SELECT * WHERE {{ GRAPH <{SYSTEM_GRAPH}> {{ ?s ?p ?o }} }} LIMIT 5",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 5",
    "DESCRIBE ?s WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 5",
    "ASK { GRAPH ?g { ?s ?p ?o } }",
]


@pytest.mark.parametrize("query", LEAKS, ids=[f"q{i}" for i in range(len(LEAKS))])
def test_sparql_cannot_reach_a_private_review_or_the_system_graph(target: Target,
                                                                   query: str) -> None:
    for client in (target.anonymous,):
        for response in (
                client.get("/sparql", params={"query": query,
                                              "default-graph-uri": REVIEW_GRAPH}),
                client.post("/sparql", data={"query": query, "named-graph-uri": SYSTEM_GRAPH}),
                client.post("/sparql", content=query,
                            headers={"content-type": "application/sparql-query"})):
            assert response.status_code == 200, response.text[:300]
            text = response.text
            assert "peer-support" not in text and "Jolly" not in text
            assert "tokenHash" not in text and "system#" not in text
            if query.startswith("ASK"):
                assert json.loads(text)["boolean"] is False


def _triples(target: Target) -> int:
    r = target.admin.get("/sparql", params={
        "query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_sparql_updates_never_write(target: Target) -> None:
    before = _triples(target)
    update = f"INSERT DATA {{ GRAPH <{REVIEW_GRAPH}> {{ <urn:x> <urn:y> <urn:z> }} }}"
    attempts = [
        ("GET", {"params": {"query": update}}),
        ("GET", {"params": {"update": update}}),
        ("POST", {"data": {"update": update}}),
        ("POST", {"data": {"query": update}}),
        ("POST", {"content": update, "headers": {"content-type": "application/sparql-update"}}),
        ("POST", {"content": update, "headers": {"content-type": "application/sparql-query"}}),
        ("POST", {"content": "DROP ALL", "headers": {"content-type": "application/sparql-query"}}),
        ("POST", {"content": update, "headers": {"content-type": "text/plain"}}),
    ]
    for client in (target.anonymous, target.editor, target.admin):
        for method, kwargs in attempts:
            r = client.request(method, "/sparql", **kwargs)  # type: ignore[arg-type]
            assert 400 <= r.status_code < 500, (method, kwargs, r.status_code)
    assert _triples(target) == before


PRIVATE_ROUTES = [
    ("GET", "/reviews/peer-support"), ("GET", "/reviews/peer-support/cmocs"),
    ("GET", "/reviews/peer-support/cmocs/c01"), ("GET", "/reviews/peer-support/matrix"),
    ("GET", "/reviews/peer-support/chains"), ("GET", "/reviews/peer-support/export"),
    ("GET", "/reviews/peer-support/views/mechanisms"), ("GET", "/reviews/peer-support/studies"),
    ("GET", "/reviews/peer-support/concepts"), ("GET", "/id/review/peer-support"),
    ("DELETE", "/reviews/peer-support"), ("PATCH", "/reviews/peer-support"),
    ("POST", "/reviews/peer-support/cmocs"), ("POST", "/reviews/peer-support/import"),
]


def test_rest_routes_leak_nothing_of_a_private_review(target: Target) -> None:
    other = target.client(target.other_token)
    for client in (target.anonymous, other):
        for method, path in PRIVATE_ROUTES:
            r = client.request(method, path, json={} if method in ("POST", "PATCH") else None)
            assert r.status_code in (400, 401, 403, 404, 422), (method, path, r.status_code)
            assert "Jolly" not in r.text


def test_graph_names_in_an_import_are_ignored(target: Target) -> None:
    trig = (f"<{SYSTEM_GRAPH}> {{ <urn:evil> <urn:p> <urn:o> }}\n"
            "<https://w3id.org/realist-kg/id/review/other> { <urn:evil2> <urn:p> <urn:o> }\n")
    r = target.editor.post("/reviews/peer-support/import", content=trig,
                           headers={"content-type": "application/trig"}, params={
                               "validate": "false"})
    assert r.status_code in (200, 201, 422), r.text
    r = target.admin.get("/sparql", params={"query": "SELECT ?g WHERE { GRAPH ?g { "
                                                     "?s <urn:p> <urn:o> } }"})
    graphs = {b["g"]["value"] for b in r.json()["results"]["bindings"]}
    assert graphs <= {REVIEW_GRAPH}


def test_remote_jsonld_contexts_are_not_fetched(target: Target,
                                                listener: tuple[str, list[bytes]]) -> None:  # noqa: F811
    url, seen = listener
    doc = {"@context": url, "@id": "urn:a", "name": "x"}
    r = target.editor.post("/reviews/peer-support/import", content=json.dumps(doc),
                           headers={"content-type": "application/ld+json"})
    assert 400 <= r.status_code < 500
    assert seen == []
    target.assert_alive()


def test_a_burst_of_mixed_requests_gets_no_server_errors(target: Target) -> None:
    clients = [httpx.Client(base_url=url, timeout=60, headers={
        "Authorization": f"Bearer {target.editor_token}"}) for url in target.urls]
    paths = ["/reviews/peer-support/matrix", "/reviews/peer-support/cmocs?limit=5",
             "/reviews/peer-support/mechanisms?context=delivery", "/reviews",
             "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", "/reviews/peer-support/cmocs/c01",
             "/reviews/nope", "/openapi.json"]
    rng = random.Random(7)
    plan = [(rng.choice(clients), rng.choice(paths)) for _ in range(400)]
    try:
        with ThreadPoolExecutor(16) as pool:
            codes = list(pool.map(lambda cp: cp[0].get(cp[1]).status_code, plan))
    finally:
        for client in clients:
            client.close()
    assert all(code < 500 for code in codes), sorted(set(codes))
    target.assert_alive()
