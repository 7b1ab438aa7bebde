"""The views in a real headless Chromium: what they draw, that nothing is fetched, that markup
in the data never runs, and that the embed page works inside an iframe."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cmo.store import Store
from cmo.views import MechanismView, mechanism_view_html
from tests.views.conftest import wait_stable

COUNTS = "[window.network.body.data.nodes.length, window.network.body.data.edges.length]"


@pytest.mark.parametrize("embed", [False, True], ids=["full", "embed"])
def test_render_view_draws_every_node_and_edge(example_store: Store, open_page: Callable[..., Any],
                                               embed: bool) -> None:
    view = MechanismView(example_store, "peer-support")
    page = open_page(view.html(embed=embed))
    assert page.evaluate(COUNTS) == [view.graph.number_of_nodes(), view.graph.number_of_edges()]
    # Everything is drawn on the canvas: each node has a position, none hidden by the filters.
    assert page.evaluate("window.cmoView.shown") == {
        "nodes": view.graph.number_of_nodes(), "edges": view.graph.number_of_edges()}
    positions = page.evaluate("Object.keys(window.network.getPositions()).length")
    assert positions == view.graph.number_of_nodes()
    assert page.errors == []


def test_render_context_subtree_draws_only_that_subtree(example_store: Store,
                                                        open_page: Callable[..., Any]) -> None:
    view = MechanismView(example_store, "peer-support", context="intensity of contact")
    page = open_page(view.html())
    contexts = page.evaluate("window.cmoView.data.nodes.filter(n => n.kind === 'context')"
                             ".map(n => n.label)")
    assert set(contexts) == {"high intensity support", "low intensity support"}
    assert page.evaluate(COUNTS) == [view.graph.number_of_nodes(), view.graph.number_of_edges()]


def test_render_view_makes_no_request(example_store: Store, open_page: Callable[..., Any]) -> None:
    page = open_page(mechanism_view_html(example_store, "peer-support"))
    page.mouse.move(600, 400)
    page.evaluate("window.cmoView.selectNode(window.cmoView.data.nodes[0].id)")
    page.wait_for_timeout(200)
    assert len(page.allowed) == 1  # the file itself
    assert page.blocked == []
    assert page.evaluate("performance.getEntriesByType('resource').length") == 0


def test_filter_controls_hide_links_offline(example_store: Store,
                                            open_page: Callable[..., Any]) -> None:
    view = MechanismView(example_store, "peer-support")
    page = open_page(view.html())
    g = view.graph
    nf_only = sum(1 for *_, a in g.edges(data=True) if a["not_fired_only"])
    shown = page.evaluate("window.cmoView.applyFilters({showNotFired: false})")
    assert shown["edges"] == g.number_of_edges() - nf_only
    assert page.evaluate("window.network.body.data.edges.get({filter: e => !e.hidden}).length") \
        == shown["edges"]
    page.locator("#cmo-show-not-fired").check()
    page.locator("#cmo-min-studies").fill("2")
    page.locator("#cmo-min-studies").dispatch_event("change")
    two = sum(1 for *_, a in g.edges(data=True) if a["studies"] >= 2)
    assert page.evaluate("window.cmoView.shown.edges") == two
    assert page.locator("#cmo-counts").text_content().endswith(f"{two} links")
    assert page.blocked == []


def test_click_highlights_neighbourhood_and_panel_shows_quotes(
        example_store: Store, open_page: Callable[..., Any]) -> None:
    page = open_page(mechanism_view_html(example_store, "peer-support"))
    hit = page.evaluate("window.cmoView.search('trusting relationship with the peer').id")
    assert page.evaluate("window.cmoView.highlighted") == hit
    panel = page.locator("#cmo-panel").text_content()
    assert "trusting relationship with the peer" in panel
    assert "Supporting studies" in panel and "Quotes" in panel
    dimmed = page.evaluate("window.network.body.data.nodes.get()"
                           ".filter(n => n.color.background.startsWith('rgba')).length")
    neighbours = page.evaluate(f"window.network.getConnectedNodes('{hit}').length")
    assert dimmed == page.evaluate("window.cmoView.data.nodes.length") - 1 - neighbours


HOOKS = """
window.__ran = [];
window.alert = function (m) { window.__ran.push('alert:' + m); };
window.addEventListener('error', function (e) { window.__ran.push('error:' + e.message); }, true);
window.__imgs = 0;
new MutationObserver(function (records) {
  records.forEach(function (r) { r.addedNodes.forEach(function (n) {
    if (n.nodeType === 1 && (n.matches('img, svg[onload], iframe, a, b, i')
        || n.querySelector && n.querySelector('img, iframe'))) { window.__imgs += 1; }
  }); });
}).observe(document, {childList: true, subtree: true});
"""


def test_markup_in_labels_quotes_and_titles_never_runs(hostile_store: Store, page: Any,
                                                       tmp_path: Path) -> None:
    view = MechanismView(hostile_store, "h", chains=True)
    path = tmp_path / "hostile.html"
    view.save(path)
    page.add_init_script(HOOKS)
    page.own_url = path.as_uri()
    page.goto(page.own_url)
    wait_stable(page)
    assert page.title().startswith("Mechanisms \u2014 Review </script><img")
    ids = page.evaluate("window.cmoView.data.nodes.map(n => n.id)")
    assert len(ids) == view.graph.number_of_nodes() == 5
    for node_id in ids:
        pos = page.evaluate(f"window.network.canvasToDOM(window.network.getPositions(['{node_id}'])"
                            f"['{node_id}'])")
        box = page.locator("#cmo-network").bounding_box()
        page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"])
        page.wait_for_timeout(60)
        assert page.locator("#cmo-tooltip").is_visible()
        page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])
        assert page.evaluate("window.cmoView.highlighted") == node_id
        assert "</script><img src=x onerror=alert(1)>" in page.locator("#cmo-panel").inner_text()
    page.evaluate("window.cmoView.search('out </script>')")
    assert page.evaluate("window.__ran") == []
    assert page.evaluate("window.__imgs") == 0
    assert page.evaluate("document.querySelectorAll('img, iframe, b, i, a[href]').length") == 0
    assert page.blocked == [] and page.errors == []
    title_text = page.locator("#cmo-title").inner_text()
    assert title_text == view.title


def test_embed_page_works_inside_an_iframe(example_store: Store, page: Any,
                                           tmp_path: Path) -> None:
    view = MechanismView(example_store, "peer-support", context="delivery")
    host = tmp_path / "report.html"
    host.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Report</title>"
                    f"</head><body><p>Before.</p>{view.iframe()}<p>After.</p></body></html>",
                    encoding="utf-8")
    page.own_url = host.as_uri()
    page.goto(page.own_url)
    frame = next(f for f in page.frames if f != page.main_frame)
    wait_stable(frame)
    assert frame.evaluate(COUNTS) == [view.graph.number_of_nodes(), view.graph.number_of_edges()]
    assert frame.evaluate("getComputedStyle(document.getElementById('cmo-header')).display") \
        == "none"
    assert frame.evaluate("document.body.classList.contains('cmo-embed')")
    frame.evaluate("window.cmoView.search(window.cmoView.data.nodes[0].label)")
    assert frame.locator("#cmo-panel").is_visible()
    assert page.blocked == [] and page.errors == []


def test_panel_and_tooltip_count_studies_in_words(open_page: Callable[..., Any]) -> None:
    import cmo

    kg = cmo.open("memory:")
    cmocs = kg.reviews.create(id="r", title="R").cmocs
    for study in ("Adams 2001", "Baker 2002", "Cole 2003"):
        cmocs.create(studies=[study], contexts=["rural"], mechanism="trust", outcomes=["uptake"])
    cmocs.create(studies=["Adams 2001"], contexts=["urban"], mechanism="trust",
                 outcomes=["uptake"])
    page = open_page(mechanism_view_html(kg.store, "r"))
    shown = {}
    for label in ("rural", "urban"):
        hit = page.evaluate(f"window.cmoView.search('{label}').id")
        shown[label] = page.locator("#cmo-panel").text_content()
        box = page.locator("#cmo-network").bounding_box()
        at = page.evaluate(f"window.network.canvasToDOM(window.network.getPosition('{hit}'))")
        page.mouse.move(box["x"] + at["x"], box["y"] + at["y"])
        page.wait_for_selector("#cmo-tooltip", state="visible")
        shown[label] += " | " + (page.locator("#cmo-tooltip").text_content() or "")
        page.mouse.move(1, 1)
    assert "3 CMOcs from 3 studies" in shown["rural"]
    assert "3 studies \u00b7 3 CMOcs" in shown["rural"]  # the tooltip
    assert "1 CMOc from 1 study" in shown["urban"] and "1 study \u00b7 1 CMOc" in shown["urban"]
    assert "studys" not in " ".join(shown.values())
