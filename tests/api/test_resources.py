"""Studies, concepts and theories over HTTP; linked data; import and export."""

import httpx
import pyoxigraph as ox
import pytest
import rdflib

from tests.api.conftest import Service
from tests.conftest import EXAMPLE


@pytest.fixture(scope="module")
def editor(service: Service) -> httpx.Client:
    service.admin.post("/reviews", json={"id": "res", "title": "Resources"})
    return service.token("editor", "res")


def test_studies_create_get_update_delete(editor: httpx.Client) -> None:
    assert editor.post("/reviews/res/studies", json={"key": "Okafor 2019"}).status_code == 201
    assert editor.post("/reviews/res/studies", json={"key": "okafor  2019"}).status_code == 409
    r = editor.put("/reviews/res/studies/OKAFOR 2019", json={"key": "Okafor 2019",
                                                              "year": 2019, "design": "rct"})
    assert r.json()["design"] == "rct"
    assert editor.get("/reviews/res/studies/okafor 2019").json()["year"] == 2019
    assert editor.delete("/reviews/res/studies/Okafor 2019").status_code == 204


def test_concepts_synonyms_broader_and_prefix_search(editor: httpx.Client) -> None:
    for body in [{"kind": "context", "label": "delivery"},
                 {"kind": "context", "label": "group-based support", "broader": "delivery",
                  "alt_labels": ["mutual support groups"]}]:
        assert editor.post("/reviews/res/concepts", json=body).status_code == 201
    found = editor.get("/reviews/res/concepts", params={"prefix": "MUTUAL", "kind": "context"})
    assert [c["label"] for c in found.json()] == ["group-based support"]
    r = editor.put("/reviews/res/concepts/context/mutual support groups", json={
        "kind": "context", "label": "group-based support", "broader": None,
        "alt_labels": ["peer groups"]})
    assert r.status_code == 200 and r.json()["alt_labels"] == ["peer groups"]
    missing = editor.get("/reviews/res/concepts/context/delivry")
    assert missing.status_code == 404 and missing.json()["suggestions"] == ["delivery"]


def test_theory_versions(editor: httpx.Client) -> None:
    assert editor.post("/reviews/res/theories", json={"id": "t-v1", "label": "T"}
                       ).status_code == 201
    assert editor.post("/reviews/res/theories", json={
        "id": "t-v2", "label": "T", "version": 2, "revision_of": "t-v1"}).status_code == 201
    assert editor.get("/reviews/res/theories/t-v2").json()["revision_of"] == "t-v1"
    assert editor.delete("/reviews/res/theories/t-v1").status_code == 409  # v2 revises it


def test_import_raw_and_multipart_then_export_by_accept(editor: httpx.Client) -> None:
    r = editor.post("/reviews/res/import", content=EXAMPLE.read_bytes(),
                    headers={"content-type": "text/turtle"})
    assert r.status_code == 200 and r.json()["cmocs"] == 43
    again = editor.post("/reviews/res/import", files={"file": ("more.ttl", EXAMPLE.read_bytes(),
                                                               "application/octet-stream")})
    assert again.status_code == 200
    for accept in ["text/turtle", "application/n-quads", "application/trig",
                   "application/ld+json"]:
        out = editor.get("/reviews/res/export", headers={"accept": accept})
        assert out.status_code == 200 and out.headers["content-type"].startswith(accept)
        fmt = ox.RdfFormat.from_media_type(accept)
        assert fmt is not None and len(list(ox.parse(out.content, format=fmt))) > 1000


def test_bad_import_names_the_line_and_writes_nothing(editor: httpx.Client) -> None:
    before = editor.get("/reviews/res/export", headers={"accept": "application/n-quads"}).text
    r = editor.post("/reviews/res/import", content=b"@prefix x: <http://x/> .\nx:a x:b \"open .\n",
                    headers={"content-type": "text/turtle"})
    assert r.status_code == 400 and r.json()["problems"][0]["line"] == 2
    assert editor.post("/reviews/res/import", content=b"a,b\n",
                       headers={"content-type": "text/plain"}).status_code == 415
    after = editor.get("/reviews/res/export", headers={"accept": "application/n-quads"}).text
    assert after == before


def test_minted_iris_dereference(service: Service) -> None:
    viewer = service.token("viewer", "peer-support")
    path = "/id/review/peer-support/cmoc/c10"
    turtle = viewer.get(path, headers={"accept": "text/turtle"})
    assert turtle.status_code == 200
    g = rdflib.Graph().parse(data=turtle.text, format="turtle")
    assert len(g) > 5
    assert viewer.get(path, headers={"accept": "application/ld+json"}).json()
    assert "resources" in viewer.get(path).json()
    assert service.anonymous.get(path).status_code == 404  # a private review stays hidden
    assert viewer.get("/id/review/peer-support/cmoc/nope").status_code == 404


def test_reviewer_iri_dereferences(service: Service) -> None:
    r = service.admin.get("/id/agent/example-reviewer", headers={"accept": "text/turtle"})
    assert r.status_code == 200 and "Example reviewer" in r.text
    assert service.admin.get("/id/agent/nobody").status_code == 404


def test_import_extraction_sheet_with_concepts_and_check(service: Service) -> None:
    service.admin.post("/reviews", json={"id": "sheet", "title": "Sheet"})
    editor = service.token("editor", "sheet")
    sheet = (b"study,context,mechanism,outcome,mechanism_fired,outcome_direction\n"
             b"Okafor 2019,rural clinics,trust in the peer,uptake,no,none\n")
    concepts = b"kind,label,broader,alt_labels\ncontext,setting,,\ncontext,rural clinics,setting,\n"
    checked = editor.post("/reviews/sheet/import", params={"check": "true"},
                          files={"file": ("cmos.csv", sheet, "text/csv"),
                                 "concepts": ("concepts.csv", concepts, "text/csv")})
    assert checked.status_code == 200 and checked.json()["checked"] is True
    assert editor.get("/reviews/sheet/cmocs").json()["total"] == 0
    done = editor.post("/reviews/sheet/import", files={
        "file": ("cmos.csv", sheet, "text/csv"), "concepts": ("concepts.csv", concepts,
                                                               "text/csv")})
    assert done.status_code == 200 and done.json()["cmocs"] == 1
    assert editor.get("/reviews/sheet/concepts/context/rural clinics").json()["broader"] == \
        "setting"
    bad = editor.post("/reviews/sheet/import", content=b"study,context,mechanism,outcome,"
                      b"outcome_direction\nA 2020,c,m,o,postive\n",
                      headers={"content-type": "text/csv"})
    assert bad.status_code == 422
    problem = bad.json()["problems"][0]
    assert problem["row"] == 2 and "postive" in problem["reason"]
