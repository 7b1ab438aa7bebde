"""`cmo figure`: a review's network, CMO chains or heatmap as an SVG, PNG or PDF for a report.

The figure is written to a temporary file beside ``--out`` and renamed onto it only when whole,
so a refused option or a failure leaves no file (and an older one untouched).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from cmo.cli.session import pass_reader
from cmo.errors import InvalidInput, UnknownValue
from cmo.store import Store

KINDS = ("network", "chains", "heatmap")
FORMATS = ("svg", "png", "pdf")


@click.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--review", required=True, help="review id")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="svg, png or pdf  [default: from the --out suffix, else svg]")
@click.option("--out", required=True, metavar="FILE", help="file to write")
@click.option("--context", help="only this context and its narrower ones (label or synonym)")
@click.option("--theory", help="only CMOcs of this programme theory (id or label)")
@click.option("--min-studies", type=int, default=1, show_default=True,
              help="hide links backed by fewer studies")
@click.option("--fired-only", is_flag=True, help="leave out not-fired CMOcs")
@click.option("--width", type=int, default=1600, show_default=True, help="width in px")
@click.option("--height", type=int, help="height in px  [default: as the drawing needs]")
@click.option("--font-size", type=float,
              help="text size in px  [default: width/64, about 7 pt at A4 width]")
@pass_reader
def figure(store: Store, kind: str, review: str, fmt: str | None, out: str,
           context: str | None, theory: str | None, min_studies: int, fired_only: bool,
           width: int, height: int | None, font_size: float | None) -> None:
    """Draw a review's network, CMO chains or context × mechanism heatmap as a figure.

    Real text, the legend beside or below the drawing, no browser needed. PNG and PDF are
    converted from the SVG (CairoSVG).
    """
    from cmo.views import ViewOptions
    from cmo.views.figures import figure_bytes

    path = Path(out)
    if not path.parent.is_dir():
        raise click.BadParameter(f"{path.parent} is not a folder.", param_hint="'--out'")
    fmt = fmt or (path.suffix.lower().lstrip(".") if path.suffix.lower() in (
        ".svg", ".png", ".pdf") else "svg")
    try:
        data = figure_bytes(store, kind, ViewOptions((review,), context, theory, min_studies,
                                                     fired_only),
                            fmt=fmt, width=width, height=height, font_px=font_size)
    except UnknownValue as exc:  # a usage error (exit 2)
        raise click.BadParameter(exc.message, param_hint=f"'--{exc.field}'") from exc
    except InvalidInput as exc:  # a size out of bounds, a kind or format not available
        hint = ", ".join(_option(p.field) for p in exc.problems if p.field)
        raise click.BadParameter(str(exc), param_hint=hint or None) from exc
    _write_whole(path, data)
    click.echo(f"Wrote {path} ({fmt.upper()}, {len(data) / 1e6:.2f} MB).")


def _option(field: str) -> str:
    return "'KIND'" if field == "kind" else f"'--{field.replace('_', '-')}'"


def _write_whole(path: Path, data: bytes) -> None:
    """`data` to `path`, through a temporary file in the same folder."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    # mkstemp makes the file private; a figure is made to be shared, so it gets the mode any
    # new file of the user's would (0644 under the usual umask).
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
