"""Sources over HTTP: adding a document, reading its pages, anchoring, checking, removing."""

from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import Service
from tests.pdfs import make_pdf, study_pdf

PDF = "application/pdf"


@pytest.fixture(scope="module")
def editor(service: Service) -> httpx.Client:
    """An editor of review 'src', which has one study and two CMOcs with quotes."""
    service.admin.post("/reviews", json={"id": "src", "title": "Sources"})
    client = service.token("editor", "src")
    for quote in ("felt understood and kept breastfeeding", "trusted because they were locals"):
        r = client.post("/reviews/src/cmocs", json={
            "study": "Jolly 2012", "contexts": ["early contact"],
            "mechanism": "feeling understood", "outcomes": ["duration"], "quote": quote})
        assert r.status_code == 201, r.text
    return client


def _add(client: httpx.Client, data: bytes, name: str = "study.pdf", study: str = "Jolly 2012",
         review: str = "src") -> httpx.Response:
    return client.post(f"/reviews/{review}/sources", data={"study": study},
                       files={"file": (name, data, PDF)})


@pytest.fixture(scope="module")
def source_id(editor: httpx.Client) -> str:
    """The study PDF, added once."""
    r = _add(editor, study_pdf(), name="../../etc/<b>study</b>.pdf")
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["location"] == f"/reviews/src/sources/{body['source']['id']}"
    assert body["message"].startswith("anchored 1 of 2 quotes; not found: c02 (closest, p. 2, ")
    assert body["source"]["file_name"] == "b.pdf"
    return str(body["source"]["id"])


def test_sources_are_listed_and_shown_with_pages(editor: httpx.Client, source_id: str) -> None:
    listed = editor.get("/reviews/src/sources").json()
    assert [(s["id"], s["study"], s["page_count"]) for s in listed] == [(source_id, "Jolly 2012",
                                                                         3)]
    shown = editor.get(f"/reviews/src/sources/{source_id}").json()
    assert [p["number"] for p in shown["pages"]] == [1, 2, 3]
    assert listed[0]["pages"] == [{**p, "text": None} for p in shown["pages"]]
    page = editor.get(f"/reviews/src/sources/{source_id}/pages/3").json()
    assert "Η υποστήριξη" in page["text"] and page["start"] == shown["pages"][2]["start"]
    assert editor.get(f"/reviews/src/sources/{source_id}/pages/4").status_code == 404
    assert editor.get(f"/reviews/src/sources/{source_id}/pages/0").status_code == 404


def test_cmoc_evidence_by_quote_and_position(editor: httpx.Client, source_id: str) -> None:
    r = editor.post("/reviews/src/cmocs", json={
        "study": "Jolly 2012", "contexts": ["home"], "mechanism": "practical help",
        "outcomes": ["duration"],
        "evidence": [{"source": source_id, "exact": "Women valued practical help at home.",
                      "suffix": "Some mothers"},
                     {"source": source_id, "start": 0, "end": 12}]})
    assert r.status_code == 201, r.text
    evidence = r.json()["evidence"]
    assert [(e["page"], e["quote"]) for e in evidence] == [
        ("2", "Women valued practical help at home."), ("1", "Peer support")]
    twice = editor.post("/reviews/src/cmocs", json={
        "study": "Jolly 2012", "contexts": ["home"], "mechanism": "practical help",
        "outcomes": ["duration"],
        "evidence": [{"source": source_id, "exact": "Women valued practical help at home."}]})
    assert twice.status_code == 422
    assert [c["page"] for c in twice.json()["candidates"]] == [2, 3]
    missing = editor.post("/reviews/src/cmocs", json={
        "study": "Jolly 2012", "contexts": ["home"], "mechanism": "practical help",
        "outcomes": ["duration"],
        "evidence": [{"source": source_id, "exact": "The first visit mattered least"}]})
    assert missing.status_code == 422
    assert missing.json()["closest"]["page"] == 1
    assert missing.json()["closest"]["passage"].startswith("The first visit mattered")


def test_quotes_check_reports_the_classes(editor: httpx.Client, source_id: str) -> None:
    body = editor.get("/reviews/src/quotes/check").json()
    status = {(q["cmoc"], q["evidence"]): q["status"] for q in body["quotes"]}
    assert status[("c01", 1)] == "anchored" and status[("c02", 1)] == "not_found"
    assert body["counts"]["not_found"] == 1


def test_refused_files_write_nothing(editor: httpx.Client, source_id: str) -> None:
    scan = _add(editor, make_pdf([["x"]], text_layer=False), name="scan.pdf")
    assert scan.status_code == 422
    assert "no text found: the PDF looks scanned; run OCR first" in scan.json()["detail"]
    assert _add(editor, b"%PDF-1.7 broken", name="broken.pdf").status_code == 400
    unsupported = _add(editor, b"MZ\x90\x00", name="setup.exe")
    assert unsupported.status_code == 415 and unsupported.headers["content-type"].startswith(
        "application/problem+json")
    assert _add(editor, b"x" * 300_000, name="big.txt").status_code == 413
    assert _add(editor, study_pdf(), name="again.pdf").status_code == 409
    assert _add(editor, b"text", name="t.txt", study="Nobody 1999").status_code == 404
    assert len(editor.get("/reviews/src/sources").json()) == 1


def test_missing_parts_are_named(editor: httpx.Client) -> None:
    r = editor.post("/reviews/src/sources", files={"file": ("a.txt", b"x", "text/plain")})
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "study"
    r = editor.post("/reviews/src/sources", data={"study": "Jolly 2012"})
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "file"


def test_only_editors_of_the_review_add_or_remove(service: Service, source_id: str) -> None:
    reader = service.token("viewer", "src")
    assert _add(reader, b"some text", name="n.txt").status_code == 403
    assert service.anonymous.get("/reviews/src/sources").status_code == 404
    service.admin.post("/reviews", json={"id": "other", "title": "Other"})
    stranger = service.token("editor", "other")
    assert stranger.get(f"/reviews/src/sources/{source_id}").status_code == 404
    assert stranger.delete(f"/reviews/src/sources/{source_id}").status_code in (403, 404)
    # Another review's source id, asked for in one's own review, is not there.
    assert stranger.get(f"/reviews/other/sources/{source_id}").status_code == 404
    assert stranger.get(f"/reviews/other/sources/{source_id}/pages/1").status_code == 404
    assert reader.get("/reviews/src/sources/..%2F..%2Fsystem/pages/1").status_code == 404


def test_delete_refused_while_anchored_unless_forced(service: Service) -> None:
    service.admin.post("/reviews", json={"id": "del", "title": "Delete"})
    client = service.token("editor", "del")
    client.post("/reviews/del/cmocs", json={
        "study": "S 2020", "contexts": ["a"], "mechanism": "b", "outcomes": ["c"],
        "quote": "Peer support works"})
    r = client.post("/reviews/del/sources", data={"study": "S 2020"},
                    files={"file": ("s.md", b"# S\n\nPeer support works well.", "text/markdown")})
    assert r.status_code == 201 and r.json()["anchored"] == 1
    sid = r.json()["source"]["id"]
    refused = client.delete(f"/reviews/del/sources/{sid}")
    assert refused.status_code == 409 and "force" in refused.json()["detail"]
    assert client.delete(f"/reviews/del/sources/{sid}", params={"force": "true"}).status_code == 204
    assert client.get(f"/reviews/del/sources/{sid}").status_code == 404
    check = client.get("/reviews/del/quotes/check").json()
    assert [q["status"] for q in check["quotes"]] == ["no_source"]


def test_annotations_are_web_annotation_json_ld(editor: httpx.Client, source_id: str) -> None:
    r = editor.get("/reviews/src/annotations")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/ld+json")
    body = r.json()
    assert body["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    assert body["type"] == "AnnotationCollection" and body["total"] == len(body["first"]["items"])
    targets = [a["target"] for a in body["first"]["items"]]
    assert any(isinstance(t.get("selector"), list) and t["source"]["id"].endswith(source_id)
               for t in targets)


def test_a_retried_add_with_an_idempotency_key_adds_once(service: Service) -> None:
    service.admin.post("/reviews", json={"id": "again", "title": "Again"})
    client = service.token("editor", "again")
    client.post("/reviews/again/studies", json={"key": "S 2020"})
    first, second = (client.post(
        "/reviews/again/sources", data={"study": "S 2020"},
        files={"file": ("s.txt", b"Peer support.", "text/plain")},
        headers={"Idempotency-Key": "add-s-once"}) for _ in range(2))
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert len(client.get("/reviews/again/sources").json()) == 1
