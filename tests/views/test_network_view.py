"""The mechanism network as a reader sees it in Chromium: every CMOc followed from context to
outcome, labels that neither meet nor leave the canvas, a legend beside the drawing, embeds drawn
on load, a printout without controls; and the pyvis Network it is built from.

Label boxes are vis-network's own: each node's ``labelModule.size`` (left, top, width, height in
canvas units, measured by vis with the canvas's ``measureText``), turned into page pixels with
``network.canvasToDOM``; each box is also checked to hold the text as the test measures it
(``measureText`` on its own canvas, same font). Group headings are measured the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import cmo
from cmo.review.cmocs import list_cmocs
from cmo.store import Store
from cmo.views import MechanismView
from tests.views.conftest import wait_stable

SIZES = [(1400, 900), (800, 600)]
BOXES = """() => {
  const net = window.network, boxes = [];
  const ctx = document.createElement('canvas').getContext('2d');
  const canvas = document.querySelector('#cmo-network canvas');
  const origin = canvas.getBoundingClientRect();
  for (const id of net.body.data.nodes.getIds()) {
    const n = net.body.nodes[id];
    if (!n || n.options.hidden || !n.options.label) continue;
    const s = n.labelModule.size;
    const a = net.canvasToDOM({x: s.left, y: s.top});
    const b = net.canvasToDOM({x: s.left + s.width, y: s.top + s.height});
    ctx.font = n.options.font.size + 'px ' + n.options.font.face;
    const text = Math.max(...n.options.label.split('\\n').map(l => ctx.measureText(l).width));
    const nb = net.getBoundingBox(id);
    const p = net.canvasToDOM({x: nb.left, y: nb.top});
    const q = net.canvasToDOM({x: nb.right, y: nb.bottom});
    boxes.push({id, label: n.options.label, left: a.x, top: a.y, right: b.x, bottom: b.y,
                fits: s.width + 0.5 >= text,
                node: {left: p.x + origin.left, top: p.y + origin.top,
                       right: q.x + origin.left, bottom: q.y + origin.top}});
  }
  const scale = net.getScale();
  for (const h of window.cmoView.data.headings) {
    ctx.font = '600 14px system-ui, Arial, sans-serif';
    const w = ctx.measureText('\\u25be ' + h.label).width;
    const a = net.canvasToDOM({x: h.x - w / 2, y: h.y - 10});
    boxes.push({id: 'heading ' + h.label, label: h.label, left: a.x, top: a.y,
                right: a.x + w * scale, bottom: a.y + 20 * scale, fits: true, node: null});
  }
  return {boxes, width: canvas.clientWidth, height: canvas.clientHeight, scale};
}"""


def _meet(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] \
        and b["top"] < a["bottom"]


def _open(page: Any, tmp_path: Path, text: str, size: tuple[int, int]) -> Any:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    path = tmp_path / "view.html"
    path.write_text(text, encoding="utf-8")
    page.own_url = path.as_uri()
    page.goto(page.own_url)
    wait_stable(page)
    return page


@pytest.mark.parametrize("embed", [False, True], ids=["full", "embed"])
@pytest.mark.parametrize("size", SIZES, ids=["1400x900", "800x600"])
def test_labels_neither_overlap_nor_leave_the_canvas(example_store: Store, page: Any,
                                                     tmp_path: Path, size: tuple[int, int],
                                                     embed: bool) -> None:
    view = MechanismView(example_store, "peer-support")
    found = _open(page, tmp_path, view.html(embed=embed), size).evaluate(BOXES)
    boxes = found["boxes"]
    assert len([b for b in boxes if b["node"]]) == view.graph.number_of_nodes() == 91
    assert all(b["fits"] for b in boxes), [b["label"] for b in boxes if not b["fits"]]
    overlaps = [(a["label"], b["label"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                if _meet(a, b)]
    assert overlaps == []
    clipped = [b["label"] for b in boxes if b["left"] < 0 or b["top"] < 0
               or b["right"] > found["width"] or b["bottom"] > found["height"]]
    assert clipped == []
    # Legible: drawn at 80% of the 14 px font or more.
    assert found["scale"] >= 0.8
    assert page.errors == []


@pytest.mark.parametrize("embed", [False, True], ids=["full", "embed"])
@pytest.mark.parametrize("size", SIZES, ids=["1400x900", "800x600"])
def test_legend_meets_no_node(example_store: Store, page: Any, tmp_path: Path,
                              size: tuple[int, int], embed: bool) -> None:
    view = MechanismView(example_store, "peer-support")
    _open(page, tmp_path, view.html(embed=embed), size)
    if not page.evaluate("document.getElementById('cmo-legend').open"):
        page.locator("#cmo-legend summary").click()  # a short window starts with it folded
    legend = page.locator("#cmo-legend").bounding_box()
    assert legend["height"] > 40 and page.locator("#cmo-legend").is_visible()
    seen = page.locator("#cmo-scroll").bounding_box()
    for top in (0, 10_000):  # the top of the drawing, then its end
        page.evaluate(f"document.getElementById('cmo-scroll').scrollTop = {top}")
        nodes = [b["node"] for b in page.evaluate(BOXES)["boxes"] if b["node"]]
        view_box = {"left": seen["x"], "top": seen["y"], "right": seen["x"] + seen["width"],
                    "bottom": seen["y"] + seen["height"]}
        # What the scroll area shows of each node (the rest is scrolled out of sight).
        shown = [{"left": max(n["left"], view_box["left"]), "top": max(n["top"], view_box["top"]),
                  "right": min(n["right"], view_box["right"]),
                  "bottom": min(n["bottom"], view_box["bottom"])}
                 for n in nodes if _meet(n, view_box)]
        assert shown
        box = {"left": legend["x"], "top": legend["y"], "right": legend["x"] + legend["width"],
               "bottom": legend["y"] + legend["height"]}
        assert not [n for n in shown if _meet(n, box)]
    page.locator("#cmo-legend summary").click()  # folds away
    assert page.locator("#cmo-legend").bounding_box()["height"] < legend["height"]


def _expected(example_store: Store) -> list[Any]:
    """The review's CMOcs as the library reads them from the store (not from the page)."""
    return list_cmocs(example_store, "peer-support")


def _kept(page: Any, node_id: str) -> set[tuple[str, str]]:
    page.evaluate(f"window.cmoView.selectNode('{node_id}')")
    return {tuple(x) for x in page.evaluate(
        "window.cmoView.kept.nodes.map(id => { const n = window.cmoView.data.nodes"
        ".find(m => m.id === id); return [n.kind, n.label]; })")}


def test_selecting_a_concept_follows_its_cmocs(example_store: Store,
                                              open_page: Callable[..., Any]) -> None:
    cmocs = _expected(example_store)
    page = open_page(MechanismView(example_store, "peer-support").html())
    nodes = page.evaluate("window.cmoView.data.nodes.map(n => [n.id, n.kind, n.label])")
    assert sum(1 for _, kind, _ in nodes if kind == "context") == 45
    for node_id, kind, label in nodes:
        if kind == "context":
            mine = [c for c in cmocs if label in c.contexts]
            want = {("context", label)} | {("mechanism", c.mechanism) for c in mine} \
                | {("outcome", o) for c in mine for o in c.outcomes}
        elif kind == "outcome":
            mine = [c for c in cmocs if label in c.outcomes]
            want = {("outcome", label)} | {("mechanism", c.mechanism) for c in mine} \
                | {("context", x) for c in mine for x in c.contexts}
        else:
            mine = [c for c in cmocs if c.mechanism == label]
            want = {("mechanism", label)} | {("outcome", o) for c in mine for o in c.outcomes} \
                | {("context", x) for c in mine for x in c.contexts}
        assert _kept(page, node_id) == want, label
    # Everything else is dimmed.
    dimmed = page.evaluate("window.network.body.data.nodes.get()"
                           ".filter(n => n.color.background.startsWith('rgba')).length")
    assert dimmed == len(nodes) - len(page.evaluate("window.cmoView.kept.nodes"))
    assert page.errors == []


def test_outcome_links_name_the_contexts_they_came_from(example_store: Store,
                                                        open_page: Callable[..., Any]) -> None:
    cmocs = _expected(example_store)
    page = open_page(MechanismView(example_store, "peer-support").html())
    links = page.evaluate("window.cmoView.data.edges.filter(e => e.relation === 'generates')"
                          ".map(e => [e.id, e.from, e.to, e.fired])")
    label = dict(page.evaluate("window.cmoView.data.nodes.map(n => [n.id, n.label])"))
    for edge_id, frm, to, fired in links:
        page.evaluate(f"window.cmoView.selectEdge('{edge_id}')")
        text = page.locator("#cmo-panel").inner_text()
        contexts = {x for c in cmocs if c.mechanism == label[frm]
                    and label[to] in c.outcomes and c.mechanism_fired == fired
                    for x in c.contexts}
        named = text.split("From contexts: ", 1)[1].split("\n", 1)[0]
        assert set(named.split("; ")) == contexts, (label[frm], label[to])
        kept = {label[n] for n in page.evaluate("window.cmoView.kept.nodes")}
        assert set(contexts) <= kept and label[to] in kept


def test_not_fired_cmocs_are_dashed_all_along(example_store: Store,
                                              open_page: Callable[..., Any]) -> None:
    view = MechanismView(example_store, "peer-support")
    page = open_page(view.html())
    rows = page.evaluate("window.cmoView.data.edges.map(e => [e.relation, e.fired, "
                         "window.network.body.data.edges.get(e.id).dashes])")
    out = [(fired, bool(dashes)) for relation, fired, dashes in rows if relation == "generates"]
    assert (False, True) in out and (True, False) in out
    assert all(dashes == (not fired) for fired, dashes in out)
    assert all(bool(d) == (not f) for r, f, d in rows if r == "triggers")
    assert "outcome of a CMOc that does not fire" in page.locator("#cmo-legend").inner_text()


def test_folding_a_broader_context_rolls_up_its_counts(example_store: Store,
                                                       open_page: Callable[..., Any]) -> None:
    view = MechanismView(example_store, "peer-support")
    g = view.graph
    page = open_page(view.html())
    tree = g.graph["context_tree"]
    under = {next(iri for iri, e in tree.items() if e["label"] == "delivery")}
    while grown := {n for n, e in tree.items() if set(e["broader"]) & under} - under:
        under |= grown
    members = [n for n in under if n in g]
    assert len(members) > 3
    assert page.evaluate("window.cmoView.fold('delivery')")
    folded = page.evaluate("window.network.body.data.nodes.get({filter: n => !n.hidden})"
                           ".map(n => n.id)")
    ids = dict(page.evaluate("window.cmoView.data.nodes.map(n => [n.iri, n.id])"))
    assert not {ids[m] for m in members} & set(folded)
    node = page.evaluate("window.network.body.data.nodes.get('fold-g0')")
    assert node and "delivery" in node["label"] and "narrower context" in node["label"]
    studies = {s for m in members for s in g.nodes[m]["study_keys"]}
    cmoc_ids = {c for m in members for c in g.nodes[m]["cmoc_ids"]}
    page.evaluate("window.cmoView.selectNode('fold-g0')")
    panel = page.locator("#cmo-panel").inner_text()
    assert f"{len(cmoc_ids)} CMOcs from {len(studies)} studies" in panel
    mechanisms = {g.nodes[v]["label"] for m in members for v in g.successors(m)}
    kept = page.evaluate("window.cmoView.kept.nodes.map(id => window.network.body.data.nodes"
                         ".get(id).label)")
    assert mechanisms <= {k.replace("\n", " ") for k in kept}
    page.evaluate("window.cmoView.unfold('delivery')")
    assert page.evaluate("window.cmoView.shown") == {"nodes": g.number_of_nodes(),
                                                     "edges": g.number_of_edges()}
    assert page.errors == []


HOST = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Report</title></head><body>"
        "<p style='height:@SPACE@px'>Before.</p><div id='box' style='display:@SHOW@'>@FRAME@</div>"
        "<p>After.</p>"
        "</body></html>")
DRAWN = """() => {
  const c = document.querySelector('#cmo-network canvas');
  const s = document.getElementById('cmo-scroll');
  const r = s.getBoundingClientRect(), o = c.getBoundingClientRect();
  const pos = window.network.getPositions();
  const inside = Object.values(pos).map(p => window.network.canvasToDOM(p))
    .filter(p => p.x + o.left >= r.left && p.x + o.left <= r.right && p.y + o.top >= r.top
                 && p.y + o.top <= r.bottom).length;
  const px = c.getContext('2d').getImageData(0, 0, c.width, Math.min(c.height, 400)).data;
  let ink = 0;
  for (let i = 3; i < px.length; i += 4) { if (px[i] > 0) ink += 1; }
  return {inside, ink, scale: window.network.getScale()};
}"""


@pytest.mark.parametrize(("late", "space"), [(False, 20), (True, 20), (False, 3000)],
                         ids=["in-view", "shown-after-load", "below-the-fold"])
def test_embed_is_drawn_on_load(example_store: Store, page: Any, tmp_path: Path,
                                late: bool, space: int) -> None:
    view = MechanismView(example_store, "peer-support")
    host = tmp_path / "report.html"
    host.write_text(HOST.replace("@SHOW@", "none" if late else "block")
                    .replace("@SPACE@", str(space)).replace("@FRAME@", view.iframe()),
                    encoding="utf-8")
    page.set_viewport_size({"width": 1000, "height": 800})
    page.own_url = host.as_uri()
    page.goto(page.own_url)
    frame = next(f for f in page.frames if f != page.main_frame)
    if late:  # a tab or a folded section opened after the page loaded
        page.wait_for_timeout(300)
        page.evaluate("document.getElementById('box').style.display = 'block'")
        page.wait_for_timeout(300)
    wait_stable(frame)
    drawn = frame.evaluate(DRAWN)  # without scrolling to it
    for _ in range(50):  # a loaded machine may paint a frame or two later
        if drawn["inside"] >= 10 and drawn["ink"] > 1000:
            break
        page.wait_for_timeout(100)
        drawn = frame.evaluate(DRAWN)
    assert drawn["inside"] >= 10 and drawn["ink"] > 1000
    assert drawn["scale"] >= 0.8
    assert page.blocked == [] and page.errors == []


def test_print_leaves_out_the_controls(example_store: Store, open_page: Callable[..., Any]
                                       ) -> None:
    page = open_page(MechanismView(example_store, "peer-support").html())
    page.locator("#cmo-legend summary").click()  # folded on screen, open on paper
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    for hidden in ("#cmo-toolbar", "#cmo-panel", "#cmo-tooltip"):
        assert not page.locator(hidden).is_visible(), hidden
    canvas = page.locator("#cmo-network canvas").bounding_box()
    legend = page.locator("#cmo-legend").bounding_box()
    assert canvas["height"] > 1000 and legend["height"] > 40
    assert legend["y"] >= canvas["y"] + canvas["height"] - 1  # below the drawing, not over it
    assert "positive outcome" in page.locator("#cmo-legend").inner_text()


def test_large_network_labels_the_most_studied_first(open_page: Callable[..., Any]) -> None:
    kg = cmo.open("memory:")
    cmocs = kg.reviews.create(id="big", title="Big").cmocs
    for i in range(60):
        studies = [f"S{j} 2020" for j in range(1 + (i % 7 == 0) * 5)]
        cmocs.create(id=f"c{i}", studies=studies, contexts=[f"context number {i}"],
                     mechanism=f"mechanism number {i % 25}", outcomes=[f"outcome number {i % 30}"])
    view = MechanismView(kg.store, "big")
    assert view.graph.number_of_nodes() > 100
    page = open_page(view.html())
    labels = page.evaluate(BOXES)["boxes"]
    shown = [b for b in labels if b["node"]]
    assert 0 < len(shown) < view.graph.number_of_nodes()
    assert not [(a["label"], b["label"]) for i, a in enumerate(shown) for b in shown[i + 1:]
                if _meet(a, b)]
    most = page.evaluate("window.cmoView.data.nodes.slice().sort((a, b) => b.studies - a.studies)"
                         "[0].id")
    assert most in {b["id"] for b in shown}
    hidden = next(n for n in page.evaluate("window.cmoView.data.nodes.map(n => n.id)")
                  if n not in {b["id"] for b in shown})
    page.evaluate(f"window.network.focus('{hidden}', {{scale: 2.5, animation: false}});"
                  "window.network.emit('zoom', {})")
    page.wait_for_timeout(400)
    assert hidden in {b["id"] for b in page.evaluate(BOXES)["boxes"]}
    assert page.errors == []
