"""Fixtures for the views: a real headless Chromium (Debian's, driven by Playwright), a review
whose every label, quote and study title is markup, and pages written to files."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import cmo
from cmo.review.cmocs import create_cmoc
from cmo.review.concepts import add_concept
from cmo.review.reviews import create_review
from cmo.review.studies import add_study
from cmo.store import Store

HOSTILE = "</script><img src=x onerror=alert(1)>"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page (its own context) that records page errors and blocks every request
    other than file:// ones; `page.blocked` lists what was blocked."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    pg.errors = []
    pg.blocked = []
    pg.allowed = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)

    def gate(route: Any) -> None:
        url = route.request.url
        if url == getattr(pg, "own_url", None):
            pg.allowed.append(url)
            route.continue_()
        else:
            pg.blocked.append(url)
            route.abort()

    pg.route("**/*", gate)
    yield pg
    context.close()


def _wait_for(frame: Any, flag: str, never: str, timeout: float) -> None:
    """Poll `flag` from Python: the pages' CSP forbids the eval that Playwright's
    wait_for_function would need."""
    deadline = time.monotonic() + timeout
    while not frame.evaluate(f"() => Boolean({flag})"):
        if time.monotonic() > deadline:
            raise TimeoutError(never)
        time.sleep(0.05)


def wait_stable(frame: Any, timeout: float = 30.0) -> None:
    """Wait for the network view's layout to settle."""
    _wait_for(frame, "window.cmoView && window.cmoView.stable",
              "the view never reported a stable layout", timeout)


def wait_heatmap(frame: Any, timeout: float = 20.0) -> None:
    """Wait for the heatmap's script to have drawn the grid."""
    _wait_for(frame, "window.cmoHeatmap && window.cmoHeatmap.stable",
              "the heatmap never finished drawing", timeout)


@pytest.fixture
def open_page(page: Any, tmp_path: Path) -> Callable[[str], Any]:
    """Write HTML to a file, open it (only that file may load) and wait for a stable layout."""

    def opener(text: str, name: str = "view.html") -> Any:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        page.own_url = path.as_uri()
        page.goto(page.own_url)
        wait_stable(page)
        return page

    return opener


@pytest.fixture
def hostile_store(store: Store) -> Store:
    """A review whose title, labels, definitions, study keys and titles, quotes and pages are
    all markup that would run a script if it were ever parsed as HTML."""
    create_review(store, cmo.Review(id="h", title=f"Review {HOSTILE}"))
    for n in (1, 2):
        add_study(store, "h", cmo.Study(key=f"S{n} {HOSTILE}", title=f"Title {HOSTILE}"))
    add_concept(store, "h", cmo.Concept(kind="context", label=f"ctx {HOSTILE}",
                                        definition=f"def <b onmouseover=alert(2)>{HOSTILE}"))
    add_concept(store, "h", cmo.Concept(kind="context", label="sub <svg onload=alert(3)>",
                                        broader=f"ctx {HOSTILE}"))
    for i, (ctx, fired) in enumerate([(f"ctx {HOSTILE}", True),
                                      ("sub <svg onload=alert(3)>", False)], start=1):
        create_cmoc(store, "h", cmo.CMOConfiguration(
            id=f"c{i}", studies=[f"S{i} {HOSTILE}"], contexts=[ctx],
            mechanism=f"mech {HOSTILE}", outcomes=[f"out {HOSTILE}", "<iframe src=x>"],
            mechanism_fired=fired, outcome_direction="positive" if fired else "none",
            evidence=[cmo.Evidence(quote=f"quote {HOSTILE} &amp; <a href=x>",
                                   page=f"<i>{i}</i>", study=f"S{i} {HOSTILE}")]))
    return store
