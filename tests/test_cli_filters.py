"""`cmo query` and `cmo draw` filters: designs as people write them, and no silent empty answer
for a value that names nothing (exit 2, naming the closest values)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, invoke_cmo


@pytest.fixture(scope="module")
def example_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store on disk holding the peer-support review."""
    url = f"oxigraph:{tmp_path_factory.mktemp('filters') / 'store'}"
    assert invoke_cmo("--store", url, "import", str(EXAMPLE), "--review",
                      "peer-support").exit_code == 0
    return url


def _matrix(url: str, *args: str) -> list[object]:
    result = invoke_cmo("--store", url, "query", "matrix", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    rows: list[object] = json.loads(result.stdout)["rows"]
    return rows


@pytest.mark.parametrize("design", ["Systematic Review", "meta-analysis", "SYSTEMATIC-REVIEW"])
def test_query_design_accepts_labels_and_synonyms_in_any_case(example_url: str,
                                                              design: str) -> None:
    expected = _matrix(example_url, "--design", "systematic-review")
    assert expected and _matrix(example_url, "--design", design) == expected


@pytest.mark.parametrize(("args", "named"), [
    (["matrix", "--design", "rtc"], ["'--design'", "Unknown design 'rtc'", "'rct'"]),
    (["matrix", "--theory", "TAM"], ["'--theory'", "Unknown theory 'TAM'", "peer-support-v1"]),
    (["patterns", "--theory", "how peer suport works"],
     ["'--theory'", "Did you mean 'How peer support works'"]),
    (["contradictions", "--min-confidence", "hihg"], ["'--min-confidence'", "'high'"]),
    (["mechanisms", "--context", "delivery", "--direction", "postive"],
     ["'--direction'", "'positive'"]),
], ids=["design", "theory", "theory-typo", "confidence", "direction"])
def test_query_unknown_filter_value_exits_2_naming_closest(example_url: str, args: list[str],
                                                           named: list[str]) -> None:
    result = invoke_cmo("--store", example_url, "query", *args)
    assert result.exit_code == 2, result.stdout
    assert all(text in result.stderr for text in named), result.stderr


def test_draw_unknown_theory_exits_2_naming_closest(example_url: str, tmp_path: Path) -> None:
    out = tmp_path / "view.html"
    result = invoke_cmo("--store", example_url, "draw", "--review", "peer-support", "--theory",
                        "TAM", "--out", str(out))
    assert result.exit_code == 2 and "Unknown theory 'TAM'" in result.stderr
    assert not out.exists()
