"""Drawing primitives for the static figures: an SVG document built with ElementTree.

Every text goes through `clean` and reaches the document as an element's text or an attribute,
which ElementTree escapes, so a label such as ``<script>`` or ``]]>`` stays text and the
document stays well-formed XML. Characters XML 1.0 cannot hold (most control characters, lone
surrogates) become U+FFFD; runs of whitespace, newlines among them, become one space.

>>> d = Drawing(font_px=14)
>>> d.text(["a <b> & ]]>"], 10, 20)
>>> svg = d.finish(100, 50)
>>> "a &lt;b&gt; &amp; ]]&gt;" in svg, svg.startswith("<?xml")
(True, True)
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

SVG_NS = "http://www.w3.org/2000/svg"
FONT_FAMILY = "'DejaVu Sans', Verdana, 'Bitstream Vera Sans', Arial, Helvetica, sans-serif"
LINE_HEIGHT = 1.25  # of the font size
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: object) -> str:
    """`text` as one line that XML 1.0 can hold."""
    return " ".join(_NOT_XML.sub("\ufffd", str(text)).split())


def num(value: float) -> str:
    """A coordinate with at most one decimal."""
    out = f"{value:.1f}"
    return out[:-2] if out.endswith(".0") else out


class Drawing:
    """Elements added in painting order; `finish` wraps them in the ``<svg>`` root."""

    def __init__(self, *, font_px: float) -> None:
        self.font_px = font_px
        self.defs = ET.Element("defs")
        self.body = ET.Element("g")
        self._arrows: dict[str, str] = {}

    def arrow(self, color: str, size: float) -> str:
        """A ``marker-end`` value: an arrowhead of `color`, `size` px long, tip at the end."""
        if color not in self._arrows:
            name = f"arrow{len(self._arrows)}"
            marker = ET.SubElement(self.defs, "marker", {
                "id": name, "viewBox": "0 0 10 10", "refX": "9", "refY": "5",
                "markerWidth": num(size), "markerHeight": num(size),
                "markerUnits": "userSpaceOnUse", "orient": "auto"})
            ET.SubElement(marker, "path", {"d": "M0,1 L10,5 L0,9 z", "fill": color})
            self._arrows[color] = f"url(#{name})"
        return self._arrows[color]

    def group(self, **attrs: str) -> ET.Element:
        """A ``<g>`` (for a layer: edges, nodes, labels) appended to the drawing."""
        return ET.SubElement(self.body, "g", attrs)

    def rect(self, x: float, y: float, w: float, h: float, *, parent: ET.Element | None = None,
             **attrs: str) -> ET.Element:
        """A rectangle."""
        return ET.SubElement(self.body if parent is None else parent, "rect",
                             {"x": num(x), "y": num(y), "width": num(w), "height": num(h),
                              **attrs})

    def circle(self, x: float, y: float, r: float, *, parent: ET.Element | None = None,
               **attrs: str) -> ET.Element:
        """A circle."""
        return ET.SubElement(self.body if parent is None else parent, "circle",
                             {"cx": num(x), "cy": num(y), "r": num(r), **attrs})

    def polygon(self, points: Sequence[tuple[float, float]], *,
                parent: ET.Element | None = None, **attrs: str) -> ET.Element:
        """A closed polygon."""
        return ET.SubElement(self.body if parent is None else parent, "polygon", {
            "points": " ".join(f"{num(x)},{num(y)}" for x, y in points), **attrs})

    def path(self, d: str, *, parent: ET.Element | None = None, **attrs: str) -> ET.Element:
        """A path (`d` built from numbers only)."""
        return ET.SubElement(self.body if parent is None else parent, "path", {"d": d, **attrs})

    def text(self, lines: Sequence[str], x: float, y: float, *, anchor: str = "start",
             size: float | None = None, bold: bool = False, fill: str = "#1f2328",
             title: str | None = None, parent: ET.Element | None = None) -> None:
        """Lines of text, the first baseline at `y`, one ``<tspan>`` a line; `title` becomes a
        tooltip (the whole label where the lines cut it short)."""
        size = size or self.font_px
        attrs = {"x": num(x), "y": num(y), "font-size": num(size), "fill": fill}
        if anchor != "start":
            attrs["text-anchor"] = anchor
        if bold:
            attrs["font-weight"] = "bold"
        element = ET.SubElement(self.body if parent is None else parent, "text", attrs)
        if title:
            ET.SubElement(element, "title").text = clean(title)
        for i, line in enumerate(lines):
            span = ET.SubElement(element, "tspan", {"x": num(x)})
            if i:
                span.set("dy", num(size * LINE_HEIGHT))
            span.text = clean(line)

    def finish(self, width: float, height: float, *, view: tuple[float, float] | None = None,
               title: str = "", description: str = "") -> str:
        """The document: `width` × `height` px, drawing `view` (its own width and height;
        default the same) scaled to fit and centred, on a white background."""
        vw, vh = view or (width, height)
        root = ET.Element("svg", {
            "xmlns": SVG_NS, "version": "1.1", "width": num(width), "height": num(height),
            "viewBox": f"0 0 {num(vw)} {num(vh)}", "preserveAspectRatio": "xMidYMid meet",
            "font-family": FONT_FAMILY, "role": "img"})
        ET.SubElement(root, "title").text = clean(title)
        if description:
            ET.SubElement(root, "desc").text = clean(description)
        if len(self.defs):
            root.append(self.defs)
        ET.SubElement(root, "rect", {"x": "0", "y": "0", "width": num(vw), "height": num(vh),
                                     "fill": "#ffffff"})
        root.append(self.body)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode")
