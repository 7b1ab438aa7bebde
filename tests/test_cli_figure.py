"""`cmo figure`: the network, chains and heatmap as files; nothing written on bad input."""

from __future__ import annotations

import os
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdf
import pytest

from tests.conftest import EXAMPLE, invoke_cmo


@pytest.fixture(scope="module")
def example_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store on disk holding the example review as `ps`, imported with `cmo import`."""
    url = f"oxigraph:{tmp_path_factory.mktemp('example') / 'store'}"
    assert invoke_cmo("--store", url, "import", str(EXAMPLE), "--review", "ps").exit_code == 0
    return url


@pytest.mark.parametrize(("kind", "name", "fmt"), [
    ("network", "fig.svg", None), ("chains", "fig.png", None), ("network", "fig.out", "pdf")])
def test_figure_writes_the_asked_format(example_url: str, tmp_path: Path, kind: str, name: str,
                                        fmt: str | None) -> None:
    out = tmp_path / name
    args = ["--store", example_url, "figure", kind, "--review", "ps", "--out", str(out),
            "--width", "900", "--context", "delivery", "--min-studies", "1"]
    result = invoke_cmo(*args, *(["--format", fmt] if fmt else []))
    assert result.exit_code == 0, result.stderr
    data = out.read_bytes()
    if name.endswith(".svg"):
        root = ET.fromstring(data)
        assert root.get("width") == "900" and b"context: delivery" in data
    elif name.endswith(".png"):
        assert struct.unpack(">I", data[16:20])[0] == 900
    else:
        assert len(pypdf.PdfReader(out).pages) == 1
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left behind
    # A figure is made to be shared: it gets the umask's mode, not the temporary file's 0600.
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("bad", [
    ["--width", "50"], ["--height", "20000"], ["--font-size", "2"], ["--format", "gif"],
    ["--theory", "no such theory"], ["--min-studies", "0"]],
    ids=["width", "height", "font", "format", "theory", "min-studies"])
def test_figure_writes_nothing_on_bad_input(example_url: str, tmp_path: Path,
                                            bad: list[str]) -> None:
    out = tmp_path / "fig.png"
    out.write_bytes(b"an older figure")
    result = invoke_cmo("--store", example_url, "figure", "network", "--review", "ps",
                        "--out", str(out), *bad)
    assert result.exit_code != 0
    assert out.read_bytes() == b"an older figure"
    assert [p.name for p in tmp_path.iterdir()] == ["fig.png"]


def test_figure_of_unknown_kind_or_review_writes_nothing(example_url: str,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "fig.svg"
    kind = invoke_cmo("--store", example_url, "figure", "tree", "--review", "ps",
                      "--out", str(out))
    assert kind.exit_code == 2 and "network" in kind.stderr
    review = invoke_cmo("--store", example_url, "figure", "network", "--review", "nope",
                        "--out", str(out))
    assert review.exit_code != 0 and not out.exists()
