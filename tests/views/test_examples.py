"""The report examples/build_report.py builds works offline in Chromium (tests/test_examples.py
runs every example)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import ROOT
from tests.views.conftest import wait_stable


def test_build_report_writes_two_working_views(tmp_path: Path, page: Any) -> None:
    out = tmp_path / "report.html"
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "build_report.py"),
                             "--out", str(out)], capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stderr
    page.own_url = out.as_uri()
    page.goto(page.own_url)
    frames = [f for f in page.frames if f != page.main_frame]
    assert len(frames) == 2
    for frame in frames:
        wait_stable(frame)
        assert frame.evaluate("window.network.body.data.nodes.length") > 10
    assert page.blocked == [] and page.errors == []
