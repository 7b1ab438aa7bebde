"""The report examples/build_report.py builds works offline in Chromium and prints figures
(tests/test_examples.py runs every example)."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import ROOT
from tests.views.conftest import wait_heatmap, wait_stable


def test_build_report_shows_views_on_screen_and_figures_in_print(tmp_path: Path,
                                                                   page: Any) -> None:
    out, figures = tmp_path / "report.html", tmp_path / "figures"
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "build_report.py"),
                             "--out", str(out), "--figures", str(figures)],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    page.own_url = out.as_uri()
    page.goto(page.own_url)
    frames = [f for f in page.frames if f != page.main_frame]
    assert len(frames) == 3
    for frame in frames[:2]:
        wait_stable(frame)
        assert frame.evaluate("window.network.body.data.nodes.length") > 10
    wait_heatmap(frames[2])
    assert frames[2].evaluate("document.querySelectorAll('.hm-cell').length") > 10
    shown = "[...document.querySelectorAll('figure > *')].filter(e => " \
            "getComputedStyle(e).display !== 'none').map(e => e.tagName)"
    assert page.evaluate(shown) == ["IFRAME", "FIGCAPTION"] * 3
    # Printed, each view gives way to its static figure, drawn and whole.
    page.emulate_media(media="print")
    assert page.evaluate(shown) == ["IMG", "FIGCAPTION"] * 3
    assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    assert page.blocked == [] and page.errors == []
    for name in ("network", "delivery", "heatmap"):  # the PNGs for a Word document
        data = (figures / f"{name}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">I", data[16:20])[0] == 1600
