"""The heatmap's cells against the matrix, its rows against the hierarchy, its SVG as XML, and
its quotes' links to anchored passages."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import defusedxml.ElementTree as DET
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmo.errors import InvalidInput, NotFound, UnknownConcept
from cmo.interchange.importer import import_file
from cmo.questions.engine import CmocFilter, context_mechanism_matrix
from cmo.review.index import review_indexes
from cmo.sources.documents import add_source
from cmo.store import Store
from cmo.views import HeatmapView, ViewOptions, heatmap_data, heatmap_svg, heatmap_view_html
from cmo.views.heatmap.data import HeatmapData, shades
from tests.cmo.test_questions_oracle import ORACLE, Generated, _store, reviews
from tests.conftest import EXAMPLE
from tests.views.conftest import HOSTILE

SVG = "{http://www.w3.org/2000/svg}"
NOTES = EXAMPLE.parent / "sources" / "workshop-notes.md"
SHEET = EXAMPLE.parent / "sources" / "workshop-cmocs.csv"

Counts = dict[tuple[str, str], tuple[int, int, int, int]]


def _cells(data: HeatmapData) -> Counts:
    return {(c.context, c.mechanism): (c.fired + c.not_fired, c.studies, c.fired, c.not_fired)
            for c in data.cells}


def _matrix(store: Store, options: ViewOptions, under: set[str] | None = None) -> Counts:
    matrix = context_mechanism_matrix(store, list(options.reviews or ()) or None, CmocFilter(
        fired_only=options.fired_only, theory=options.theory))
    return {(r.context.iri, r.mechanism.iri): (r.cmocs, r.studies, r.fired, r.not_fired)
            for r in matrix.rows if r.studies >= options.min_studies
            and (under is None or r.context.iri in under)}


def _check_rows(data: HeatmapData) -> None:
    """Each context once; a row's parent comes before it, one level up, and is broader."""
    assert len({r.iri for r in data.rows}) == len(data.rows)
    seen: dict[str, int] = {}
    for row in data.rows:
        if row.parent is None:
            assert row.depth == 0
        else:
            assert seen[row.parent] == row.depth - 1
        seen[row.iri] = row.depth
    assert {r.iri for r in data.rows if r.has_cells} == {c.context for c in data.cells}
    assert all(data.rows[c.row].iri == c.context and data.columns[c.column].iri == c.mechanism
               for c in data.cells)


@pytest.mark.parametrize("options", [
    ViewOptions(("peer-support",)),
    ViewOptions(("peer-support",), min_studies=2),
    ViewOptions(("peer-support",), fired_only=True),
    ViewOptions(("peer-support",), theory="peer-support-v2"),
    ViewOptions(None),
], ids=["all", "two-studies", "fired-only", "theory", "every-review"])
def test_heatmap_cells_equal_matrix_for_example(example_store: Store,
                                                options: ViewOptions) -> None:
    data = heatmap_data(example_store, options)
    assert data.cells and _cells(data) == _matrix(example_store, options)
    _check_rows(data)


def test_heatmap_context_subtree_keeps_only_that_subtree(example_store: Store) -> None:
    options = ViewOptions(("peer-support",), context="Delivery")
    data = heatmap_data(example_store, options)
    index = review_indexes(example_store, ["peer-support"])[0]
    under = index.descendants(index.resolve("context", "delivery") or "")
    assert _cells(data) == _matrix(example_store, options, under)
    assert data.rows[0].label == "delivery" and data.rows[0].depth == 0
    assert {r.label for r in data.rows if r.depth == 2} >= {"high intensity support",
                                                           "low intensity support"}
    _check_rows(data)


def test_heatmap_example_groups_narrower_under_broader(example_store: Store) -> None:
    data = heatmap_data(example_store, ViewOptions(("peer-support",)))
    labels = [(r.label, r.depth, r.has_cells) for r in data.rows]
    at = labels.index(("intensity of contact", 1, False))
    assert labels[at - 1][1] >= 1 and labels[at + 1:at + 3] == [
        ("high intensity support", 2, True), ("low intensity support", 2, True)]
    columns = [c.studies for c in data.columns]
    assert columns == sorted(columns, reverse=True)


@ORACLE
@given(g=reviews(), fired_only=st.booleans(), min_studies=st.integers(1, 3),
       pick=st.integers(0, 100) | st.none())
def test_heatmap_cells_equal_matrix_for_generated_review(g: Generated, fired_only: bool,
                                                         min_studies: int,
                                                         pick: int | None) -> None:
    store = _store(g)
    index = review_indexes(store, ["r"])[0]
    context = None if pick is None else sorted(g.parent)[pick % len(g.parent)]
    under = None if context is None else index.descendants(index.resolve("context", context)
                                                           or "")
    options = ViewOptions(("r",), context, None, min_studies, fired_only)
    data = heatmap_data(store, options)
    assert _cells(data) == _matrix(store, options, under)
    _check_rows(data)
    for cell in data.cells:
        sides = [data.cmocs[i] for i in cell.cmoc_iris]
        assert cell.fired == sum(m.fired for m in sides)
        assert cell.fired_studies == len({s for m in sides if m.fired for s in m.studies})
        assert cell.not_fired_studies == len({s for m in sides if not m.fired
                                              for s in m.studies})


def test_heatmap_refuses_unknown_review_context_theory(example_store: Store) -> None:
    with pytest.raises(NotFound):
        heatmap_data(example_store, ViewOptions(("nope",)))
    with pytest.raises(UnknownConcept) as unknown:
        heatmap_data(example_store, ViewOptions(("peer-support",), context="delivry"))
    assert "delivery" in str(unknown.value)
    with pytest.raises(InvalidInput):
        heatmap_data(example_store, ViewOptions(("peer-support",), theory="no such theory"))


def test_heatmap_words_say_fired_and_not_fired(example_store: Store) -> None:
    data = heatmap_data(example_store, ViewOptions(("peer-support",)))
    words = {c.words() for c in data.cells}
    assert "1 study; 1 CMOc fired" in words and "1 study; 1 CMOc did not fire" in words
    mixed = [c for c in data.cells if c.fired and c.not_fired]
    for cell in mixed:
        assert cell.words().endswith(f"fired, {cell.not_fired} did not")


def test_shades_cover_every_count() -> None:
    for top in (1, 2, 5, 6, 7, 40, 1000):
        bands = shades(top)
        assert bands[0].low == 1 and bands[-1].high == top and len(bands) <= 6
        assert all(a.high + 1 == b.low for a, b in pairwise(bands))


def _svg_text(svg: str) -> tuple[object, list[str]]:
    root = DET.fromstring(svg)
    texts = [re.sub(r"\s+", " ", "".join(t.itertext())).strip() for t in root.iter(f"{SVG}text")]
    return root, texts


@pytest.mark.parametrize("width", [700, 1600, 2400])
def test_heatmap_svg_parses_holds_labels_and_has_width(example_store: Store, width: int) -> None:
    options = ViewOptions(("peer-support",))
    svg = heatmap_svg(example_store, options, width=width, font_px=12)
    root, texts = _svg_text(svg)
    data = heatmap_data(example_store, options)
    assert root.get("width") == str(width)  # type: ignore[attr-defined]
    assert root.get("viewBox").split()[2] == str(width)  # type: ignore[attr-defined]
    assert {r.label for r in data.rows} | {c.label for c in data.columns} <= set(texts)
    assert data.title in texts
    numbers = [t for t in texts if t.isdigit()]
    assert len(numbers) >= len(data.cells)


def test_heatmap_svg_legend_sits_outside_the_drawing(example_store: Store) -> None:
    svg = heatmap_svg(example_store, ViewOptions(("peer-support",)), width=1200)
    root = DET.fromstring(svg)
    groups = {g.get("class"): g for g in root.iter(f"{SVG}g") if g.get("class")}
    rules = next(p for p in groups["cells"].iter(f"{SVG}path") if p.get("class") == "rules")
    lowest_cell = max(float(y) for y in re.findall(r"M[\d.]+ ([\d.]+)H", rules.get("d")))
    legend_top = min(float(r.get("y")) for r in groups["legend"].iter(f"{SVG}rect"))
    assert legend_top > lowest_cell
    assert float(root.get("height")) > legend_top


def test_heatmap_svg_escapes_markup(hostile_store: Store) -> None:
    svg = heatmap_svg(hostile_store, ViewOptions(("h",)), width=900)
    root, texts = _svg_text(svg)
    assert "<img" not in svg and "<svg onload" not in svg
    assert f"ctx {HOSTILE}" in texts and "sub <svg onload=alert(3)>" in texts
    assert f"mech {HOSTILE}" in texts
    assert not [e for e in root.iter() if e.tag.split("}")[-1] in ("script", "img", "iframe")]


def test_heatmap_svg_of_nothing_says_so(example_store: Store) -> None:
    svg = heatmap_svg(example_store, ViewOptions(("peer-support",), min_studies=10**9), width=800)
    _, texts = _svg_text(svg)
    assert any("No context and mechanism" in t for t in texts)


def test_heatmap_quotes_link_to_anchored_passages(example_store: Store) -> None:
    import_file(example_store, "peer-support", SHEET.name, SHEET.read_bytes())
    source = add_source(example_store, "peer-support", "Workshop notes 2026", NOTES.name,
                        NOTES.read_bytes()).source
    data = heatmap_data(example_store, ViewOptions(("peer-support",)))
    quotes = [q for m in data.cmocs.values() for q in m.quotes]
    linked = {q.cmoc: q.passage for q in quotes if q.passage}
    assert set(linked) == {"w01", "w02", "w03", "w04"}
    assert linked["w02"] == f"/reviews/peer-support/sources/{source.id}/read#page-1"
    assert all(q.passage is None for q in quotes if q.cmoc.startswith("c"))
    page = heatmap_view_html(example_store, "peer-support")
    assert f"/reviews/peer-support/sources/{source.id}/read#page-1" in page


def test_heatmap_view_saves_page_and_figure(example_store: Store, tmp_path: Path) -> None:
    view = HeatmapView(example_store, "peer-support", min_studies=2)
    assert view.save(tmp_path / "h.html").read_text("utf-8").startswith("<!DOCTYPE html>")
    assert view.save(tmp_path / "h.svg").read_text("utf-8").startswith("<svg")
    assert view.iframe().startswith("<iframe") and 'sandbox="allow-scripts"' in view.iframe()
    assert all(c.studies >= 2 for c in view.data.cells)


@pytest.mark.parametrize(("width", "font_px"), [(0, 14), (-5, 14), (10**9, 14), (800, 0),
                                                (800, float("nan")), (800, 1000)])
def test_heatmap_svg_refuses_sizes_it_cannot_draw(example_store: Store, width: int,
                                                   font_px: float) -> None:
    with pytest.raises(InvalidInput) as refused:
        heatmap_svg(example_store, ViewOptions(("peer-support",)), width=width, font_px=font_px)
    assert refused.value.problems[0].field in ("width", "font_px")


def test_heatmap_rows_survive_two_parents_and_a_cycle() -> None:
    from cmo.review.index import ReviewIndex
    from cmo.views.heatmap.data import _rows

    names = ["rural", "remote", "farms", "loop a", "loop b", "island"]
    index = ReviewIndex("r", None, kind=dict.fromkeys(names, "context"),
                        label={n: n for n in names},
                        broader={"farms": ["rural", "remote"], "loop a": ["loop b"],
                                 "loop b": ["loop a"], "remote": [], "rural": [],
                                 "island": []})
    rows = _rows([index], {"farms", "loop a", "island"}, None)
    # farms is shown once, under the first of its broader contexts; rural holds nothing.
    assert [(r.label, r.depth) for r in rows] == [
        ("island", 0), ("remote", 0), ("farms", 1), ("loop a", 0), ("loop b", 1)]
    assert [r.has_cells for r in rows] == [True, False, True, True, False]
