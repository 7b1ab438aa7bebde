"""Issuing a token over HTTP (admins only), and an import that starts a review, as
`cmo token create` and `cmo import` do through a running server."""

from __future__ import annotations

import pytest

from tests.api.conftest import Service
from tests.conftest import EXAMPLE


def test_admin_issues_a_token_shown_once_that_works(service: Service) -> None:
    made = service.admin.post("/tokens", json={"role": "viewer", "review": "peer-support",
                                               "name": "Ana"})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["secret"].startswith("rkg_") and body["id"].startswith("tok_")
    assert (body["role"], body["review"], body["name"]) == ("viewer", "peer-support", "Ana")
    reader = service.client(body["secret"])
    assert reader.get("/reviews/peer-support").status_code == 200
    listed = service.admin.get("/tokens").json()
    assert body["id"] in [t["id"] for t in listed]
    assert body["secret"] not in service.admin.get("/tokens").text


@pytest.mark.parametrize("body, status", [
    ({"role": "viewer", "review": "nope"}, 404),
    ({"role": "owner"}, 422),
    ({"role": "viewer", "review": "<script>"}, 422),
    ({"role": "viewer", "name": "x" * 10_000}, 422),
    ({"role": "viewer", "secret": "chosen"}, 422),
])
def test_bad_token_requests_are_refused(service: Service, body: dict[str, str],
                                        status: int) -> None:
    r = service.admin.post("/tokens", json=body)
    assert r.status_code == status and r.headers["content-type"] == "application/problem+json"


def test_only_admins_issue_tokens(service: Service) -> None:
    assert service.anonymous.post("/tokens", json={"role": "admin"}).status_code == 401
    editor = service.token("editor")
    assert editor.post("/tokens", json={"role": "admin"}).status_code == 403


def test_import_starts_a_review_for_callers_who_may_start_reviews(service: Service) -> None:
    editor = service.token("editor")
    made = editor.post("/reviews/started/import", files=[
        ("file", ("review.ttl", EXAMPLE.read_bytes())),
        ("file", ("empty.nt", b""))])
    assert made.status_code == 200, made.text
    assert made.json()["created_review"] and made.json()["files"] == 2
    assert editor.get("/reviews/started").json()["title"] != "started"  # the file's title
    for caller in (service.token("editor", "peer-support"), service.token("viewer"),
                   service.anonymous):
        refused = caller.post("/reviews/other-new/import", content=EXAMPLE.read_bytes(),
                              headers={"content-type": "text/turtle"})
        assert refused.status_code == 404  # as for a private review: no hint it is free
    assert service.admin.get("/reviews/other-new").status_code == 404
    hostile = editor.post("/reviews/%3Cscript%3E/import", content=EXAMPLE.read_bytes(),
                          headers={"content-type": "text/turtle"})
    assert hostile.status_code == 422


def test_several_files_must_all_be_rdf(service: Service) -> None:
    r = service.admin.post("/reviews/peer-support/import", files=[
        ("file", ("review.ttl", EXAMPLE.read_bytes())),
        ("file", ("refs.ris", b"TY  - JOUR\nTI  - One\nER  - \n"))])
    assert r.status_code == 422 and "refs.ris" in r.text


def test_format_names_the_format(service: Service) -> None:
    r = service.admin.post("/reviews/peer-support/import", params={"format": "ttl",
                                                                   "check": "true"},
                           files={"file": ("no-extension", EXAMPLE.read_bytes())})
    assert r.status_code == 200 and r.json()["checked"]
    bad = service.admin.post("/reviews/peer-support/import", params={"format": "doc"},
                             files={"file": ("x", b"hello")})
    assert bad.status_code == 415 and "doc" in bad.text
