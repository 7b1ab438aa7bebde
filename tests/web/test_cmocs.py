"""The CMOcs of a review in the workbench: the table, editing with the ETag and the conflict
view, deleting with a confirmation; what a viewer and an outsider see."""

from __future__ import annotations

import re

import pytest

import cmo
from cmo.review.cmocs import create_cmoc, get_cmoc
from tests.web.conftest import ADMIN, Workbench, csrf_of

ETAG = re.compile(r'name="etag" value="([^"]+)"')


def _etag(page: str) -> str:
    return ETAG.search(page).group(1)  # type: ignore[union-attr]


def test_table_filters_sorts_and_pages(workbench: Workbench) -> None:
    admin = workbench.signed_in(ADMIN)
    everything = admin.get("/reviews/peer-support/table")
    assert everything.status_code == 200
    total = int(re.search(r"(\d+) CMOcs", everything.text).group(1))  # type: ignore[union-attr]
    assert total > 5
    fired = admin.get("/reviews/peer-support/table", params={"fired": "no"}).text
    assert int(re.search(r"(\d+) CMOc", fired).group(1)) < total  # type: ignore[union-attr]
    unknown = admin.get("/reviews/peer-support/table", params={"mechanism": "nonesuch"}).text
    assert "No mechanism “nonesuch” in this review." in unknown and "0 CMOcs" in unknown
    by_mechanism = admin.get("/reviews/peer-support/table",
                             params={"sort": "mechanism", "desc": "true"}).text
    assert 'aria-current="true">Mechanism' in by_mechanism
    assert admin.get("/reviews/peer-support/table", params={"sort": "bogus"}).status_code == 422


def test_editor_edits_a_cmoc(workbench: Workbench) -> None:
    create_cmoc(workbench.store, "peer-support", cmo.CMOConfiguration(
        id="web-edit", studies=["Web 2024"], contexts=["rural mothers"], mechanism="trust",
        outcomes=["uptake"]))
    editor = workbench.signed_in(workbench.token("editor", "peer-support"))
    url = "/reviews/peer-support/cmocs/web-edit/edit"
    page = editor.get(url).text
    answer = editor.post(url, data={
        "csrf": csrf_of(page), "etag": _etag(page), "studies": "Web 2024",
        "contexts": "rural mothers\nfirst-time <mothers>", "mechanism": "trust",
        "outcomes": "uptake", "mechanism_fired": "true", "outcome_direction": "positive",
        "confidence": "", "notes": "", "resource": ""})
    assert answer.status_code == 200 and "Saved." in answer.text
    assert "first-time &lt;mothers&gt;" in answer.text
    stored = get_cmoc(workbench.store, "peer-support", "web-edit")
    assert sorted(stored.contexts) == ["first-time <mothers>", "rural mothers"]
    assert stored.outcome_direction == "positive"


def test_a_stale_save_shows_both_versions_and_loses_nothing(workbench: Workbench) -> None:
    create_cmoc(workbench.store, "peer-support", cmo.CMOConfiguration(
        id="web-race", studies=["Web 2024"], contexts=["rural mothers"], mechanism="trust",
        outcomes=["uptake"]))
    url = "/reviews/peer-support/cmocs/web-race/edit"
    first, second = (workbench.signed_in(workbench.token("editor", "peer-support"))
                     for _ in range(2))
    page1, page2 = first.get(url).text, second.get(url).text
    fields = {"studies": "Web 2024", "contexts": "rural mothers", "mechanism": "trust",
              "mechanism_fired": "true", "outcome_direction": "", "confidence": "",
              "notes": "", "resource": ""}
    assert first.post(url, data={**fields, "csrf": csrf_of(page1), "etag": _etag(page1),
                                 "outcomes": "uptake\nconfidence"}).status_code == 200
    clash = second.post(url, data={**fields, "csrf": csrf_of(page2), "etag": _etag(page2),
                                   "outcomes": "uptake", "notes": "my memo"})
    assert clash.status_code == 409
    assert "Someone else saved this CMOc" in clash.text and "my memo" in clash.text
    assert get_cmoc(workbench.store, "peer-support", "web-race").notes is None
    again = second.post(url, data={**fields, "csrf": csrf_of(clash.text),
                                   "etag": _etag(clash.text), "outcomes": "uptake",
                                   "notes": "my memo"})
    assert again.status_code == 200
    assert get_cmoc(workbench.store, "peer-support", "web-race").notes == "my memo"


def test_delete_asks_then_deletes(workbench: Workbench) -> None:
    create_cmoc(workbench.store, "peer-support", cmo.CMOConfiguration(
        id="web-delete", studies=["Web 2024"], contexts=["rural"], mechanism="trust",
        outcomes=["uptake"]))
    editor = workbench.signed_in(workbench.token("editor", "peer-support"))
    confirm = editor.get("/reviews/peer-support/cmocs/web-delete/delete")
    assert "Delete CMOc web-delete?" in confirm.text
    answer = editor.post("/reviews/peer-support/cmocs/web-delete/delete",
                         data={"csrf": csrf_of(confirm.text), "etag": _etag(confirm.text)})
    assert answer.status_code == 303
    with pytest.raises(cmo.NotFound):
        get_cmoc(workbench.store, "peer-support", "web-delete")


def test_viewer_sees_no_write_controls_and_cannot_write(workbench: Workbench) -> None:
    viewer = workbench.signed_in(workbench.token("viewer", "peer-support"))
    for path in ("/", "/reviews/peer-support/overview", "/reviews/peer-support/table",
                 "/reviews/peer-support/cmocs/c01/edit"):
        page = viewer.get(path)
        assert page.status_code == 200, path
        writes = [f for f in re.findall(r"<form[^>]*>", page.text)
                  if 'method="post"' in f and 'action="/sign-out"' not in f]
        assert writes == [], path
        assert "Delete" not in page.text and "Create review" not in page.text, path
    assert viewer.get("/reviews/peer-support/cmocs/c01/delete").status_code == 403
    token = csrf_of(viewer.get("/").text)
    answer = viewer.post("/reviews/peer-support/cmocs/c01/delete",
                         data={"csrf": token, "etag": "x"})
    assert answer.status_code == 403


@pytest.mark.parametrize("path", ["/reviews/other/overview", "/reviews/other/table",
                                  "/reviews/other/cmocs/secret-1/edit",
                                  "/reviews/other/studies/Hidden%202020/overview"])
def test_another_review_is_not_reachable(workbench: Workbench, path: str) -> None:
    editor = workbench.signed_in(workbench.token("editor", "peer-support"))
    page = editor.get(path)
    assert page.status_code == 404 and "hidden mechanism" not in page.text.lower()
    assert "Other &lt;script" not in page.text
    assert workbench.browser().get(path).status_code == 404


def test_markup_in_labels_renders_as_text(workbench: Workbench) -> None:
    admin = workbench.signed_in(ADMIN)
    for path in ("/", "/reviews/other/overview", "/reviews/other/table",
                 "/reviews/other/cmocs/secret-1/edit"):
        text = admin.get(path).text
        assert "<script>alert(1)" not in text and "<b>context</b>" not in text, path
    assert "hidden &lt;b&gt;context&lt;/b&gt;" in admin.get("/reviews/other/table").text
