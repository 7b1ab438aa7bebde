"""CMOcs over HTTP: create, read, PUT what GET gave, If-Match, roles, provenance."""

import httpx
import pytest

from tests.api.conftest import Service

NEW = {"study": "Jolly 2012", "contexts": ["Low  Intensity support"],
       "mechanism": "authentic presence", "outcomes": ["breastfeeding duration"],
       "mechanism_fired": False, "outcome_direction": "none", "confidence": "moderate",
       "quote": "tend not to be effective", "page": "Table 1",
       "programme_theory": "How peer support works"}


@pytest.fixture(scope="module")
def editor(service: Service) -> httpx.Client:
    return service.token("editor", "peer-support")


def test_create_resolves_labels_and_synonyms(editor: httpx.Client) -> None:
    r = editor.post("/reviews/peer-support/cmocs", json=NEW)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["id"] == "c44" and r.headers["etag"]
    assert body["contexts"] == ["low intensity support"]
    assert body["mechanism"] == "trusting relationship with the peer"
    assert body["theories"] == ["peer-support-v2"]  # the latest version of that theory
    assert body["reviewer"] == "editor-peer-support"
    assert r.headers["location"] == "/reviews/peer-support/cmocs/c44"


def test_put_accepts_what_get_returned(editor: httpx.Client) -> None:
    got = editor.get("/reviews/peer-support/cmocs/c01")
    body = got.json()
    body["confidence"] = "low"
    r = editor.put("/reviews/peer-support/cmocs/c01", json=body,
                   headers={"If-Match": got.headers["etag"]})
    assert r.status_code == 200, r.text
    assert r.json()["confidence"] == "low" and r.json()["modified"]
    assert r.headers["etag"] != got.headers["etag"]


def test_stale_if_match_is_412_and_missing_is_428(editor: httpx.Client) -> None:
    got = editor.get("/reviews/peer-support/cmocs/c02")
    first = editor.patch("/reviews/peer-support/cmocs/c02", json={"notes": "first"},
                         headers={"If-Match": got.headers["etag"]})
    assert first.status_code == 200
    stale = editor.patch("/reviews/peer-support/cmocs/c02", json={"notes": "second"},
                         headers={"If-Match": got.headers["etag"]})
    assert stale.status_code == 412 and stale.json()["title"] == "PreconditionFailed"
    assert editor.get("/reviews/peer-support/cmocs/c02").json()["notes"] == "first"
    assert editor.patch("/reviews/peer-support/cmocs/c02",
                        json={"notes": "x"}).status_code == 428


def test_delete_needs_current_etag(editor: httpx.Client) -> None:
    r = editor.post("/reviews/peer-support/cmocs", json={**NEW, "leads_to": []})
    cmoc = r.json()["id"]
    assert editor.delete(f"/reviews/peer-support/cmocs/{cmoc}",
                         headers={"If-Match": '"nope"'}).status_code == 412
    assert editor.delete(f"/reviews/peer-support/cmocs/{cmoc}",
                         headers={"If-Match": r.headers["etag"]}).status_code == 204
    assert editor.get(f"/reviews/peer-support/cmocs/{cmoc}").status_code == 404


@pytest.mark.parametrize(("change", "status", "field"), [
    ({"outcome_direction": "postive"}, 422, "body.outcome_direction"),
    ({"contexts": []}, 422, "body"),
    ({"leads_to": ["c404"]}, 404, None),
    ({"surprise": 1}, 422, "body.surprise"),
], ids=["bad-direction", "no-context", "unknown-leads-to", "unknown-field"])
def test_bad_cmoc_is_refused_and_nothing_written(editor: httpx.Client, change: dict[str, object],
                                                 status: int, field: str | None) -> None:
    before = editor.get("/reviews/peer-support/cmocs", params={"limit": 1}).json()["total"]
    r = editor.post("/reviews/peer-support/cmocs", json={**NEW, **change})
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
    if field:
        assert field in [p["field"] for p in r.json()["problems"]]
    after = editor.get("/reviews/peer-support/cmocs", params={"limit": 1}).json()["total"]
    assert after == before


def test_list_filters_and_paginates(editor: httpx.Client) -> None:
    page = editor.get("/reviews/peer-support/cmocs", params={"fired": False, "limit": 3}).json()
    assert len(page["items"]) == 3 and page["total"] >= 8
    assert all(not c["mechanism_fired"] for c in page["items"])
    by_context = editor.get("/reviews/peer-support/cmocs",
                            params={"context": "LOW intensity support"}).json()
    assert all("low intensity support" in c["contexts"] for c in by_context["items"])


def test_viewer_cannot_write_and_other_editor_cannot_touch(service: Service) -> None:
    viewer = service.token("viewer", "peer-support")
    assert viewer.post("/reviews/peer-support/cmocs", json=NEW).status_code == 403
    service.admin.post("/reviews", json={"id": "other", "title": "Other", "public": True})
    other_editor = service.token("editor", "other")
    assert other_editor.post("/reviews/peer-support/cmocs", json=NEW).status_code == 404
    assert service.token("editor", "peer-support").post(
        "/reviews/other/cmocs", json=NEW).status_code == 403


def test_every_write_records_who_and_when(service: Service, editor: httpx.Client) -> None:
    editor.post("/reviews/peer-support/studies", json={"key": "Okafor 2019", "year": 2019})
    q = """PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?who ?when WHERE { ?a a prov:Activity ; prov:wasAssociatedWith ?ag ;
      prov:endedAtTime ?when ; prov:generated ?s . ?ag rdfs:label ?who .
      FILTER(CONTAINS(STR(?s), "okafor-2019")) }"""
    rows = service.admin.get("/sparql", params={"query": q}).json()["results"]["bindings"]
    assert rows and rows[0]["who"]["value"] == "editor-peer-support"
