"""A plain progress bar on standard error for long imports (no dependency, no-op off a terminal)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """Called as `bar(stage, done, total)`; draws `stage [#####     ] 50% 50,000/100,000`."""

    def __init__(self, stream: TextIO | None = None, width: int = 30,
                 force: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.active = force or self.stream.isatty()
        self.start = time.monotonic()

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Redraw the bar for `stage`; a finished stage ends its line."""
        if not self.active or total <= 0:
            return
        filled = self.width * done // total
        elapsed = time.monotonic() - self.start
        self.stream.write(f"\r{stage:<9} [{'#' * filled}{' ' * (self.width - filled)}] "
                          f"{100 * done // total:3d}% {done:,}/{total:,} {elapsed:5.1f}s")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
