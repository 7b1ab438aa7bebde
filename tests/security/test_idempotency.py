"""Item 12: a retried import or create with the same Idempotency-Key writes once.

In the team setup every retry goes to the other API process: the key's record is in the shared
store, not in a process.
"""

from __future__ import annotations

import uuid

import httpx

from tests.security.conftest import Target

SHEET = (b"study,context,mechanism,outcome\n"
         b"Retry 2024,night shifts,peers share the load,fewer drop-outs\n"
         b"Retry 2024,rural clinics,peers share the load,earlier contact\n"
         b"Retry 2024,night shifts,mothers feel seen,longer breastfeeding\n")
CMOC = {"study": "Retry 2024", "contexts": ["night shifts"], "mechanism": "mothers feel seen",
        "outcomes": ["longer breastfeeding"]}


def _cmocs(target: Target) -> int:
    total: int = target.admin.get("/reviews/peer-support/cmocs").json()["total"]
    return total


def _import(client: httpx.Client, key: str, sheet: bytes = SHEET) -> httpx.Response:
    return client.post("/reviews/peer-support/import", content=sheet, headers={
        "Content-Type": "text/csv", "Idempotency-Key": key})


def _elsewhere(target: Target, token: str) -> httpx.Client:
    """A client of the last API process (the other one, in the team setup)."""
    return target.client(token, url=target.urls[-1])


def test_retried_import_of_sheet_without_ids_adds_its_cmocs_once(target: Target) -> None:
    key, before = str(uuid.uuid4()), _cmocs(target)
    first = _import(target.editor, key)
    assert first.status_code == 200 and first.json()["cmocs"] == 3
    again = _import(_elsewhere(target, target.editor_token), key)
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert _cmocs(target) == before + 3
    target.assert_alive()


def test_retried_multipart_import_with_a_new_boundary_is_the_same_request(
        target: Target) -> None:
    key, before = str(uuid.uuid4()), _cmocs(target)
    answers = [client.post("/reviews/peer-support/import", headers={"Idempotency-Key": key},
                           files={"file": ("sheet.csv", SHEET.replace(b"Retry", b"Multi"),
                                           "text/csv")})
               for client in (target.editor, _elsewhere(target, target.editor_token))]
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].content == answers[1].content and _cmocs(target) == before + 3


def test_same_key_with_another_sheet_is_422_naming_the_header(target: Target) -> None:
    key = str(uuid.uuid4())
    assert _import(target.editor, key).status_code == 200
    before = _cmocs(target)
    refused = _import(_elsewhere(target, target.editor_token), key,
                      SHEET.replace(b"Retry 2024", b"Other 2023"))
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["problems"][0]["field"] == "Idempotency-Key"
    assert _cmocs(target) == before


def test_another_callers_key_does_not_collide(target: Target) -> None:
    key, before = str(uuid.uuid4()), _cmocs(target)
    assert _import(target.editor, key).status_code == 200
    assert _import(target.admin, key).status_code == 200  # the admin's own key: imported
    assert _cmocs(target) == before + 6


def test_retried_create_gets_the_first_status_body_location_and_etag(target: Target) -> None:
    key, before = str(uuid.uuid4()), _cmocs(target)
    answers = [client.post("/reviews/peer-support/cmocs", json=CMOC,
                           headers={"Idempotency-Key": key})
               for client in (target.editor, _elsewhere(target, target.editor_token))]
    first, again = answers
    assert first.status_code == again.status_code == 201
    assert first.content == again.content
    assert first.headers["location"] == again.headers["location"] == \
        f"/reviews/peer-support/cmocs/{first.json()['id']}"
    assert first.headers["etag"] == again.headers["etag"]
    assert _cmocs(target) == before + 1
    target.assert_alive()


def test_invalid_key_is_422_naming_the_header(target: Target) -> None:
    refused = _import(target.editor, "x" * 300)
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["field"] == "Idempotency-Key"
