"""A CMOc's given id, and If-Match (RFC 9110 §13.1.1) on every route that takes it, over HTTP."""

from __future__ import annotations

import httpx
import pytest

from cmo.review.cmocs import get_cmoc_version
from tests.api.conftest import Service

CMOCS = "/reviews/peer-support/cmocs"
CONCEPT = "/reviews/peer-support/concepts/context/delivery"
NEW = {"study": "Jolly 2012", "contexts": ["a context seen once"], "mechanism": "a mechanism",
       "outcomes": ["breastfeeding duration"], "programme_theory": "A theory"}
UNSEEN = {"study": "Jolly 2012", "contexts": ["a context seen nowhere else"],
          "mechanism": "a mechanism seen nowhere else", "outcomes": ["breastfeeding duration"],
          "programme_theory": "A theory seen nowhere else"}


@pytest.fixture(scope="module")
def editor(service: Service) -> httpx.Client:
    return service.token("editor", "peer-support")


def _nothing_new(service: Service, editor: httpx.Client) -> None:
    concepts = {c["label"] for c in editor.get("/reviews/peer-support/concepts").json()}
    assert not {"a context seen nowhere else", "a mechanism seen nowhere else"} & concepts
    theories = {t["label"] for t in editor.get("/reviews/peer-support/theories").json()}
    assert "A theory seen nowhere else" not in theories


def test_post_honours_the_given_id(editor: httpx.Client) -> None:
    r = editor.post(CMOCS, json={**NEW, "id": "jolly-2012.b"})
    assert r.status_code == 201, r.text
    assert r.json()["id"] == "jolly-2012.b"
    assert r.headers["location"] == f"{CMOCS}/jolly-2012.b"
    got = editor.get(f"{CMOCS}/jolly-2012.b")
    assert got.status_code == 200 and got.headers["etag"] == r.headers["etag"]
    assert editor.delete(f"{CMOCS}/jolly-2012.b",
                         headers={"If-Match": r.headers["etag"]}).status_code == 204


def test_post_with_a_taken_id_is_409_and_writes_nothing(service: Service,
                                                         editor: httpx.Client) -> None:
    before = get_cmoc_version(service.store, "peer-support", "c01").etag
    r = editor.post(CMOCS, json={**UNSEEN, "id": "c01"})
    assert r.status_code == 409, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert "already has a CMOc 'c01'" in r.json()["detail"]
    assert get_cmoc_version(service.store, "peer-support", "c01").etag == before
    _nothing_new(service, editor)


@pytest.mark.parametrize("bad", ["two words", "../c01", "<b>c</b>", "-lead", "x" * 200, "c\u0000"],
                         ids=["space", "traversal", "markup", "dash", "long", "nul"])
def test_post_with_a_bad_id_is_422_naming_the_field(service: Service, editor: httpx.Client,
                                                    bad: str) -> None:
    r = editor.post(CMOCS, json={**UNSEEN, "id": bad})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert "id" in r.text
    _nothing_new(service, editor)


def test_a_retry_of_a_post_with_an_id_gets_the_first_answer(editor: httpx.Client) -> None:
    key = {"Idempotency-Key": "versions-retry-1"}
    first = editor.post(CMOCS, json={**NEW, "id": "retried"}, headers=key)
    again = editor.post(CMOCS, json={**NEW, "id": "retried"}, headers=key)
    assert first.status_code == again.status_code == 201, again.text
    assert first.json() == again.json()
    other = editor.post(CMOCS, json={**NEW, "id": "retried"})
    assert other.status_code == 409
    assert editor.delete(f"{CMOCS}/retried", headers={"If-Match": "*"}).status_code == 204


def test_if_match_star_matches_any_current_version(editor: httpx.Client) -> None:
    r = editor.patch(f"{CMOCS}/c03", json={"notes": "star"}, headers={"If-Match": "*"})
    assert r.status_code == 200, r.text
    assert r.json()["notes"] == "star"
    body = editor.get(f"{CMOCS}/c03").json()
    assert editor.put(f"{CMOCS}/c03", json=body, headers={"If-Match": "*"}).status_code == 200
    # No CMOc: the request fails as it would without the condition (RFC 9110 §13.2.1).
    missing = editor.patch(f"{CMOCS}/c999", json={"notes": "x"}, headers={"If-Match": "*"})
    assert missing.status_code == 404


def test_if_match_takes_a_list_and_compares_strongly(editor: httpx.Client) -> None:
    tag = editor.get(f"{CMOCS}/c04").headers["etag"]
    weak = editor.patch(f"{CMOCS}/c04", json={"notes": "w"}, headers={"If-Match": f"W/{tag}"})
    assert weak.status_code == 412
    listed = editor.patch(f"{CMOCS}/c04", json={"notes": "l"},
                          headers={"If-Match": f'"nope", {tag}'})
    assert listed.status_code == 200, listed.text
    stale = editor.patch(f"{CMOCS}/c04", json={"notes": "s"},
                         headers={"If-Match": f'"nope", {tag}'})
    assert stale.status_code == 412


def test_concept_get_and_put_carry_the_etag_and_put_honours_if_match(
        editor: httpx.Client) -> None:
    got = editor.get(CONCEPT)
    assert got.status_code == 200 and got.headers["etag"].startswith('"')
    body = {**got.json(), "definition": "How support is delivered."}
    put = editor.put(CONCEPT, json=body, headers={"If-Match": got.headers["etag"]})
    assert put.status_code == 200, put.text
    assert put.headers["etag"] == editor.get(CONCEPT).headers["etag"] != got.headers["etag"]
    stale = editor.put(CONCEPT, json={**body, "definition": "lost"},
                       headers={"If-Match": got.headers["etag"]})
    assert stale.status_code == 412 and stale.json()["title"] == "PreconditionFailed"
    assert editor.get(CONCEPT).json()["definition"] == "How support is delivered."
    star = editor.put(CONCEPT, json={**body, "definition": "Any version."},
                      headers={"If-Match": "*"})
    assert star.status_code == 200 and star.json()["definition"] == "Any version."
    # Without If-Match a concept PUT is not checked (as before); the answer still has its ETag.
    plain = editor.put(CONCEPT, json=body)
    assert plain.status_code == 200 and plain.headers["etag"]


def test_concept_delete_honours_if_match(editor: httpx.Client) -> None:
    made = editor.post("/reviews/peer-support/concepts",
                       json={"kind": "context", "label": "briefly here"})
    assert made.status_code == 201
    path = "/reviews/peer-support/concepts/context/briefly here"
    assert editor.delete(path, headers={"If-Match": '"nope"'}).status_code == 412
    assert editor.get(path).status_code == 200
    assert editor.delete(path, headers={"If-Match": editor.get(path).headers["etag"]}
                         ).status_code == 204
