"""The reading page and its JSON over real HTTP: coded passages cut at their anchors, markup as
text, the session and CSRF on every write, and another review's data out of reach."""

from __future__ import annotations

import re

import httpx
import pytest

import cmo
from cmo.review.cmocs import create_cmoc, list_cmocs
from cmo.sources.documents import add_source
from tests.web.conftest import Workbench, csrf_of

TEXT = "Peers met mothers early. <b>They</b> were trusted because they were local 😀 here."


@pytest.fixture(scope="module")
def source(workbench: Workbench) -> str:
    """A text source of Jolly 2012 with one CMOc anchored in it by position."""
    sid = add_source(workbench.store, "peer-support", "Jolly 2012", "notes.txt",
                     TEXT.encode()).source.id
    start = TEXT.index("were trusted")
    create_cmoc(workbench.store, "peer-support", cmo.NewCMOc(
        studies=["Jolly 2012"], contexts=["rural <i>x</i>"], mechanism="trust",
        outcomes=["uptake"], evidence=[cmo.Evidence(source=sid, start=start,
                                                    end=start + len("were trusted"),
                                                    part="mechanism")]))
    return sid


def _read(client: httpx.Client, sid: str, review: str = "peer-support") -> httpx.Response:
    return client.get(f"/reviews/{review}/sources/{sid}/read")


def test_reading_page_cuts_the_text_at_anchors_and_escapes_it(
        workbench: Workbench, source: str) -> None:
    page = _read(workbench.signed_in(workbench.token("viewer", "peer-support")), source)
    assert page.status_code == 200 and "default-src 'self'" in page.headers[
        "content-security-policy"]
    pieces = re.findall(r'<(span|mark)[^>]*data-o="(\d+)"[^>]*>([^<]*)</\1>', page.text)
    start = TEXT.index("were trusted")
    assert [(kind, int(o)) for kind, o, _ in pieces] == [
        ("span", 0), ("mark", start), ("span", start + len("were trusted"))]
    assert pieces[0][2] == "Peers met mothers early. &lt;b&gt;They&lt;/b&gt; "
    assert 'class="coded part-mechanism' in page.text and "rural &lt;i&gt;x&lt;/i&gt;" in page.text
    assert "Save CMOc" not in page.text  # a viewer reads only


def test_reading_page_of_another_or_unknown_review_or_source_is_404(
        workbench: Workbench, source: str) -> None:
    editor = workbench.signed_in(workbench.token("editor", "peer-support"))
    assert _read(editor, source, "other").status_code == 404
    assert _read(editor, "0123456789ab").status_code == 404
    assert _read(editor, "../../x").status_code == 404
    anonymous = workbench.browser().get(f"/reviews/peer-support/sources/{source}/read")
    assert anonymous.status_code == 404  # a private review is hidden from who may not read it


def _draft(sid: str) -> dict[str, object]:
    start = TEXT.index("Peers met")
    return {"study": "Jolly 2012", "contexts": ["frequent contacts"], "mechanism": "trust",
            "outcomes": ["uptake"], "evidence": [
                {"source": sid, "start": start, "end": start + 9, "part": "context"}]}


def test_saving_needs_the_csrf_token_and_an_editor(workbench: Workbench, source: str) -> None:
    url = "/workbench/reviews/peer-support/cmocs"
    before = len(list_cmocs(workbench.store, "peer-support"))
    editor = workbench.signed_in(workbench.token("editor", "peer-support"))
    token = csrf_of(_read(editor, source).text)
    assert editor.post(url, json=_draft(source)).status_code == 403
    assert editor.post(url, json=_draft(source), headers={"X-CSRF-Token": "forged"}
                       ).status_code == 403
    assert editor.post(url, json=_draft(source), headers={
        "X-CSRF-Token": token, "Origin": "https://evil.example"}).status_code == 403
    viewer = workbench.signed_in(workbench.token("viewer", "peer-support"))
    viewer_token = csrf_of(_read(viewer, source).text)
    assert viewer.post(url, json=_draft(source), headers={"X-CSRF-Token": viewer_token}
                       ).status_code == 403
    assert len(list_cmocs(workbench.store, "peer-support")) == before
    saved = editor.post(url, json=_draft(source), headers={"X-CSRF-Token": token})
    assert saved.status_code == 201, saved.text
    assert saved.json()["contexts"] == ["high intensity support"]  # by its synonym
    assert saved.json()["evidence"][0] | {"prefix": None, "suffix": None} == {
        "quote": "Peers met", "page": "1", "study": "Jolly 2012", "source": source,
        "start": 0, "end": 9, "prefix": None, "suffix": None, "part": "context"}


def test_saving_into_another_reviews_source_or_study_is_refused(
        workbench: Workbench, source: str) -> None:
    other = add_source(workbench.store, "other", "Hidden 2020", "h.txt", b"hidden words here")
    editor = workbench.signed_in(workbench.token("editor", "peer-support"))
    token = csrf_of(_read(editor, source).text)
    before = len(list_cmocs(workbench.store, "peer-support"))
    draft = _draft(other.source.id)
    answer = editor.post("/workbench/reviews/peer-support/cmocs", json=draft,
                         headers={"X-CSRF-Token": token})
    assert answer.status_code in (404, 422) and "hidden words" not in answer.text
    assert editor.post("/workbench/reviews/other/cmocs", json=_draft(source),
                       headers={"X-CSRF-Token": token}).status_code == 404
    assert editor.get("/workbench/reviews/other/concepts", params={"prefix": "hid"}
                      ).status_code == 404
    assert len(list_cmocs(workbench.store, "peer-support")) == before


def test_autocomplete_and_label_check_answer_the_session(workbench: Workbench) -> None:
    viewer = workbench.signed_in(workbench.token("viewer", "peer-support"))
    found = viewer.get("/workbench/reviews/peer-support/concepts",
                       params={"prefix": "frequent c", "kind": "context"}).json()
    assert (found[0]["label"], found[0]["matched"]) == ("high intensity support",
                                                        "frequent contacts")
    checked = viewer.get("/workbench/reviews/peer-support/concepts/check",
                         params={"mechanism": "trusting relationship with the peeer"}).json()
    assert checked["labels"][0]["near"][0] == "trusting relationship with the peer"
    assert workbench.browser().get("/workbench/reviews/peer-support/concepts",
                                   params={"prefix": "fr"}).status_code == 404
