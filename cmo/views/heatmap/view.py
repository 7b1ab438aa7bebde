"""`HeatmapView`: a review's context × mechanism heatmap, ready to show or to print.

>>> import cmo
>>> kg = cmo.open("memory:")
>>> _ = kg.reviews.create(id="r", title="R").cmocs.create(id="c1", studies=["S 2020"],
...     contexts=["rural"], mechanism="trust", outcomes=["uptake"])
>>> view = HeatmapView(kg.store, "r")
>>> [(c.studies, c.fired, c.not_fired) for c in view.data.cells]
[(1, 1, 0)]
>>> view.html().startswith("<!DOCTYPE html>"), view.to_svg(width=800).startswith("<svg")
(True, True)
"""

from __future__ import annotations

from pathlib import Path

from cmo.store import Store
from cmo.views.embedding import iframe_tag
from cmo.views.figures import check_size, figure_font, svg_bytes
from cmo.views.graph import ViewOptions
from cmo.views.heatmap.data import HeatmapData, heatmap_data
from cmo.views.heatmap.figure import heatmap_svg_of
from cmo.views.heatmap.webpage import heatmap_page


class HeatmapView:
    """Contexts (grouped by hierarchy) × mechanisms: in a notebook, a file, or a report."""

    def __init__(self, store: Store, review_id: str, *, context: str | None = None,
                 theory: str | None = None, min_studies: int = 1, fired_only: bool = False,
                 title: str | None = None, height: str = "640px") -> None:
        self.options = ViewOptions((review_id,), context, theory, min_studies, fired_only)
        self.data: HeatmapData = heatmap_data(store, self.options)
        self.title = title or self.data.title
        self.height = height

    def html(self, *, embed: bool = False) -> str:
        """The self-contained interactive page (for an iframe with `embed`)."""
        return heatmap_page(self.data, title=self.title, embed=embed)

    def to_svg(self, *, width: int = 1600, font_px: float | None = None) -> str:
        """The static figure, `width` pixels wide; text `font_px` (default: about 7 pt when
        the figure spans an A4 text column, as the network figure's)."""
        check_size(width, None, font_px)
        return heatmap_svg_of(self.data, width=width, font_px=figure_font(width, font_px))

    def to_png(self, *, width: int = 1600, font_px: float | None = None) -> bytes:
        """The figure of `to_svg` as a PNG `width` pixels wide."""
        return svg_bytes(self.to_svg(width=width, font_px=font_px), "png")

    def to_pdf(self, *, width: int = 1600, font_px: float | None = None) -> bytes:
        """The figure of `to_svg` as a one-page PDF."""
        return svg_bytes(self.to_svg(width=width, font_px=font_px), "pdf")

    def iframe(self) -> str:
        """An ``<iframe srcdoc=…>`` holding the embed page: one tag to paste into HTML."""
        return iframe_tag(self.title, self.height, self.html(embed=True))

    def _repr_html_(self) -> str:
        """Jupyter and Quarto show the heatmap in a sandboxed iframe."""
        return self.iframe()

    def save(self, path: str | Path, *, embed: bool = False) -> Path:
        """Write the page (or the SVG figure, for a ``.svg`` path) to `path` (UTF-8)."""
        out = Path(path)
        text = self.to_svg() if out.suffix.lower() == ".svg" else self.html(embed=embed)
        out.write_text(text, encoding="utf-8")
        return out


def heatmap_view_html(store: Store, review_id: str, *, context: str | None = None,
                      theory: str | None = None, min_studies: int = 1, fired_only: bool = False,
                      embed: bool = False, title: str | None = None) -> str:
    """The heatmap of a review as one HTML page (``embed=True``: for an iframe).

    This is what ``GET /reviews/{id}/views/heatmap`` serves. An unknown review or context
    raises `cmo.NotFound` (`cmo.UnknownConcept` for a context); an unknown theory or
    ``min_studies < 1`` raises `cmo.InvalidInput` (`UnknownValue`, with the closest theories).
    """
    view = HeatmapView(store, review_id, context=context, theory=theory,
                       min_studies=min_studies, fired_only=fired_only, title=title)
    return view.html(embed=embed)
