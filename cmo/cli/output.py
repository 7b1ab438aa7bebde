"""What `cmo` writes to the terminal: aligned tables, JSON, the `--format` option, progress bars."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

F = TypeVar("F", bound=Callable[..., Any])


def format_option(*choices: str) -> Callable[[F], F]:
    """``--format`` with these choices, the first the default; the command gets it as `fmt`."""
    return click.option("--format", "fmt", type=click.Choice(choices), default=choices[0],
                        show_default=True, help="how to print the answer")


def echo_json(data: Any) -> None:
    """Print `data` as indented JSON, non-ASCII letters as they are."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


#: How many characters of a cell a table shows unless ``--wide`` is given.
CELL_WIDTH = 60


def wide_option(command: F) -> F:
    """``--wide``: tables show every cell whole; the command gets it as `wide`."""
    return click.option("--wide", is_flag=True, help=f"show every cell whole (tables cut a cell "
                        f"at {CELL_WIDTH} characters, ending it with …)")(command)


def echo_listing(fmt: str, data: Any, rows: Sequence[Sequence[object]],
                 header: Sequence[str], wide: bool = False) -> None:
    """Print `data` as JSON when `fmt` is ``json``, else `rows` as a table under `header`."""
    if fmt == "json":
        echo_json(data)
    else:
        print_table(rows, header, None if wide else CELL_WIDTH)


def print_table(rows: Sequence[Sequence[object]], header: Sequence[str],
                width: int | None = CELL_WIDTH) -> None:
    """Print rows as aligned columns under a header, cutting cells longer than `width` (none
    when `width` is None)."""
    def cut(value: object) -> str:
        text = str(value)
        return text if width is None or len(text) <= width else text[: width - 1] + "…"

    cells = [[cut(h) for h in header]] + [[cut(c) for c in r] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    for n, row in enumerate(cells):
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            click.echo("  ".join("-" * w for w in widths))
    if not rows:
        click.echo("(no rows)")


class StageProgress:
    """The importer's ``progress(stage, done, total)`` as one `click.progressbar` per stage on
    standard error; draws nothing when standard error is not a terminal."""

    def __init__(self) -> None:
        self._bars = ExitStack()
        self._bar: ProgressBar[int] | None = None
        self._stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Move the bar of `stage` to `done` of `total`; a finished stage ends its line."""
        if total <= 0:
            return
        if self._bar is None or stage != self._stage:
            self._bars.close()
            self._stage = stage
            self._bar = self._bars.enter_context(click.progressbar(
                length=total, label=f"{stage:<9}", file=sys.stderr, show_pos=True,
                show_percent=True, hidden=not sys.stderr.isatty()))
        self._bar.update(done - self._bar.pos)
        if done >= total:
            self.close()

    def close(self) -> None:
        """End the bar being drawn, if any."""
        self._bars.close()
        self._bar = None

    def __enter__(self) -> StageProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
