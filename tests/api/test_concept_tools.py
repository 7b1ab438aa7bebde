"""The concept tools the workbench types into (issue 14): autocomplete by prefix, word and
closeness with what matched, a draft CMOc's labels checked without writing, and merging."""

from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import Service

CONCEPTS = "/reviews/peer-support/concepts"


@pytest.fixture(scope="module")
def editor(service: Service) -> httpx.Client:
    return service.token("editor", "peer-support")


@pytest.fixture(scope="module")
def viewer(service: Service) -> httpx.Client:
    return service.token("viewer", "peer-support")


def _suggest(client: httpx.Client, text: str, **params: str) -> list[tuple[str, str, str]]:
    r = client.get(CONCEPTS, params={"prefix": text, "limit": "5", **params})
    assert r.status_code == 200, r.text
    return [(c["label"], c["matched"], c["by"]) for c in r.json()]


def test_autocomplete_names_the_synonym_or_word_or_typo_that_matched(viewer: httpx.Client) -> None:
    assert _suggest(viewer, "Frequent c", kind="context") == [
        ("high intensity support", "frequent contacts", "prefix"),
        ("intensity of contact", "frequency of contacts", "close")]
    assert ("low intensity support", "low intensity support", "prefix") in _suggest(
        viewer, "low")
    assert _suggest(viewer, "intensity s", kind="context")[:2] == [
        ("high intensity support", "high intensity support", "word"),
        ("low intensity support", "low intensity support", "word")]
    assert _suggest(viewer, "non-profesional rel")[0] == (
        "non-professional relationship", "non-professional relationship", "close")
    assert _suggest(viewer, "zzzz") == []
    plain = viewer.get(CONCEPTS, params={"kind": "context", "limit": "2"}).json()
    assert [(c["label"], c["matched"]) for c in plain] == [
        ("alignment with local culture", None), ("antenatal support", None)]


def test_check_labels_flags_new_and_near_duplicates_without_writing(
        service: Service, viewer: httpx.Client) -> None:
    before = service.admin.get("/reviews/peer-support").json()
    r = viewer.get(f"{CONCEPTS}/check", params=[
        ("context", "Frequent contacts"), ("context", "<b>UK setting</b>"),
        ("context", "low intensty support"), ("mechanism", "feeling understood by the peer")])
    assert r.status_code == 200, r.text
    body = r.json()
    assert [(x["field"], x["concept"], x["near"][:1]) for x in body["labels"]] == [
        ("contexts[0]", "high intensity support", []),
        ("contexts[1]", None, ["UK setting"]),
        ("contexts[2]", None, ["low intensity support"]),
        ("mechanism", None, ["feeling understood by someone with similar experience"])]
    assert [c["label"] for c in body["new_concepts"]] == [
        "<b>UK setting</b>", "low intensty support", "feeling understood by the peer"]
    assert body["warnings"][1] == ("new context 'low intensty support': did you mean "
                                   "'low intensity support' or 'high intensity support'?")
    assert service.admin.get("/reviews/peer-support").json() == before
    assert viewer.get(f"{CONCEPTS}/context/low intensty support").status_code == 404


def test_merge_concept_by_editor_moves_cmocs_and_keeps_the_label_as_synonym(
        editor: httpx.Client, viewer: httpx.Client) -> None:
    made = editor.post("/reviews/peer-support/cmocs", json={
        "study": "Jolly 2012", "contexts": ["UK setign"], "mechanism": "peer credibility",
        "outcomes": ["breastfeeding duration"]})
    assert made.status_code == 201, made.text
    path = f"{CONCEPTS}/context/UK setting/merge"
    assert viewer.post(path, json={"merged": "UK setign"}).status_code == 403
    assert editor.post(path, json={"merged": "UK Setting"}).status_code == 422
    unknown = editor.post(path, json={"merged": "UK setiing"})
    assert unknown.status_code == 404 and "UK setign" in unknown.text
    r = editor.post(path, json={"merged": "uk  setign"})
    assert r.status_code == 200, r.text
    assert r.json()["cmocs"] == [made.json()["id"]] and r.json()["merged"] == "UK setign"
    assert "UK setign" in r.json()["kept"]["alt_labels"]
    cmoc = editor.get(f"/reviews/peer-support/cmocs/{made.json()['id']}").json()
    assert cmoc["contexts"] == ["UK setting"]
    assert _suggest(viewer, "uk setig", kind="context")[0] == ("UK setting", "UK setign", "prefix")
