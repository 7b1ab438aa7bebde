"""New concepts over HTTP: named in CMOc writes and imports, typos warned about,
`?new_concepts=refuse` (422, nothing written), orphans listed and pruned by editors."""

from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import Service

PATH = "/reviews/peer-support/cmocs"
TYPO = {"study": "Jolly 2012", "contexts": ["low intensity support"],
        "mechanism": "trusting relationship with the peeer",
        "outcomes": ["breastfeeding duration"]}
WARNING = ("new mechanism 'trusting relationship with the peeer': did you mean 'trusting "
           "relationship with the peer'?")


@pytest.fixture(scope="module")
def editor(service: Service) -> httpx.Client:
    return service.token("editor", "peer-support")


def _count(client: httpx.Client) -> int:
    return int(client.get(PATH, params={"limit": 1}).json()["total"])


def _concepts(client: httpx.Client, prefix: str) -> list[str]:
    found = client.get("/reviews/peer-support/concepts", params={"prefix": prefix}).json()
    return [c["label"] for c in found]


def test_refused_new_concept_is_422_naming_fields_and_nothing_written(
        editor: httpx.Client) -> None:
    before = _count(editor)
    r = editor.post(PATH, params={"new_concepts": "refuse"},
                    json={**TYPO, "outcomes": ["breastfeeding duration", "<b>x</b>"]})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    problems = {p["field"]: p["reason"] for p in r.json()["problems"]}
    assert set(problems) == {"mechanism", "outcomes[1]"}
    assert "did you mean 'trusting relationship with the peer'?" in problems["mechanism"]
    assert "'<b>x</b>'" in problems["outcomes[1]"]
    assert _count(editor) == before and _concepts(editor, "trusting relationship with the pee") \
        == ["trusting relationship with the peer"]
    assert editor.post(PATH, params={"new_concepts": "maybe"}, json=TYPO).status_code == 422


def test_create_and_put_name_new_concepts_and_warn(editor: httpx.Client) -> None:
    r = editor.post(PATH, json=TYPO)
    assert r.status_code == 201, r.text
    body = r.json()
    assert [(c["kind"], c["label"]) for c in body["new_concepts"]] == [
        ("mechanism", "trusting relationship with the peeer")]
    assert body["new_concepts"][0]["iri"].endswith("/mechanism/trusting-relationship-with-the"
                                                   "-peeer")
    assert body["warnings"] == [WARNING]
    got = editor.get(f"{PATH}/{body['id']}")
    assert "warnings" not in got.json()
    fixed = {**body, "mechanism": "trusting relationship with the peer", "outcomes": ["uptak"]}
    refused = editor.put(f"{PATH}/{body['id']}", json=fixed, params={"new_concepts": "refuse"},
                         headers={"If-Match": got.headers["etag"]})
    assert refused.status_code == 422 and refused.json()["problems"][0]["field"] == "outcomes[0]"
    assert editor.get(f"{PATH}/{body['id']}").headers["etag"] == got.headers["etag"]
    fixed["outcomes"] = ["breastfeeding duration"]
    put = editor.put(f"{PATH}/{body['id']}", json=fixed, params={"new_concepts": "refuse"},
                     headers={"If-Match": got.headers["etag"]})
    assert put.status_code == 200, put.text
    assert (put.json()["new_concepts"], put.json()["warnings"]) == ([], [])


def test_orphans_listed_then_pruned_by_editors_only(service: Service,
                                                    editor: httpx.Client) -> None:
    made = editor.post(PATH, json={**TYPO, "mechanism": "rapport with the suportter"}).json()
    got = editor.get(f"{PATH}/{made['id']}")
    assert editor.delete(f"{PATH}/{made['id']}",
                         headers={"If-Match": got.headers["etag"]}).status_code == 204
    assert "rapport with the suportter" in _concepts(editor, "rapport with the sup")
    viewer = service.token("viewer", "peer-support")
    listed = viewer.get("/reviews/peer-support/concepts/orphans")
    assert listed.status_code == 200
    assert "rapport with the suportter" in [c["label"] for c in listed.json()]
    assert viewer.delete("/reviews/peer-support/concepts/orphans").status_code == 403
    assert service.anonymous.delete("/reviews/peer-support/concepts/orphans").status_code in (
        401, 403, 404)
    pruned = editor.delete("/reviews/peer-support/concepts/orphans")
    assert pruned.status_code == 200
    assert "rapport with the suportter" in [c["label"] for c in pruned.json()]
    assert editor.get("/reviews/peer-support/concepts/orphans").json() == []
    assert _concepts(editor, "rapport with the sup") == ["trusting relationship with the peer"]
    unknown = editor.get("/reviews/peer-support/concepts/mechanism/rapport with the suportr")
    assert unknown.status_code == 404
    assert "rapport with the suportter" not in unknown.json()["suggestions"]


def test_import_names_new_concepts_and_refuses_on_request(editor: httpx.Client) -> None:
    sheet = (b"study,context,mechanism,outcome\nJolly 2012,low intensity support,"
             b"trusting relationship with the peer,breastfeding duration\n")
    before = _count(editor)
    refused = editor.post("/reviews/peer-support/import", content=sheet,
                          params={"new_concepts": "refuse"},
                          headers={"Content-Type": "text/csv"})
    assert refused.status_code == 422
    problem = refused.json()["problems"][0]
    assert (problem["field"], problem["row"]) == ("outcome", 2)
    assert problem["reason"].startswith("no outcome called 'breastfeding duration' (new "
                                        "concepts are refused); did you mean 'breastfeeding "
                                        "duration'")
    assert _count(editor) == before
    r = editor.post("/reviews/peer-support/import", content=sheet, params={"check": "true"},
                    headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    assert [c["label"] for c in r.json()["new_concepts"]] == ["breastfeding duration"]
    assert r.json()["warnings"][0].startswith(
        "new outcome 'breastfeding duration': did you mean 'breastfeeding duration'")
