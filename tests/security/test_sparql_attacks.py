"""/sparql under attack: federation, parser-crashing queries, runaway queries, odd parameters.

Each attack runs against `cmo serve` on an embedded store and against the team setup, and the
setup must still answer afterwards.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import psutil
import pytest

from tests.security.conftest import Target

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A loopback TCP listener that records every connection made to it (for SSRF)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    seen: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    seen.append(conn.recv(4096))
                except OSError:
                    seen.append(b"")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/sparql", seen
    stop.set()
    thread.join()
    server.close()


def _federated(endpoint: str) -> dict[str, str]:
    """Ways to write SERVICE: case, comments, prefixes, nesting, escapes, variables."""
    return {
        "plain": f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ GRAPH ?g {{ ?s ?p ?o }} }} }}",
        "lower-silent": f"select * where {{ service silent <{endpoint}> {{ ?s ?p ?o }} }}",
        "comment": f"SELECT * WHERE {{ #x\n SeRvIcE #y\n <{endpoint}> {{ ?s ?p ?o }} }}",
        "prefixed": f"PREFIX e: <{endpoint.rsplit('/', 1)[0]}/> "
                    "SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }",
        "nested": f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ {{ SELECT * WHERE {{ FILTER EXISTS "
                  f"{{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }} }} }} }} }}",
        "escaped": f"SELECT * WHERE {{ \\u0053ERVICE <{endpoint}> {{ ?s ?p ?o }} }}",
        "variable": f"SELECT * WHERE {{ VALUES ?e {{ <{endpoint}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        "base": f"BASE <{endpoint}> SELECT * WHERE {{ SERVICE <> {{ ?s ?p ?o }} }}",
        "construct": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}",
        "ask-union": f"ASK {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }} }}",
    }


@pytest.mark.parametrize("spelling", list(_federated("http://x/sparql")))
def test_service_is_refused_and_never_called(target: Target, spelling: str,
                                             listener: tuple[str, list[bytes]]) -> None:
    endpoint, seen = listener
    query = _federated(endpoint)[spelling]
    for client in (target.anonymous, target.admin):
        r = client.get("/sparql", params={"query": query})
        assert r.status_code == 400, r.text
        assert r.headers["content-type"] == PROBLEM
        assert "SERVICE" in r.json()["detail"]
        r = client.post("/sparql", content=query,
                        headers={"content-type": "application/sparql-query"})
        assert r.status_code == 400
    time.sleep(0.3)
    assert seen == []
    target.assert_alive()


def test_service_to_the_team_triplestore_cannot_leak_private_reviews(target: Target) -> None:
    """The reported attack: SERVICE pointed at the store's own endpoint."""
    base = target.store_url.removeprefix("sparql+") if target.name == "team" \
        else "http://127.0.0.1:7878"
    query = f"SELECT * WHERE {{ SERVICE <{base}/query> {{ GRAPH ?g {{ ?s ?p ?o }} }} }}"
    r = target.anonymous.get("/sparql", params={"query": query})
    assert r.status_code == 400
    assert "results" not in r.text


def test_a_variable_named_service_is_still_a_variable(target: Target) -> None:
    r = target.admin.get("/sparql", params={
        "query": "SELECT ?service WHERE { BIND(<urn:x:SERVICE> AS ?service) }"})
    assert r.status_code == 200, r.text
    assert r.json()["results"]["bindings"][0]["service"]["value"] == "urn:x:SERVICE"


CRASHERS = {
    "3k-braces": "SELECT * WHERE " + "{" * 3000 + "}" * 3000,
    "10k-not": "SELECT * WHERE { FILTER(" + "!" * 10_000 + "true) }",
    "10k-parens": "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }",
    "20k-union": "SELECT * WHERE { " + " UNION ".join(["{?s ?p ?o}"] * 20_000) + " }",
    "50k-path-parens": "SELECT * WHERE { ?s " + "(" * 50_000 + "<urn:p>" + ")" * 50_000 + " ?o }",
    "escaped-braces": "SELECT * WHERE " + "\\u007B" * 3000 + "\\u007D" * 3000,
    "5k-flat-binds": "SELECT * WHERE { " + " ".join(f"BIND(1 AS ?x{i})" for i in range(1500))
                     + " }",
    "6k-path-alternatives": "PREFIX : <urn:> SELECT * WHERE { ?s " + "|".join([":"] * 6000)
                            + " ?o }",
}


@pytest.mark.parametrize("name", list(CRASHERS))
def test_engine_crashing_queries_are_refused_and_the_service_stays_up(target: Target,
                                                                      name: str) -> None:
    query = CRASHERS[name]
    sent = ("GET", "POST") if len(query) < 6000 else ("POST",)
    for how in sent:
        if how == "GET":
            r = target.anonymous.get("/sparql", params={"query": query})
        else:
            r = target.anonymous.post("/sparql", data={"query": query})
        assert r.status_code in (400, 413), (name, r.status_code, r.text[:300])
        assert r.headers["content-type"] == PROBLEM
    target.assert_alive()


def test_update_parameter_is_refused_not_ignored(target: Target) -> None:
    r = target.admin.get("/sparql", params={"update": "DROP ALL", "query": "ASK {}"})
    assert r.status_code == 403
    assert r.headers["content-type"] == PROBLEM


def test_syntax_error_says_it_is_a_query_error(target: Target) -> None:
    r = target.admin.get("/sparql", params={"query": "SELECT ?x WHERE {\n ?x ?y \n"})
    assert r.status_code == 400
    body = r.json()
    assert body["detail"] == "The SPARQL query has a syntax error."
    assert "imported" not in r.text
    assert body["problems"][0]["line"] >= 2


def test_overlong_query_is_refused_before_parsing(target: Target) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30_000
    r = target.anonymous.post("/sparql", data={"query": query})
    assert r.status_code == 400
    assert "query_chars" in r.text


def test_ordinary_queries_still_answer_through_every_api_process(target: Target) -> None:
    query = ("SELECT (COUNT(*) AS ?n) WHERE { "
             "?c a <https://w3id.org/realist-kg/ns#CMOConfiguration> }")
    for url in target.urls:
        r = httpx.get(f"{url}/sparql", params={"query": query}, timeout=30,
                      headers={"Authorization": f"Bearer {target.editor_token}"})
        assert r.status_code == 200
        assert int(r.json()["results"]["bindings"][0]["n"]["value"]) > 10


def test_sparql_sees_every_write_made_since_the_last_query(target: Target) -> None:
    """The embedded workers read a read-only view; they look again after each write."""
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/realist-kg/ns#Study> }"

    def studies() -> int:
        r = target.editor.get("/sparql", params={"query": query})
        assert r.status_code == 200, r.text
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    before = studies()
    for n in range(3):
        r = target.editor.post("/reviews/peer-support/studies",
                               json={"key": f"Fresh {target.name} {n}"})
        assert r.status_code == 201, r.text
        assert studies() == before + n + 1


RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?i"


def _tree_rss(pid: int) -> int:
    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)])


def test_runaway_queries_are_stopped_and_do_not_pile_up(target: Target) -> None:
    """Ten runaway queries at once (timeout 3 s, two at a time): each caller gets 503 (or 400
    at the memory cap) in bounded time, the workers are really stopped, memory stays bounded."""
    client = target.client(target.editor_token, timeout=120)
    api = target.procs[-1]
    workers_before = {c.pid for c in psutil.Process(api.pid).children(recursive=True)}
    started = time.monotonic()
    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda _: client.get("/sparql", params={"query": RUNAWAY}),
                                range(10)))
    elapsed = time.monotonic() - started
    # Each is stopped at its time limit (503) or at its worker's memory cap (400).
    assert {a.status_code for a in answers} <= {400, 503}, [a.text[:200] for a in answers]
    assert all(a.headers["content-type"] == PROBLEM for a in answers)
    assert all("memory" in a.json()["detail"] for a in answers if a.status_code == 400)
    # Two at a time, 3 s each: about 15 s if the gate is held until a query has really ended.
    assert elapsed < 90
    target.assert_alive()
    if target.name == "embedded":
        # The workers that ran the runaway queries were killed, not abandoned.
        workers_after = {c.pid for c in psutil.Process(api.pid).children(recursive=True)}
        assert workers_before and not workers_before & workers_after
    assert _tree_rss(api.pid) < 3 * 1024**3
    if target.name == "team":
        assert _tree_rss(target.procs[0].pid) < 4 * 1024**3
    # The slots free up once the queries have really ended (at once when a worker is killed;
    # on a team's server, when the server has stopped them by its own timeout).
    deadline = time.monotonic() + 120
    while True:
        r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        if r.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert r.status_code == 200 and r.json()["boolean"] is True


def test_a_worker_over_its_memory_cap_is_refused_not_fatal(tmp_path_factory:
                                                           pytest.TempPathFactory) -> None:
    """With a small memory cap, a query that needs more is answered 400 and the service lives."""
    from tests.security.conftest import _stop, start_embedded

    setup = start_embedded(tmp_path_factory.mktemp("memcap"),
                           {"CMO_SPARQL_MEMORY_MB": "300", "CMO_SPARQL_TIMEOUT_SECONDS": "60"})
    try:
        r = setup.admin.get("/sparql", params={"query": RUNAWAY}, timeout=120)
        assert r.status_code == 400, r.text[:300]
        assert "memory" in r.json()["detail"]
        setup.assert_alive()
    finally:
        for client in setup.clients:
            client.close()
        _stop(setup.procs)
