"""The workbench in Chromium (Debian's, through Playwright, as tests/views): signing in, the
conflict view with two editors, keyboard reach, no request leaving the page; and the
screenshots of docs/workbench.md, taken at 1366x768 and 390x844."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

import cmo
from cmo.review.cmocs import create_cmoc, get_cmoc
from tests.conftest import ROOT
from tests.web.conftest import ADMIN, SIZES, Workbench
from tests.web.conftest import sign_in as _sign_in

# The test run takes the screenshots every time; it writes them over docs/workbench only when
# asked (UPDATE_SCREENSHOTS=1), so a run leaves the checkout clean.
SHOTS = (ROOT / "docs" / "workbench" if os.environ.get("UPDATE_SCREENSHOTS")
         else Path(tempfile.gettempdir()) / "realist-kg-workbench-shots")


def test_sign_in_and_out_in_a_browser(chromium: Any, workbench: Workbench) -> None:
    page = chromium()
    _sign_in(page, workbench, ADMIN)
    assert page.get_by_role("button", name="Sign out").is_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "cmo_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("() => document.cookie") == ""  # HttpOnly: no script reads it
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(workbench.url + "/")
    assert page.get_by_role("banner").get_by_role("link", name="Sign in").is_visible()
    assert page.errors == []


def test_two_editors_get_the_conflict_view_and_lose_nothing(chromium: Any,
                                                            workbench: Workbench) -> None:
    create_cmoc(workbench.store, "peer-support", cmo.CMOConfiguration(
        id="browser-race", studies=["Web 2024"], contexts=["rural mothers"],
        mechanism="trust", outcomes=["uptake"]))
    url = workbench.url + "/reviews/peer-support/cmocs/browser-race/edit"
    ana, ben = chromium(), chromium()
    for page in (ana, ben):
        _sign_in(page, workbench, workbench.token("editor", "peer-support"))
        page.goto(url)
    ana.get_by_label("Notes").fill("Ana's memo")
    ana.get_by_role("button", name="Save CMOc").click()
    ana.get_by_text("Saved.").wait_for()
    ben.get_by_label("Mechanism", exact=True).fill("trust in peers")
    ben.get_by_role("button", name="Save CMOc").click()
    ben.get_by_role("heading", name="Someone else saved this CMOc after you opened it").wait_for()
    assert ben.get_by_text("Ana's memo").count() >= 1
    assert get_cmoc(workbench.store, "peer-support", "browser-race").mechanism == "trust"
    ben.get_by_role("button", name="Save mine over theirs").click()
    ben.get_by_text("Saved.").wait_for()
    saved = get_cmoc(workbench.store, "peer-support", "browser-race")
    assert saved.mechanism == "trust in peers" and saved.notes == "Ana's memo"


def test_controls_are_reachable_by_keyboard(chromium: Any, workbench: Workbench) -> None:
    page = chromium()
    page.goto(workbench.url + "/sign-in")
    names = []
    for _ in range(12):
        page.keyboard.press("Tab")
        names.append(page.evaluate(
            "() => { const e = document.activeElement; return (e.labels && e.labels[0] "
            "? e.labels[0].textContent : e.textContent).trim(); }"))
    assert "Token" in names and "Sign in" in names
    page.get_by_label("Token").focus()
    page.keyboard.type(ADMIN)
    page.keyboard.press("Enter")
    page.wait_for_url(workbench.url + "/")
    page.goto(workbench.url + "/reviews/peer-support/cmocs/c01/edit")
    reached = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("() => document.activeElement.id || "
                                  "document.activeElement.textContent.trim()"))
    for control in ("f-contexts", "f-mechanism", "f-outcomes", "f-fired", "Save CMOc"):
        assert control in reached


def test_markup_renders_as_text_in_the_browser(chromium: Any, workbench: Workbench) -> None:
    page = chromium()
    _sign_in(page, workbench, ADMIN)
    page.on("dialog", lambda d: (page.errors.append("dialog: " + d.message), d.dismiss()))
    for path in ("/", "/reviews/other/overview", "/reviews/other/table",
                 "/reviews/other/concept-tree"):
        page.goto(workbench.url + path)
        assert page.locator("script:not([src])").count() == 0
        assert page.locator("main b").count() == 0
    assert page.get_by_text("hidden <b>context</b>").count() >= 1
    assert page.errors == []


PAGES = [("reviews", "/"), ("review", "/reviews/peer-support/overview"),
         ("study", "/reviews/peer-support/studies/Jolly%202012/overview"),
         ("cmocs", "/reviews/peer-support/table?sort=mechanism"),
         ("cmoc", "/reviews/peer-support/cmocs/c01/edit"),
         ("concepts", "/reviews/peer-support/concept-tree?kind=context&label=delivery"),
         ("questions", "/reviews/peer-support/questions"), ("tokens", "/admin/tokens"),
         ("sign-in", "/sign-in")]


@pytest.mark.parametrize("size", list(SIZES))
def test_screenshots_of_the_main_pages(chromium: Any, workbench: Workbench,
                                       size: str) -> None:
    page = chromium(size)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in PAGES:
        if name == "sign-in":
            page.context.clear_cookies()
        else:
            if not page.context.cookies():
                _sign_in(page, workbench, ADMIN)
        answer = page.goto(workbench.url + path)
        assert answer is not None and answer.ok, path
        page.screenshot(path=str(SHOTS / f"{name}-{size}.png"))
    assert page.errors == []
    assert Path(SHOTS / f"reviews-{size}.png").stat().st_size > 1000
