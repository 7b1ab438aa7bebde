"""Every examples/*.py runs, and so does the README's library example: examples never rot."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
#: Arguments that keep an example's output out of the repository.
ARGS = {"build_report.py": lambda tmp: ["--out", str(tmp / "report.html")]}


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script: Path, tmp_path: Path) -> None:
    args = ARGS.get(script.name, lambda tmp: [])(tmp_path)
    result = subprocess.run([sys.executable, str(script), *args], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_readme_library_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # it imports examples/peer-support/review.ttl by a relative path
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Using the library", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code is not None
    exec(compile(code[1], "README.md", "exec"), {"__name__": "readme"})
