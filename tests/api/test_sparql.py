"""The SPARQL 1.1 Protocol endpoint: formats, read-only, scoped to readable reviews, timeout."""

import csv
import io
import threading
import time
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import uvicorn

from api.main import create_app
from cmo.interchange.rdf_files import import_rdf, rdf_format
from cmo.review.reviews import update_review
from cmo.settings import Settings
from cmo.store import open_store
from tests.api.conftest import ADMIN, Service, free_port

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
TITLES = "SELECT ?t WHERE { ?r a <https://w3id.org/realist-kg/ns#Review> ; " \
         "<http://purl.org/dc/terms/title> ?t }"


def _count(service: Service) -> int:
    r = service.admin.get("/sparql", params={"query": COUNT})
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize(("accept", "check"), [
    ("application/sparql-results+json", lambda b: "results" in __import__("json").loads(b)),
    ("application/sparql-results+xml", lambda b: ET.fromstring(b).tag.endswith("sparql")),
    ("text/csv", lambda b: next(csv.reader(io.StringIO(b.decode()))) == ["t"]),
    ("text/tab-separated-values", lambda b: b.decode().startswith("?t")),
], ids=["json", "xml", "csv", "tsv"])
def test_select_in_every_result_format(service: Service, accept: str, check: object) -> None:
    r = service.admin.get("/sparql", params={"query": TITLES}, headers={"accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    assert check(r.content)  # type: ignore[operator]


def test_post_form_and_sparql_query_body(service: Service) -> None:
    form = service.admin.post("/sparql", data={"query": COUNT})
    body = service.admin.post("/sparql", content=COUNT,
                              headers={"content-type": "application/sparql-query"})
    assert form.json() == body.json() and form.status_code == 200


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples",
                                    "application/ld+json"])
def test_construct_as_rdf(service: Service, accept: str) -> None:
    r = service.admin.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 20"},
                          headers={"accept": accept})
    fmt = ox.RdfFormat.from_media_type(accept)
    assert r.status_code == 200 and fmt is not None
    assert len(list(ox.parse(r.content, format=fmt))) == 20


@pytest.mark.parametrize("how", ["query-param", "form-update", "update-body", "form-query"])
def test_updates_are_refused_and_nothing_changes(service: Service, how: str) -> None:
    before = _count(service)
    update = "INSERT DATA { GRAPH <https://w3id.org/realist-kg/id/review/peer-support> " \
             "{ <urn:x> <urn:y> <urn:z> } }"
    if how == "query-param":
        r = service.admin.get("/sparql", params={"query": update})
    elif how == "form-update":
        r = service.admin.post("/sparql", data={"update": update})
    elif how == "update-body":
        r = service.admin.post("/sparql", content=update,
                               headers={"content-type": "application/sparql-update"})
    else:
        r = service.admin.post("/sparql", data={"query": update})
    assert 400 <= r.status_code < 500
    assert _count(service) == before


def test_dataset_is_limited_to_readable_reviews(service: Service) -> None:
    service.admin.post("/reviews", json={"id": "secret-b", "title": "Secret B"})
    viewer = service.token("viewer", "peer-support")
    titles = [b["t"]["value"] for b in viewer.get("/sparql", params={"query": TITLES}
                                                  ).json()["results"]["bindings"]]
    assert "Secret B" not in titles and titles
    reach = ("SELECT ?t FROM <https://w3id.org/realist-kg/id/review/secret-b> "
             "FROM NAMED <https://w3id.org/realist-kg/id/review/secret-b> WHERE { "
             "{ ?r <http://purl.org/dc/terms/title> ?t } UNION { GRAPH ?g "
             "{ ?r <http://purl.org/dc/terms/title> ?t } } }")
    got = [b["t"]["value"] for b in viewer.get("/sparql", params={"query": reach}
                                               ).json()["results"]["bindings"]]
    assert "Secret B" not in got
    tokens = ("SELECT ?h WHERE { GRAPH <https://w3id.org/realist-kg/id/system> { ?x ?p ?h } }")
    assert service.admin.get("/sparql", params={"query": tokens}
                             ).json()["results"]["bindings"] == []
    assert "Secret B" not in service.anonymous.get(
        "/sparql", params={"query": TITLES}).text


def test_bad_query_is_400_with_line(service: Service) -> None:
    r = service.admin.get("/sparql", params={"query": "SELECT ?x WHERE {\n ?x ?y \n"})
    assert r.status_code == 400 and r.json()["problems"][0]["line"] >= 1


def test_slow_query_times_out_with_503() -> None:
    store = open_store("memory:")
    from tests.conftest import EXAMPLE

    import_rdf(store, "r", [("r.ttl", EXAMPLE.read_bytes(), rdf_format("ttl"))])
    update_review(store, "r", public=True)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(
        sparql_timeout_seconds=0.05), store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    import httpx

    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        r = client.get("/sparql", params={"query": slow})
    assert r.status_code == 503 and r.json()["title"] == "QueryTimeout"
    server.should_exit = True
    thread.join(timeout=60)


def test_a_standard_sparql_client_works(service: Service) -> None:
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(f"{service.url}/sparql", method="POST_FORM",
                        headers={"Authorization": f"Bearer {ADMIN}"})
    graph = Graph(store=store)
    rows = list(graph.query(TITLES))
    assert any("Peer support" in str(row[0]) for row in rows)
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True
    store.close()
