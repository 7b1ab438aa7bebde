"""Static figures (issue 15, item 4): the SVG as XML, its text and boxes; PNG and PDF as files.

Label boxes are computed from the SVG's own text elements with the DejaVu Sans width table of
`cmo.views.figures.metrics`, which `test_measure_text_agrees_with_cairo` checks against cairo.
"""

from __future__ import annotations

import io
import itertools
import struct
import sys
import types
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import networkx as nx
import pypdf
import pytest

from cmo.errors import InvalidInput, LimitExceeded, UnsupportedFormat
from cmo.interchange.rdf_files import import_rdf, rdf_format
from cmo.store import Store, open_store
from cmo.views import MechanismView, ViewOptions, build_graph
from cmo.views.figures import figure_bytes, graph_svg
from cmo.views.figures.metrics import text_width
from tests.conftest import EXAMPLE
from tests.views.conftest import HOSTILE

NS = {"s": "http://www.w3.org/2000/svg"}
Box = tuple[float, float, float, float]


@pytest.fixture(scope="module")
def example() -> Iterator[Store]:
    """The peer-support review in a memory store, shared by the module (figures only read)."""
    store = open_store("memory:")
    import_rdf(store, "peer-support", [("review.ttl", EXAMPLE.read_bytes(), rdf_format("ttl"))])
    yield store
    store.close()


def _svg(store: Store, kind: str = "network", **size: float) -> ET.Element:
    data = figure_bytes(store, kind, ViewOptions(("peer-support",)), **size)  # type: ignore[arg-type]
    return ET.fromstring(data)


def _text_box(t: ET.Element) -> Box:
    """The box a <text> element's lines take, from its anchor, size and the width table."""
    size = float(t.get("font-size", "14"))
    lines = [s.text or "" for s in t.findall("s:tspan", NS)]
    width = max(text_width(line, size, bold=t.get("font-weight") == "bold") for line in lines)
    x, y = float(t.get("x", "0")), float(t.get("y", "0"))
    left = {"end": x - width, "middle": x - width / 2}.get(t.get("text-anchor", ""), x)
    return left, y - 0.93 * size, left + width, y + (len(lines) - 1) * 1.25 * size + 0.24 * size


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _label_texts(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//s:g[@id='labels']/s:text", NS)


def _marker_boxes(root: ET.Element) -> list[Box]:
    boxes = []
    for el in root.find(".//s:g[@id='concepts']", NS) or []:
        if el.tag.endswith("circle"):
            x, y, r = (float(el.get(k, "0")) for k in ("cx", "cy", "r"))
            boxes.append((x - r, y - r, x + r, y + r))
        elif el.tag.endswith("rect"):
            x, y, w, h = (float(el.get(k, "0")) for k in ("x", "y", "width", "height"))
            boxes.append((x, y, x + w, y + h))
        else:
            pts = [tuple(map(float, p.split(","))) for p in el.get("points", "").split()]
            boxes.append((min(p[0] for p in pts), min(p[1] for p in pts),
                          max(p[0] for p in pts), max(p[1] for p in pts)))
    return boxes


@pytest.mark.parametrize("kind", ["network", "chains"])
@pytest.mark.parametrize("width", [1600, 800])
def test_draw_figure_holds_every_label_as_text_at_the_asked_width(example: Store, kind: str,
                                                                  width: int) -> None:
    root = _svg(example, kind, width=width)
    assert root.get("width") == str(width)
    assert root.get("viewBox", "").split()[2] == str(width)
    graph = build_graph(example, ViewOptions(("peer-support",), chains=kind == "chains"))
    shown = {" ".join(s.text or "" for s in t.findall("s:tspan", NS)) for t in _label_texts(root)}
    assert shown == {graph.nodes[n]["label"] for n in graph}
    assert len(root.findall(".//s:g[@id='links']/s:path", NS)) == graph.number_of_edges()


@pytest.mark.parametrize("kind", ["network", "chains"])
@pytest.mark.parametrize("width", [1600, 800])
def test_draw_figure_labels_neither_overlap_nor_leave_the_view(example: Store, kind: str,
                                                               width: int) -> None:
    root = _svg(example, kind, width=width)
    _, _, vw, vh = map(float, root.get("viewBox", "").split())
    groups = root.findall(".//s:g[@id='groups']/s:text", NS)
    assert kind == "chains" or len(groups) >= 5  # delivery, timing, mode, setting, …
    labels = [_text_box(t) for t in _label_texts(root) + groups]
    every_text = [_text_box(t) for t in root.iter(f"{{{NS['s']}}}text")]
    for box in every_text:
        assert box[0] >= 0 and box[1] >= 0 and box[2] <= vw and box[3] <= vh, box
    for a, b in itertools.combinations(labels, 2):
        assert not _overlap(a, b), (a, b)
    markers = _marker_boxes(root)
    legend = root.find(".//s:g[@id='legend']/s:rect", NS)
    assert legend is not None
    x, y, w, h = (float(legend.get(k, "0")) for k in ("x", "y", "width", "height"))
    for box in labels + markers:
        assert not _overlap((x, y, x + w, y + h), box), box
    for label, marker in itertools.product(labels, markers):
        assert not _overlap(label, marker), (label, marker)


def test_draw_figure_fits_an_asked_height(example: Store) -> None:
    tall = _svg(example, width=1000, height=4000)
    assert (tall.get("width"), tall.get("height")) == ("1000", "4000")
    assert tall.get("viewBox") == "0 0 1000 4000"
    short = _svg(example, width=1000, height=600)  # scaled down whole, centred
    assert (short.get("width"), short.get("height")) == ("1000", "600")
    assert float(short.get("viewBox", "").split()[3]) > 600


def test_draw_empty_figure_says_so(example: Store) -> None:
    root = ET.fromstring(figure_bytes(example, "network", ViewOptions(
        ("peer-support",), min_studies=100), width=600))
    texts = [" ".join(s.text or "" for s in t.findall("s:tspan", NS))
             for t in root.iter(f"{{{NS['s']}}}text")]
    assert any("Nothing to draw" in t for t in texts)
    assert root.find(".//s:g[@id='legend']", NS) is None


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize(("width", "height"), [(1600, None), (800, 600), (300, 2000)])
def test_write_png_has_the_asked_pixels(example: Store, width: int, height: int | None) -> None:
    data = figure_bytes(example, "network", ViewOptions(("peer-support",)), fmt="png",
                        width=width, height=height)
    svg = ET.fromstring(figure_bytes(example, "network", ViewOptions(("peer-support",)),
                                     width=width, height=height))
    assert _png_size(data) == (width, height or int(svg.get("height", "0")))


def test_write_pdf_opens_with_one_page(example: Store) -> None:
    data = figure_bytes(example, "chains", ViewOptions(("peer-support",)), fmt="pdf",
                        width=1000, height=1400)
    pdf = pypdf.PdfReader(io.BytesIO(data))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (750, 1050)  # px at 96 dpi
    assert "trusting relationship with the peer" in pdf.pages[0].extract_text()


def test_export_view_as_figure_formats(example: Store) -> None:
    view = MechanismView(example, "peer-support")
    assert _png_size(view.export("png", width=640))[0] == 640
    assert _png_size(view.to_png(width=500, height=400)) == (500, 400)
    assert view.export("pdf").startswith(b"%PDF")
    assert ET.fromstring(view.export("svg")).get("width") == "1600"
    assert view.to_svg(width=900) == view.export("svg", width=900).decode()
    assert len(pypdf.PdfReader(io.BytesIO(view.to_pdf(width=700))).pages) == 1
    with pytest.raises(UnsupportedFormat, match="graphml, gexf, cyjs, svg, png, pdf"):
        view.export("jpg")


def _hostile_graph(label: str) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("c", kind="context", label=label, broader=[], studies=1)
    g.add_node("m", kind="mechanism", label=f"m {label}", studies=2)
    g.add_node("o", kind="outcome", label=f"o {label}", studies=1)
    g.add_edge("c", "m", key="fired", relation="triggers", fired=True, studies=1)
    g.add_edge("m", "o", key="positive", relation="generates", direction="positive", studies=1,
               not_fired_only=False)
    return g


@pytest.mark.parametrize("label", [
    HOSTILE, "<script>alert(1)</script>", "]]><x>", "a\x00b\x07c\x1bd\ud800e\ufffff\r\ng",
    "word " * 2000, "x" * 10_000, "<![CDATA[ & ]]> &amp; &#0;"],
    ids=["html", "script", "cdata-end", "control", "10k-words", "10k-word", "entities"])
def test_draw_hostile_labels_as_text(label: str) -> None:
    svg = graph_svg(_hostile_graph(label), title=f"title {label}", width=800)
    root = ET.fromstring(svg.encode("utf-8"))
    assert not root.findall(".//s:script", NS) and "<script" not in svg
    texts = [" ".join(s.text or "" for s in t.findall("s:tspan", NS))
             for t in _label_texts(root)]
    head = label.split()[0][:5] if label.split() else ""
    assert any(head.replace("\x00", "\ufffd")[:1] in t for t in texts)
    for t in _label_texts(root):
        assert len(t.findall("s:tspan", NS)) <= 4
        assert _text_box(t)[2] <= 800
    if "<" in label:
        assert any("<" in t for t in texts)  # shown as the characters it holds


def test_draw_hostile_review_keeps_markup_as_text(hostile_store: Store) -> None:
    svg = figure_bytes(hostile_store, "network", ViewOptions(("h",)), width=900)
    root = ET.fromstring(svg)
    assert b"<img" not in svg and b"<svg onload" not in svg
    assert any(HOSTILE in (t.text or "") for t in root.iter(f"{{{NS['s']}}}title"))


@pytest.mark.parametrize(("kind", "fmt", "field"), [("tree", "svg", "kind"),
                                                    ("network", "jpg", "format")])
def test_refuse_unknown_kind_or_format_naming_the_allowed(example: Store, kind: str, fmt: str,
                                                          field: str) -> None:
    with pytest.raises(UnsupportedFormat) as info:
        figure_bytes(example, kind, ViewOptions(("peer-support",)), fmt=fmt)
    assert info.value.problems[0].field == field
    assert ("network, chains, heatmap" if field == "kind" else "svg, png, pdf") \
        in info.value.problems[0].reason


@pytest.mark.parametrize(("size", "field"), [
    ({"width": 199}, "width"), ({"width": 10_001}, "width"), ({"height": 50}, "height"),
    ({"font_px": 5.9}, "font_size"), ({"font_px": 49}, "font_size")])
def test_refuse_size_out_of_bounds_naming_the_field(example: Store, size: dict[str, float],
                                                    field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        figure_bytes(example, "network", ViewOptions(("peer-support",)), **size)  # type: ignore[arg-type]
    assert [p.field for p in info.value.problems] == [field]


def test_refuse_png_over_the_pixel_cap(example: Store) -> None:
    with pytest.raises(LimitExceeded) as info:
        figure_bytes(example, "network", ViewOptions(("peer-support",)), fmt="png",
                     width=10_000, height=10_000)
    assert info.value.limit == "figure_pixels"


def test_draw_heatmap_figure_or_name_it_missing(example: Store) -> None:
    try:
        import cmo.views.heatmap  # noqa: F401
    except ModuleNotFoundError:
        with pytest.raises(UnsupportedFormat, match="heatmap"):
            figure_bytes(example, "heatmap", ViewOptions(("peer-support",)))
        return
    root = ET.fromstring(figure_bytes(example, "heatmap", ViewOptions(("peer-support",)),
                                      width=1200))
    assert root.get("width") == "1200"


def test_draw_heatmap_through_the_dispatch_at_the_asked_size(example: Store,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    asked = {}

    def heatmap_svg(store: Store, options: ViewOptions, *, width: int = 1600,
                    font_px: float = 14) -> str:
        asked.update(width=width, font_px=font_px, reviews=options.reviews)
        return (f'<svg height="{width // 2}px" xmlns="http://www.w3.org/2000/svg" '
                f'width="{width}"><rect width="{width}" height="{width // 2}" fill="red"/></svg>')

    monkeypatch.setitem(sys.modules, "cmo.views.heatmap",
                        types.SimpleNamespace(heatmap_svg=heatmap_svg))
    data = figure_bytes(example, "heatmap", ViewOptions(("peer-support",)), fmt="png",
                        width=640, height=200)
    assert _png_size(data) == (640, 200)
    assert asked == {"width": 640, "font_px": 10, "reviews": ("peer-support",)}
    root = ET.fromstring(figure_bytes(example, "heatmap", ViewOptions(("peer-support",)),
                                      width=640, height=200))
    assert (root.get("height"), root.get("viewBox")) == ("200", "0 0 640 320")


def test_measure_text_agrees_with_cairo(example: Store) -> None:
    import cairocffi as cairo

    context = cairo.Context(cairo.ImageSurface(cairo.FORMAT_ARGB32, 4, 4))
    context.select_font_face("DejaVu Sans")
    context.set_font_size(1000)  # large, so that hinting rounds nothing away
    graph = build_graph(example, ViewOptions(("peer-support",)))
    for label in [graph.nodes[n]["label"] for n in graph] + ["Ünïcödé — “quotes” … ½"]:
        measured = context.text_extents(label)[4]
        assert abs(text_width(label, 1000) - measured) <= 0.01 * measured, label
