"""Reading a source and tagging CMOcs while reading, in Chromium (Debian's, through Playwright):
the whole path from signing in to a saved CMOc with anchored quotes, autocomplete by synonym,
a typo flagged before saving, keyboard-only tagging, markup as text, no request leaving the page;
and the reading page's screenshots for docs/workbench.md (1366x768 and 390x844)."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

import cmo
from cmo.review.cmocs import create_cmoc, list_cmocs
from cmo.sources.documents import add_source
from tests.conftest import ROOT
from tests.pdfs import make_pdf
from tests.web.conftest import ADMIN, Workbench
from tests.web.conftest import sign_in as _sign_in

# The test run takes the screenshots every time; it writes them over docs/workbench only when
# asked (UPDATE_SCREENSHOTS=1), so a run leaves the checkout clean.
SHOTS = (ROOT / "docs" / "workbench" if os.environ.get("UPDATE_SCREENSHOTS")
         else Path(tempfile.gettempdir()) / "realist-kg-workbench-shots")
SENTENCE = "Peer supporters were trusted because they were local."
PAGES = [["A trial of peer support in two cities.",
          "Mothers who met a peer early kept breastfeeding <b>longer</b>."],
         ["Women valued practical help at home.", SENTENCE,
          "Some mothers declined visits from strangers."]]


def _select(page: Any, text: str) -> None:
    """Select `text` in the reading page as a mouse would: a DOM range over its characters."""
    page.evaluate("""(wanted) => {
        for (const piece of document.querySelectorAll('.page .text [data-o]')) {
            const node = piece.firstChild, at = node.data.indexOf(wanted);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(node, at); range.setEnd(node, at + wanted.length);
            const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
            return;
        }
        throw new Error('not on the page: ' + wanted);
    }""", text)


def _source(workbench: Workbench, study: str, pages: list[list[str]], name: str) -> str:
    report = add_source(workbench.store, "peer-support", study, name, make_pdf(pages))
    return report.source.id


def _save(page: Any, workbench: Workbench) -> dict[str, Any]:
    """Fill in the mechanism and outcome, save, and answer the saved CMOc through the API."""
    page.get_by_label("Mechanism", exact=True).fill("trusting relationship with the peer")
    page.get_by_label("Outcomes").fill("breastfeeding duration")
    page.get_by_role("button", name="Save CMOc").click()
    page.wait_for_url("**/read?saved=*")
    cmoc_id = page.url.rsplit("saved=", 1)[1]
    answer: dict[str, Any] = _api(workbench).get(f"/reviews/peer-support/cmocs/{cmoc_id}").json()
    return answer


def _api(workbench: Workbench) -> httpx.Client:
    client = httpx.Client(base_url=workbench.url, timeout=30,
                          headers={"Authorization": f"Bearer {ADMIN}"})
    workbench.clients.append(client)
    return client


def test_whole_path_sign_in_upload_select_tag_save(chromium: Any, workbench: Workbench) -> None:
    page = chromium()
    _sign_in(page, workbench, workbench.token("editor", "peer-support"))
    page.goto(workbench.url + "/reviews/peer-support/overview")
    page.get_by_role("link", name="Dykes 2005").click()
    page.set_input_files("input[type=file]", {"name": "dennis.pdf", "mimeType": "application/pdf",
                                              "buffer": make_pdf(PAGES)})
    page.get_by_role("button", name="Add document").click()
    page.get_by_role("link", name="dennis.pdf").click()
    page.wait_for_url("**/read")
    assert page.get_by_role("heading", name="Page 2").is_visible()
    _select(page, SENTENCE)
    for part in ("Context", "Mechanism", "Outcome"):
        page.get_by_role("toolbar").get_by_role("button", name=part).click()
    assert page.locator("#passages li").count() == 3
    contexts = page.get_by_label("Contexts")
    contexts.press_sequentially("frequent c", delay=20)
    option = page.get_by_role("option", name="high intensity support")
    assert "synonym “frequent contacts”" in option.inner_text()
    option.click()
    assert contexts.input_value() == "high intensity support"
    page.get_by_label("Mechanism", exact=True).fill("trusting relationship with the peer")
    page.get_by_label("Outcomes").fill("breastfeeding duration")
    page.get_by_role("button", name="Save CMOc").click()
    page.wait_for_url("**/read?saved=*")
    cmoc_id = page.url.rsplit("saved=", 1)[1]
    cmoc = _api(workbench).get(f"/reviews/peer-support/cmocs/{cmoc_id}").json()
    assert cmoc["contexts"] == ["high intensity support"]
    assert cmoc["studies"] == ["Dykes 2005"]
    assert [(e["quote"], e["page"], e["part"]) for e in cmoc["evidence"]] == [
        (SENTENCE, "2", "context"), (SENTENCE, "2", "mechanism"), (SENTENCE, "2", "outcome")]
    assert all(e["source"] and e["end"] - e["start"] == len(SENTENCE) for e in cmoc["evidence"])
    lit = page.locator(f"mark[data-cmocs~='{cmoc_id}']")
    assert lit.first.inner_text() == SENTENCE
    assert page.get_by_role("status").filter(has_text=f"Saved CMOc {cmoc_id}").is_visible()
    assert page.locator(f"#cmoc-{cmoc_id}").is_visible()
    assert page.errors == []


def test_typo_is_flagged_before_saving_and_fixed_with_one_click(
        chromium: Any, workbench: Workbench) -> None:
    sid = _source(workbench, "Jolly 2012", [["Jolly saw " + SENTENCE]], "typo.pdf")
    before = len(list_cmocs(workbench.store, "peer-support"))
    page = chromium()
    _sign_in(page, workbench, workbench.token("editor", "peer-support"))
    page.goto(f"{workbench.url}/reviews/peer-support/sources/{sid}/read")
    _select(page, SENTENCE)
    page.get_by_role("toolbar").get_by_role("button", name="Quote").click()
    page.get_by_label("Contexts").fill("low intensity support")
    page.get_by_label("Mechanism", exact=True).fill("trusting relationship with the peeer")
    page.get_by_label("Outcomes").fill("breastfeeding duration")
    page.get_by_role("button", name="Save CMOc").click()
    check = page.locator("#label-check")
    check.get_by_text("new mechanism “trusting relationship with the peeer”").wait_for()
    assert "press Save CMOc again" in page.get_by_role("alert").inner_text()
    assert len(list_cmocs(workbench.store, "peer-support")) == before  # nothing saved
    check.get_by_role("button", name="Use trusting relationship with the peer instead").click()
    assert page.get_by_label("Mechanism", exact=True).input_value() == (
        "trusting relationship with the peer")
    page.get_by_role("button", name="Save CMOc").click()
    page.wait_for_url("**/read?saved=*")
    assert len(list_cmocs(workbench.store, "peer-support")) == before + 1
    assert page.errors == []


def test_keyboard_only_tagging(chromium: Any, workbench: Workbench) -> None:
    sid = _source(workbench, "Jolly 2012", PAGES[1:], "keys.pdf")
    page = chromium()
    _sign_in(page, workbench, workbench.token("editor", "peer-support"))
    page.goto(f"{workbench.url}/reviews/peer-support/sources/{sid}/read")

    def tab_to(test: str) -> None:
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate(f"() => {{ const e = document.activeElement; return {test}; }}"):
                return
        raise AssertionError(f"Tab never reached {test}")

    tab_to("e.matches('.page .text')")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => window.getSelection().toString()") == SENTENCE
    for key in ("c", "m", "o"):
        page.keyboard.press(key)
    assert page.locator("#passages li").count() == 3
    tab_to("e.id === 'b-contexts'")
    page.keyboard.type("low intensity support")
    tab_to("e.id === 'b-mechanism'")
    page.keyboard.type("trusting relationship with the peer")
    tab_to("e.id === 'b-outcomes'")
    page.keyboard.type("breastfeeding duration")
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")
    page.wait_for_url("**/read?saved=*")
    cmoc_id = page.url.rsplit("saved=", 1)[1]
    saved = next(c for c in list_cmocs(workbench.store, "peer-support") if c.id == cmoc_id)
    assert [(e.quote, e.part) for e in saved.evidence] == [
        (SENTENCE, "context"), (SENTENCE, "mechanism"), (SENTENCE, "outcome")]
    assert page.errors == []


def test_markup_in_source_text_quotes_and_labels_renders_as_text(
        chromium: Any, workbench: Workbench) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    sid = _source(workbench, "Jolly 2012", [[f"The text says {hostile} plainly."]], "markup.pdf")
    create_cmoc(workbench.store, "peer-support", cmo.NewCMOc(
        studies=["Jolly 2012"], contexts=[f"ctx {hostile}"], mechanism="m <b>bold</b>",
        outcomes=["o"], evidence=[cmo.Evidence(source=sid, exact=f"says {hostile}")]))
    page = chromium()
    _sign_in(page, workbench, workbench.token("viewer", "peer-support"))
    page.goto(f"{workbench.url}/reviews/peer-support/sources/{sid}/read")
    text = page.locator(".page .text")
    assert text.inner_text() == f"The text says {hostile} plainly."
    assert page.locator(".page .text img, .cmoc-card img, .cmoc-card b").count() == 0
    page.locator("mark.coded").first.click()
    card = page.locator(".cmoc-card:not([hidden])")
    assert f"ctx {hostile}" in card.inner_text() and "m <b>bold</b>" in card.inner_text()
    assert page.get_by_role("button", name="Save CMOc").count() == 0  # a viewer only reads
    assert page.errors == []


@pytest.mark.parametrize("size", ["wide", "phone"])
def test_reading_page_screenshots(chromium: Any, workbench: Workbench, size: str) -> None:
    sid = _source(workbench, "Jolly 2012", [
        ["Peer support for breastfeeding: a trial in two cities.",
         "Mothers who met a peer supporter early felt understood and kept breastfeeding for",
         "longer. The first visit mattered most, and flexible timing helped.",
         SENTENCE, "Women valued practical help at home.",
         "Some mothers declined visits from strangers, and a few stopped early."],
        ["In the second city, low intensity support did not change outcomes.",
         f"(Read on a {size} screen.)"]], f"jolly-{size}.pdf")
    create_cmoc(workbench.store, "peer-support", cmo.NewCMOc(
        studies=["Jolly 2012"], contexts=["high intensity support"],
        mechanism="trusting relationship with the peer", outcomes=["breastfeeding duration"],
        outcome_direction="positive", evidence=[
            cmo.Evidence(source=sid, exact="felt understood", part="mechanism"),
            cmo.Evidence(source=sid, exact="Mothers who met a peer supporter early",
                         part="context"),
            cmo.Evidence(source=sid, exact="kept breastfeeding for longer", part="outcome")]))
    page = chromium(size)
    _sign_in(page, workbench, workbench.token("editor", "peer-support"))
    page.goto(f"{workbench.url}/reviews/peer-support/sources/{sid}/read")
    _select(page, SENTENCE)
    for part in ("Context", "Mechanism"):
        page.get_by_role("toolbar").get_by_role("button", name=part).click()
    page.get_by_label("Contexts").fill("frequent contacts")
    page.get_by_label("Mechanism", exact=True).fill("trusting relationship with the peeer")
    page.get_by_label("Outcomes").press_sequentially("breastfeeding d", delay=10)
    page.locator("#b-outcomes-list [role=option]", has_text="breastfeeding duration").click()
    page.locator("#label-check").get_by_text("did you mean").wait_for()
    page.locator("mark.coded").first.click()
    time.sleep(0.2)
    page.evaluate("() => window.scrollTo(0, 0)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"read-{size}.png"), full_page=size == "phone")
    assert page.errors == []


def test_offsets_count_code_points_past_astral_characters(
        chromium: Any, workbench: Workbench) -> None:
    text = "Mothers 😀 said: 𝑀𝑎𝑡𝘩 aside, peers made the difference."
    sid = add_source(workbench.store, "peer-support", "Schmied 2011", "astral.txt",
                     text.encode()).source.id
    page = chromium()
    _sign_in(page, workbench, workbench.token("editor", "peer-support"))
    page.goto(f"{workbench.url}/reviews/peer-support/sources/{sid}/read")
    _select(page, "peers made the difference")
    page.keyboard.press("q")
    page.get_by_label("Contexts").fill("low intensity support")
    evidence = _save(page, workbench)["evidence"]
    start = text.index("peers made")
    assert [(e["quote"], e["start"], e["part"]) for e in evidence] == [
        ("peers made the difference", start, None)]
    assert page.errors == []


def test_one_cmoc_collects_passages_from_two_documents_of_a_study(
        chromium: Any, workbench: Workbench) -> None:
    first = _source(workbench, "Harris 2015", [["Harris wrote: " + SENTENCE]], "harris-a.pdf")
    second = _source(workbench, "Harris 2015", [["Later, peers kept visiting."]], "harris-b.pdf")
    page = chromium()
    _sign_in(page, workbench, workbench.token("editor", "peer-support"))
    page.goto(f"{workbench.url}/reviews/peer-support/sources/{first}/read")
    _select(page, SENTENCE)
    page.keyboard.press("m")
    page.get_by_label("Contexts").fill("low intensity support")
    page.get_by_role("link", name="harris-b.pdf").click()
    page.wait_for_url(f"**/sources/{second}/read")
    assert page.get_by_label("Contexts").input_value() == "low intensity support"
    _select(page, "peers kept visiting")
    page.keyboard.press("o")
    assert "harris-a.pdf" in page.locator("#passages li").first.inner_text()
    evidence = _save(page, workbench)["evidence"]
    assert [(e["source"], e["quote"], e["part"]) for e in evidence] == [
        (first, SENTENCE, "mechanism"), (second, "peers kept visiting", "outcome")]
    assert page.errors == []
