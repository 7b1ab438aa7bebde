"""PNG and PDF from a figure's SVG, through CairoSVG (cairo draws; no browser).

CairoSVG and the cairo library load only when a PNG or a PDF is asked for. The SVG is ours, so
it names no other file; CairoSVG is still given a fetcher that refuses every URL, and its
``unsafe`` mode (XML entities, huge trees) stays off.
"""

from __future__ import annotations

from typing import Any

from cmo.errors import Problem, UnsupportedFormat


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"a figure reads no other file ({url[:80]!r})")


def svg_to(svg: str, fmt: str, *, width: int, height: int) -> bytes:
    """`svg` drawn as a `width` × `height` px PNG, or as a one-page PDF of that size."""
    try:
        from cairosvg.surface import PDFSurface, PNGSurface
    except OSError as exc:  # cairosvg is installed but the cairo library is not
        raise UnsupportedFormat(f"Cannot write {fmt.upper()}: the cairo library is missing "
                                "(on Debian: apt-get install libcairo2).", [Problem(
                                    field="format", reason="svg needs no library")]) from exc
    surface = PNGSurface if fmt == "png" else PDFSurface
    out = surface.convert(bytestring=svg.encode("utf-8"), output_width=width, output_height=height,
                  background_color="#ffffff", unsafe=False, url_fetcher=_refuse)
    return bytes(out)
