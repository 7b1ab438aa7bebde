"""The heatmap page in a real headless Chromium: nothing fetched, markup inert, counts on hover,
quotes on click, keyboard, narrow windows and print."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cmo.interchange.importer import import_file
from cmo.sources.documents import add_source
from cmo.store import Store
from cmo.views import HeatmapView, heatmap_view_html
from tests.conftest import EXAMPLE
from tests.views.conftest import HOSTILE
from tests.views.conftest import wait_heatmap as wait_ready


@pytest.fixture
def open_heatmap(page: Any, tmp_path: Path) -> Callable[..., Any]:
    """Write a heatmap page to a file, open it (only that file may load), wait for the grid."""

    def opener(text: str, width: int = 1400, height: int = 900) -> Any:
        path = tmp_path / "heatmap.html"
        path.write_text(text, encoding="utf-8")
        page.set_viewport_size({"width": width, "height": height})
        page.own_url = path.as_uri()
        page.goto(page.own_url)
        wait_ready(page)
        return page

    return opener


def test_heatmap_page_draws_every_cell_and_requests_nothing(
        example_store: Store, open_heatmap: Callable[..., Any]) -> None:
    view = HeatmapView(example_store, "peer-support")
    page = open_heatmap(view.html())
    assert page.locator("button.hm-cell").count() == len(view.data.cells)
    assert page.locator("tbody th").count() == len(view.data.rows)
    assert page.locator("thead th").count() == len(view.data.columns) + 1
    page.locator("button.hm-cell").first.hover()
    page.locator("button.hm-cell").nth(3).click()
    page.wait_for_timeout(100)
    assert len(page.allowed) == 1 and page.blocked == []
    assert page.evaluate("performance.getEntriesByType('resource').length") == 0
    assert page.errors == []


def test_heatmap_hover_says_counts_in_words(example_store: Store,
                                            open_heatmap: Callable[..., Any]) -> None:
    view = HeatmapView(example_store, "peer-support")
    page = open_heatmap(view.html())
    for k in (0, len(view.data.cells) - 1):
        cell = view.data.cells[k]
        page.locator(f'button.hm-cell[data-k="{k}"]').hover()
        tip = page.locator("#hm-tip")
        assert tip.is_visible()
        assert cell.words() in tip.text_content()
        assert view.data.rows[cell.row].label in tip.text_content()
    mixed = next(k for k, c in enumerate(view.data.cells) if c.not_fired and not c.fired)
    page.locator(f'button.hm-cell[data-k="{mixed}"]').hover()
    assert "did not fire" in page.locator("#hm-tip").text_content()


def test_heatmap_click_shows_the_cells_quotes(example_store: Store,
                                              open_heatmap: Callable[..., Any]) -> None:
    view = HeatmapView(example_store, "peer-support")
    page = open_heatmap(view.html())
    k, cell = max(enumerate(view.data.cells), key=lambda p: p[1].studies)
    page.locator(f'button.hm-cell[data-k="{k}"]').click()
    panel = page.locator("#hm-panel").text_content()
    for iri in cell.cmoc_iris:
        cmoc = view.data.cmocs[iri]
        assert f"CMOc {cmoc.id}" in panel
        for q in cmoc.quotes:
            assert q.quote[:80] in panel and (q.study or "") in panel
    assert page.evaluate("window.cmoHeatmap.selected") == k


def test_heatmap_links_anchored_quotes_to_their_passage(
        example_store: Store, open_heatmap: Callable[..., Any]) -> None:
    notes = EXAMPLE.parent / "sources"
    import_file(example_store, "peer-support", "workshop-cmocs.csv",
                (notes / "workshop-cmocs.csv").read_bytes())
    source = add_source(example_store, "peer-support", "Workshop notes 2026", "workshop-notes.md",
                        (notes / "workshop-notes.md").read_bytes()).source
    view = HeatmapView(example_store, "peer-support")
    page = open_heatmap(view.html())
    k = next(k for k, c in enumerate(view.data.cells) if "w02" in c.cmocs)
    page.locator(f'button.hm-cell[data-k="{k}"]').click()
    link = page.locator("#hm-panel a", has_text="open the passage").first
    assert link.get_attribute("href") == f"/reviews/peer-support/sources/{source.id}/read#page-1"
    assert page.blocked == []


def test_heatmap_keyboard_reaches_and_opens_cells(example_store: Store,
                                                  open_heatmap: Callable[..., Any]) -> None:
    page = open_heatmap(heatmap_view_html(example_store, "peer-support"))
    page.locator("#hm-reset").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "hm-cell"
    first = page.evaluate("+document.activeElement.dataset.k")
    assert page.locator("#hm-tip").is_visible()
    page.keyboard.press("ArrowDown")
    below = page.evaluate("+document.activeElement.dataset.k")
    assert below != first
    page.keyboard.press("Enter")
    assert page.evaluate("window.cmoHeatmap.selected") == below
    page.keyboard.press("Escape")
    assert page.evaluate("window.cmoHeatmap.selected") is None


def test_heatmap_markup_in_labels_stays_text(hostile_store: Store,
                                             open_heatmap: Callable[..., Any]) -> None:
    page = open_heatmap(heatmap_view_html(hostile_store, "h"))
    assert page.locator("img, iframe, b, i, a[href='x']").count() == 0
    assert page.locator("svg").count() == 0
    assert f"ctx {HOSTILE}" in page.locator("tbody").text_content()
    assert f"mech {HOSTILE}" in page.locator("thead").text_content()
    page.locator("button.hm-cell").first.hover()
    page.locator("button.hm-cell").first.click()
    assert f"quote {HOSTILE} &amp; <a href=x>" in page.locator("#hm-panel").text_content()
    assert page.locator("img, iframe, a[href='x']").count() == 0
    assert page.title().startswith("Contexts")
    assert page.errors == [] and page.blocked == []


@pytest.mark.parametrize("size", [(1400, 900), (800, 600)], ids=["1400x900", "800x600"])
def test_heatmap_fits_window_and_headers_stick(example_store: Store,
                                               open_heatmap: Callable[..., Any],
                                               size: tuple[int, int]) -> None:
    page = open_heatmap(heatmap_view_html(example_store, "peer-support"), *size)
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
    assert page.evaluate("document.documentElement.scrollHeight") <= size[1]
    head = page.locator("thead th").nth(1).bounding_box()
    page.locator("#hm-scroll").evaluate("e => { e.scrollTop = 400; e.scrollLeft = 300; }")
    page.wait_for_timeout(50)
    assert page.locator("thead th").nth(1).bounding_box()["y"] == pytest.approx(head["y"], abs=1)
    assert page.locator("tbody th").first.bounding_box()["x"] == pytest.approx(0, abs=1)


def test_heatmap_print_hides_controls(example_store: Store,
                                      open_heatmap: Callable[..., Any]) -> None:
    page = open_heatmap(heatmap_view_html(example_store, "peer-support"))
    page.emulate_media(media="print")
    assert not page.locator("#hm-toolbar").is_visible()
    assert page.locator("#hm-legend").is_visible() and page.locator("table.hm").is_visible()


def test_heatmap_min_studies_control_hides_cells(example_store: Store,
                                                 open_heatmap: Callable[..., Any]) -> None:
    view = HeatmapView(example_store, "peer-support")
    page = open_heatmap(view.html())
    page.locator("#hm-min-studies").fill("2")
    page.locator("#hm-min-studies").dispatch_event("change")
    two = sum(1 for c in view.data.cells if c.studies >= 2)
    assert page.evaluate("window.cmoHeatmap.shown") == two
    assert page.locator("td:not(.hm-off) button.hm-cell").count() == two
    counts = page.locator("#hm-counts").text_content()
    assert counts == f"{two} of {len(view.data.cells)} cells shown"


def test_heatmap_embed_has_no_toolbar(example_store: Store,
                                      open_heatmap: Callable[..., Any]) -> None:
    page = open_heatmap(heatmap_view_html(example_store, "peer-support", embed=True), 800, 600)
    assert not page.locator("#hm-toolbar").is_visible()
    assert not page.locator("#hm-panel").is_visible()
    page.locator("button.hm-cell").first.click()
    assert page.locator("#hm-panel").is_visible()


def test_heatmap_with_no_cell_says_so(example_store: Store,
                                      open_heatmap: Callable[..., Any]) -> None:
    page = open_heatmap(heatmap_view_html(example_store, "peer-support", min_studies=10**6))
    assert "No context and mechanism" in page.locator("#hm-scroll").text_content()
    assert page.locator("button.hm-cell").count() == 0
    assert page.errors == [] and page.blocked == []
