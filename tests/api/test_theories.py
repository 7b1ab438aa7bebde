"""Programme theories refined with evidence over real HTTP (issue 16): CMOc relations in the CMOc
JSON, bulk links, new versions with their change, the diff; editors only; hostile input."""

from __future__ import annotations

import httpx
import pytest

from cmo.interchange.importer import import_file
from cmo.model.records import Review
from cmo.review.reviews import create_review
from tests.api.conftest import Service

CMOC = {"study": "Jolly 2012", "contexts": ["low intensity support"], "mechanism": "trust",
        "outcomes": ["breastfeeding duration"], "quote": "fewer than five contacts",
        "page": "4"}


@pytest.fixture(scope="module")
def editor(service: Service) -> httpx.Client:
    for review in ("th", "other"):
        service.admin.post("/reviews", json={"id": review, "title": review.upper()})
        service.admin.post(f"/reviews/{review}/theories", json={"id": "t-v1", "label": "T"})
    client = service.token("editor", "th")
    for n in range(3):
        r = client.post("/reviews/th/cmocs", json={**CMOC, "mechanism_fired": n != 1,
                                                   "theories": ["t-v1"]})
        assert r.status_code == 201, r.text
    service.admin.post("/reviews/other/cmocs", json={**CMOC, "id": "x01"})
    return client


def test_cmoc_json_keeps_theories_and_adds_theory_links(editor: httpx.Client) -> None:
    got = editor.get("/reviews/th/cmocs/c01")
    cmoc = got.json()
    assert cmoc["theories"] == ["t-v1"]
    assert cmoc["theory_links"] == [{"theory": "t-v1", "relation": "tested"}]
    r = editor.patch("/reviews/th/cmocs/c01", headers={"If-Match": got.headers["ETag"]}, json={
        "theory_links": [{"theory": "t-v1", "relation": "Supports"}]})
    assert r.status_code == 200, r.text
    assert r.json()["theory_links"] == [{"theory": "t-v1", "relation": "supports"}]
    back = editor.put("/reviews/th/cmocs/c01", headers={"If-Match": r.headers["ETag"]},
                      json=r.json())  # a GET body sent back keeps the relation
    assert back.status_code == 200, back.text
    assert back.json()["theory_links"] == [{"theory": "t-v1", "relation": "supports"}]
    bad = editor.patch("/reviews/th/cmocs/c01", headers={"If-Match": back.headers["ETag"]},
                       json={"theory_links": [{"theory": "t-v1", "relation": "proves"}]})
    assert bad.status_code == 422
    assert all(word in bad.text for word in ("tested", "supports", "refutes", "refines"))


def test_bulk_link_by_ids_and_by_filter(editor: httpx.Client) -> None:
    r = editor.post("/reviews/th/theories/t-v1/links", json={"relation": "refutes",
                                                             "context": "Low Intensity Support",
                                                             "fired_only": True})
    assert r.status_code == 200, r.text
    assert r.json()["cmocs"] == ["c01", "c03"] and r.json()["changed"] == 2
    shown = editor.get("/reviews/th/theories/t-v1/links").json()
    assert shown["links"] == {"c01": "refutes", "c02": "tested", "c03": "refutes"}
    assert shown["diagram"] == "/reviews/th/views/mechanisms?theory=t-v1"
    assert editor.get(shown["diagram"]).status_code == 200
    r = editor.post("/reviews/th/theories/t-v1/links", json={"relation": "refines",
                                                             "ids": ["c02"]})
    assert r.json()["changed"] == 1


def test_bulk_link_refuses_unknown_ids_bad_relation_and_nothing_chosen(
        editor: httpx.Client) -> None:
    before = editor.get("/reviews/th/theories/t-v1/links").json()["links"]
    r = editor.post("/reviews/th/theories/t-v1/links", json={"relation": "supports",
                                                             "ids": ["c01", "x01", "c404"]})
    assert r.status_code == 404 and "'x01'" in r.text and "'c404'" in r.text
    r = editor.post("/reviews/th/theories/t-v1/links", json={"relation": "confirms",
                                                             "ids": ["c01"]})
    assert r.status_code == 422
    assert all(word in r.text for word in ("tested", "supports", "refutes", "refines"))
    r = editor.post("/reviews/th/theories/t-v1/links", json={"relation": "supports"})
    assert r.status_code == 422 and "ids" in r.text
    r = editor.post("/reviews/th/theories/t-v1/links", json={"relation": "supports",
                                                             "context": "low intensty"})
    assert r.status_code == 404 and "low intensity support" in r.text  # the closest label
    assert editor.get("/reviews/th/theories/t-v1/links").json()["links"] == before


def test_another_reviews_theory_and_cmocs_are_not_found(service: Service,
                                                        editor: httpx.Client) -> None:
    # An editor of `th` cannot reach `other`; inside `th`, `other`'s ids name nothing.
    assert editor.post("/reviews/other/theories/t-v1/links", json={
        "relation": "supports", "ids": ["x01"]}).status_code in (403, 404)
    assert editor.get("/reviews/th/theories/t-v9/diff/t-v1").status_code == 404
    r = editor.post("/reviews/th/theories/t-v1/versions", json={"what": "x", "cmocs": ["x01"]})
    assert r.status_code == 404 and "'x01'" in r.text


def test_writes_are_for_editors_only(service: Service, editor: httpx.Client) -> None:
    reader = service.token("viewer", "th")
    assert reader.get("/reviews/th/theories/t-v1/links").status_code == 200
    for path, body in [("/reviews/th/theories/t-v1/links", {"relation": "supports",
                                                              "ids": ["c01"]}),
                       ("/reviews/th/theories/t-v1/versions", {"what": "x"})]:
        assert reader.post(path, json=body).status_code == 403
        assert service.anonymous.post(path, json=body).status_code in (401, 404)


def test_new_version_diff_and_markup_kept_as_data(editor: httpx.Client) -> None:
    hostile = "<script>alert('v2')</script> & <b>why</b>"
    r = editor.post("/reviews/th/theories/t-v1/versions", json={
        "statement": "If support is intense, then mothers cope.", "what": "adds intensity",
        "rationale": hostile, "cmocs": ["c02"], "carry_over": True,
        "context": {"text": "if intense", "concepts": ["low intensity support"]}})
    assert r.status_code == 201, r.text
    v2 = r.json()
    assert v2["id"] == "t-v2" and v2["change"]["rationale"] == hostile
    assert v2["change"]["by"] == "editor-th" and v2["change"]["cmocs"] == ["c02"]
    editor.post("/reviews/th/theories/t-v2/links", json={"relation": "supports", "ids": ["c03"]})
    diff = editor.get("/reviews/th/theories/t-v1/diff/t-v2")
    assert diff.status_code == 200 and diff.headers["content-type"].startswith(
        "application/json")
    d = diff.json()
    assert d["statement"]["changed"] and d["parts"][0]["concepts_added"] == [
        "low intensity support"]
    assert [(c["id"], c["before"], c["after"]) for c in d["re_related"]] == [
        ("c03", "refutes", "supports")]
    [change] = d["changes"]
    assert change["change"]["rationale"] == hostile
    assert change["justified_by"][0]["evidence"][0]["quote"] == "fewer than five contacts"
    assert editor.get("/reviews/th/theories/t-v2").json()["change"]["what"] == "adds intensity"


def test_bulk_link_of_ten_thousand_cmocs_by_filter_is_one_write(service: Service) -> None:
    create_review(service.store, Review(id="big", title="Big"))
    rows = "\n".join(f"S{n % 50},ctx{n % 2},mech{n % 7},out" for n in range(10_000))
    import_file(service.store, "big", "big.csv", f"study,context,mechanism,outcome\n{rows}\n"
                .encode())
    service.admin.post("/reviews/big/theories", json={"id": "b-v1", "label": "B"})
    r = service.admin.post("/reviews/big/theories/b-v1/links", json={
        "relation": "supports", "context": "ctx0"})
    assert r.status_code == 200, r.text
    assert len(r.json()["cmocs"]) == 5_000 and r.json()["added"] == 5_000
    links = service.admin.get("/reviews/big/theories/b-v1/links").json()
    assert links["counts"]["supports"] == 5_000
    too_many = service.admin.post("/reviews/big/theories/b-v1/links", json={
        "relation": "supports", "ids": [f"c{n}" for n in range(10_001)]})
    assert too_many.status_code in (413, 422) and "bulk_cmocs" in too_many.text


def test_who_and_when_of_a_change_cannot_be_set_by_the_caller(editor: httpx.Client) -> None:
    forged = {"what": "x", "by": "Someone Else", "at": "2001-01-01T00:00:00Z"}
    r = editor.post("/reviews/th/theories", json={"id": "f-v2", "label": "F", "version": 2,
                                                  "revision_of": "t-v1", "change": forged})
    assert r.status_code == 201, r.text
    change = r.json()["change"]
    assert change["by"] == "editor-th" and not change["at"].startswith("2001")
    put = editor.put("/reviews/th/theories/f-v2", json={**r.json(), "change": {
        **forged, "what": "y"}})
    assert put.json()["change"] == {**change, "what": "y"}  # edited; who and when stay
    lone = editor.post("/reviews/th/theories", json={"id": "f-v9", "label": "F",
                                                     "change": {"what": "x"}})
    assert lone.status_code == 422 and "revision_of" in lone.text
